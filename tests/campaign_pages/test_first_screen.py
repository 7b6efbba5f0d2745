"""The first screen, in Chromium on a phone and a laptop: a compact header with "Take the
pledge" on every page, a menu that collapses on phones, and a home page that says what the
campaign is and offers the pledge without scrolling."""

import pytest

from tests.campaign_pages.conftest import load_demo_content
from tests.campaign_pages.test_browser import base_tree  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}
PAGES = ["/", "/focus-areas/", "/focus-areas/use-of-force/", "/resources/", "/news/"]


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def in_first_screen(page, selector, viewport):
    rect = box(page, selector)
    return (
        rect is not None
        and rect["y"] >= 0
        and rect["y"] + rect["height"] <= viewport["height"]
        and rect["x"] + rect["width"] <= viewport["width"]
    )


def check_header(page, viewport, header_limit):
    """On every page the header is at most ``header_limit`` px high and shows one "Take
    the pledge" link, inside the first screen, that leads to the form."""
    for path in PAGES + ["/members/"]:
        page.goto(path)
        header = box(page, "header.usa-header")
        assert header["height"] <= header_limit, (path, header["height"])
        pledge = page.get_by_role("link", name="Take the pledge", exact=True)
        assert pledge.count() == 1, path  # one visible link, whichever the width
        assert in_first_screen(page, "a:text-is('Take the pledge'):visible", viewport)
        # The logo keeps its own proportions (the bar squeezed it at 320 px).
        drawn, natural = page.evaluate(
            "(i => [i.width / i.height, i.naturalWidth / i.naturalHeight])"
            "(document.querySelector('.site-logo__image'))"
        )
        assert abs(drawn - natural) < 0.05, (path, drawn, natural)
        # ... and its link keeps the campaign's name, also where only the mark is drawn.
        home = page.get_by_role("link", name="Trust Building Campaign", exact=True)
        assert home.first.get_attribute("href") == "/"
    pledge.click()
    page.wait_for_url("**/pledge/")
    assert page.get_by_role("link", name="Take the pledge").count() == 1


def check_home(page, viewport):
    """The home page says what the campaign is and offers the pledge without scrolling."""
    page.goto("/")
    assert in_first_screen(page, "h1", viewport)
    assert in_first_screen(page, ".campaign-hero .lead", viewport)
    assert in_first_screen(page, ".campaign-hero a.usa-button", viewport)
    assert (
        page.locator(".campaign-hero a.usa-button").inner_text() == "Pledge your agency"
    )


def check_menu(page):
    """On a phone the menu collapses behind a button that works by keyboard; from laptop
    width it is always shown."""
    page.set_viewport_size(PHONE)
    page.goto("/")
    news = page.locator(".usa-nav").get_by_role("link", name="News", exact=True)
    assert not news.is_visible()
    menu = page.get_by_role("button", name="Menu")
    menu.focus()
    page.keyboard.press("Enter")
    assert news.is_visible()
    # The menu takes the focus (its close button first), so Tab goes on through its links.
    assert page.evaluate("document.activeElement.closest('.usa-nav') !== null")
    page.keyboard.press("Escape")
    assert not news.is_visible()
    page.set_viewport_size(LAPTOP)
    assert news.is_visible()
    assert not menu.is_visible()


def test_the_first_screen_on_a_phone_and_a_laptop(browser_page):
    load_demo_content()
    page = browser_page
    page.set_viewport_size(NARROW)
    check_header(page, NARROW, 90)
    for viewport, header_limit in [(PHONE, 90), (LAPTOP, 140)]:
        page.set_viewport_size(viewport)
        check_header(page, viewport, header_limit)
        check_home(page, viewport)
    check_menu(page)
