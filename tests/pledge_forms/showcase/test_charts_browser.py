"""Charts read on a phone and on a desktop, in Chromium: at 320, 375, 768, 1280 and 1440
pixels wide, every visible label of every chart (SVG text and HTML labels) renders at 11
CSS pixels or more, no two labels overlap, table headers keep their words whole and the
page never scrolls sideways. On the home page, the showcase, a member page with a history
of progress and the statistics (and the map)."""

import pytest
from django.apps import apps

from pledge_forms.models import Pledge
from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.showcase.management.commands.generate_members import generate_members

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 375, 768, 1280, 1440)
MIN_FONT_PX = 11

# Runs in the page: every visible piece of text inside a chart, with its rendered font
# size (SVG text: computed size times the drawing's scale on screen) and its boxes.
MEASURE = """
() => {
  const visible = (el) => el.checkVisibility({visibilityProperty: true}) &&
    el.getClientRects().length > 0;
  const charts = [...document.querySelectorAll('.pf-chart, .pf-map, .pf-legend')]
    .filter(visible);
  const labels = [];
  charts.forEach((chart, number) => {
    const svgText = [...chart.querySelectorAll('text, tspan')].filter(
      (el) => !el.querySelector('tspan') && el.textContent.trim() && visible(el));
    for (const el of svgText) {
      const ctm = (el.closest('text') || el).getScreenCTM();
      const scale = Math.hypot(ctm.a, ctm.b);
      const size = parseFloat(getComputedStyle(el).fontSize) * scale;
      const r = el.getBoundingClientRect();
      labels.push({chart: number, text: el.textContent.trim(), size,
                   boxes: [[r.left, r.top, r.right, r.bottom]]});
    }
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || node.parentElement.closest('svg')) continue;
      if (!visible(node.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const boxes = [...range.getClientRects()]
        .filter((r) => r.width > 0 && r.height > 0)
        .map((r) => [r.left, r.top, r.right, r.bottom]);
      labels.push({chart: number, text: node.textContent.trim(), boxes,
                   size: parseFloat(getComputedStyle(node.parentElement).fontSize)});
    }
  });
  // Words of table headers split over two lines.
  const split = [];
  for (const th of document.querySelectorAll('.pf-table th, .usa-table th')) {
    if (!visible(th)) continue;
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/[^\\s\\-\\u2010]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()]
          .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) split.push(match[0]);
      }
    }
  }
  return {charts: charts.length, labels, split,
          scrollWidth: document.documentElement.scrollWidth};
}
"""


def overlaps(a, b, tolerance=0.5):
    return (
        min(a[2], b[2]) - max(a[0], b[0]) > tolerance
        and min(a[3], b[3]) - max(a[1], b[1]) > tolerance
    )


def problems(result, width):
    found = []
    for label in result["labels"]:
        if label["size"] < MIN_FONT_PX - 0.01:
            found.append(f"{label['text']!r} at {label['size']:.1f}px")
    labels = result["labels"]
    for i, first in enumerate(labels):
        for second in labels[i + 1 :]:
            if first["chart"] != second["chart"]:
                continue
            if any(overlaps(a, b) for a in first["boxes"] for b in second["boxes"]):
                found.append(f"{first['text']!r} overlaps {second['text']!r}")
    found += [f"header word split: {word!r}" for word in result["split"]]
    if result["scrollWidth"] > width:
        found.append(f"the page is {result['scrollWidth']}px wide")
    return found


@pytest.fixture
def site():
    """The demo site (when the site app is installed: its home page, the showcase at
    /members/ and the demo agencies with histories of progress), else a bare site with the
    showcase; 80 generated members either way."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if apps.is_installed("campaign_pages"):
        from campaign_pages.permissions import ensure_communications_staff
        from tests.campaign_pages.conftest import load_demo_content

        load_demo_content()
        ensure_communications_staff()
        home = Site.objects.get(is_default_site=True).root_page
    else:
        from pledge_forms.testing.factories import make_checklist

        make_checklist()
        home = Site.objects.get(is_default_site=True).root_page
    page = ensure_showcase_page(home)
    generate_members(80, seed=5)
    return page


def test_every_chart_label_is_readable_and_apart_at_every_width(browser_page, site):
    # Members with a history of progress: the shortest and the longest ones.
    members = list(
        Pledge.objects.filter(
            live=True,
            consent_listed=True,
            consent_show_practices=True,
            practice_changes__status_before="in_progress",
        )
        .distinct()
        .order_by("pledged_at")
    )
    assert members
    paths = [
        *(["/"] if apps.is_installed("campaign_pages") else []),
        "/members/",
        *{f"/members/{m.slug}/" for m in (members[0], members[-1])},
        "/members/statistics/",
        "/members/map/",
    ]
    found = {}
    counted = {}
    for path in paths:
        browser_page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        response = browser_page.goto(path)
        assert response.status == 200, path
        for width in WIDTHS:
            browser_page.set_viewport_size({"width": width, "height": 800})
            result = browser_page.evaluate(MEASURE)
            counted[(path, width)] = len(result["labels"])
            issues = problems(result, width)
            if issues:
                found[f"{path} at {width}px"] = issues[:8]
    assert not found, found
    # The check saw the charts: labels on every page, the most quarters on wide screens.
    for path in paths:
        if path != "/members/map/":
            assert counted[(path, 320)] > 0, path
    assert (
        counted[("/members/statistics/", 1440)] > counted[("/members/statistics/", 320)]
    )
