"""Browser journeys in Chromium against the live server: a visitor and an editor."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from tests.campaign_pages.conftest import load_demo_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_loads_and_passes_the_accessibility_check(browser_page, axe):
    load_demo_content()
    response = browser_page.goto("/")
    assert response.status == 200
    assert browser_page.locator("h1").count() >= 1
    assert browser_page.locator("main").count() == 1
    axe(browser_page)


def test_an_admin_signs_in_through_the_login_form_and_reaches_the_dashboard(
    browser_page,
):
    get_user_model().objects.create_superuser(
        username="editor", email="editor@example.org", password="correct horse battery"
    )
    browser_page.goto("/admin/")
    assert re.search(r"/admin/login/\?next=/admin/$", browser_page.url)
    browser_page.get_by_label("Username").fill("editor")
    browser_page.get_by_label("Password").fill("correct horse battery")
    browser_page.get_by_role("button", name="Sign in").click()
    browser_page.wait_for_url(re.compile(r"/admin/$"))
    assert browser_page.title().startswith("Dashboard")
    assert browser_page.locator("h1").first.inner_text() == settings.WAGTAIL_SITE_NAME
    # Still signed in on the next request: the session cookie works.
    browser_page.goto("/admin/pages/")
    assert "/admin/login/" not in browser_page.url
