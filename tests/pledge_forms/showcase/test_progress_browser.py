"""Progress over time in Chromium: the member page's charts and table, the statistics'
adoption over time and the agency's history on its update page pass the accessibility
check and fit a 320-pixel screen."""

import pytest

from pledge_forms import services
from pledge_forms.models import Pledge, PracticeChange
from pledge_forms.testing.factories import submitted_pledge
from tests.pledge_forms.showcase.test_browser import showcase  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, path):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, path


def test_a_member_page_with_its_progress_over_time_passes_the_checks(
    browser_page,
    axe,
    showcase,  # noqa: F811
):
    member = (
        Pledge.objects.filter(
            live=True,
            consent_listed=True,
            consent_show_practices=True,
            practice_changes__status_before="in_progress",
        )
        .distinct()
        .first()
    )
    path = f"/members/{member.slug}/"
    response = browser_page.goto(path)
    assert response.status == 200
    assert browser_page.get_by_role("heading", name="Progress over time").is_visible()
    axe(browser_page)
    fits(browser_page, path)
    fits(browser_page, "/members/statistics/")


def test_the_update_page_with_the_agencys_history_passes_the_checks(
    browser_page,
    live_server,
    axe,
    pledge_page,  # noqa: F811
):
    pledge = submitted_pledge(pledge_page, "approved")
    assert PracticeChange.objects.filter(pledge=pledge).exists()
    path = f"/pledge/update/{services.make_update_token(pledge)}/"
    browser_page.goto(path)
    assert browser_page.get_by_role("heading", name="Your progress so far").is_visible()
    axe(browser_page)
    browser_page.set_viewport_size({"width": 320, "height": 640})
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= 320
