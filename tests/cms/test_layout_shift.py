"""Pages do not jump while their images arrive: every image's box is known from the HTML."""

import time

import pytest

from tests.campaign_pages.conftest import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) {
            window.__shifts.push({
                value: entry.value,
                nodes: entry.sources.map((s) => s.node ? s.node.outerHTML.slice(0, 120) : ""),
            });
        }
    }
}).observe({type: "layout-shift", buffered: true});
"""


def delay_images(route):
    time.sleep(0.4)  # the page is laid out and painted before any image arrives
    route.continue_()


@pytest.mark.parametrize("path", ["/about/", "/news/", "/"])
@pytest.mark.parametrize("width", [375, 1280])
def test_pages_do_not_shift_while_the_logo_and_images_load(browser_page, path, width):
    build_site(resources=1, news=3)
    browser_page.set_viewport_size({"width": width, "height": 900})
    browser_page.add_init_script(RECORD_SHIFTS)
    browser_page.route("**/media/**", delay_images)
    browser_page.goto(path, wait_until="load")
    browser_page.mouse.wheel(0, 3000)  # lazy images below the fold load too
    browser_page.wait_for_timeout(1200)
    assert browser_page.locator("picture img").count() >= 1
    shifts = browser_page.evaluate("window.__shifts")
    assert shifts == [], shifts
