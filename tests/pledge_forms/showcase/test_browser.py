"""Browser journey through the member showcase in Chromium, with accessibility checks."""

import re

import pytest
from wagtail.models import Site

from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.showcase.management.commands.generate_members import generate_members
from pledge_forms.testing.factories import make_checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def showcase():
    """A site with a home page, the checklist, the showcase and 80 generated agencies.

    Transactional tests empty the database when they end, so the page tree is made here.
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        home = root.add_child(instance=Page(title="Home", slug="home"))
        site = Site.objects.create(
            hostname="localhost", root_page=home, is_default_site=True
        )
    make_checklist()
    page = ensure_showcase_page(site.root_page)
    generate_members(80, seed=5)
    return page


def test_a_visitor_filters_the_showcase_opens_a_member_and_copies_the_badge_code(
    browser_page, axe, showcase
):
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/members/")
    axe(page)

    page.get_by_label("Stage", exact=True).select_option("completed")
    page.get_by_role("button", name="Show members").click()
    page.wait_for_url(re.compile(r"stage=completed"))
    count = page.locator("#result-count").inner_text()
    assert re.match(r"\d+ members? found", count.strip())
    # The member cards of the list: its items that have a heading (the pages' links do not).
    cards = (
        page.get_by_role("region", name="All members")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading"))
    )
    assert cards.count() >= 1
    for index in range(cards.count()):
        assert "Completed" in cards.nth(index).text_content()

    first = cards.first.get_by_role("link")
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/members/[\w-]+/$"))
    assert page.locator("h1").inner_text() == name
    axe(page)

    page.get_by_role("button", name="Copy the code").click()
    page.get_by_text("The code is copied.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith('<a href="http') and "/badge.svg" in copied


@pytest.mark.parametrize("width", [375, 1280])
def test_the_showcase_pages_pass_the_accessibility_check_on_a_phone_and_a_desktop(
    browser_page, axe, showcase, width
):
    from pledge_forms.models import Pledge

    member = Pledge.objects.filter(
        live=True, consent_listed=True, consent_show_practices=True
    ).first()
    browser_page.set_viewport_size({"width": width, "height": 800})
    for path in (
        "/members/",
        "/members/?stage=nonsense&page=2",
        f"/members/{member.slug}/",
        "/members/map/",
        "/members/statistics/",
    ):
        response = browser_page.goto(path)
        assert response.status == 200, path
        axe(browser_page)


def test_the_showcase_pages_are_readable_at_320_pixels(browser_page, showcase):
    from pledge_forms.models import Pledge

    member = Pledge.objects.filter(live=True, consent_listed=True).first()
    browser_page.set_viewport_size({"width": 320, "height": 640})
    for path in (
        "/members/",
        "/members/map/",
        "/members/statistics/",
        f"/members/{member.slug}/",
    ):
        browser_page.goto(path)
        width = browser_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, path
