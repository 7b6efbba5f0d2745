"""The member showcase on the campaign site: the site's overrides of the showcase's parts
give it the design system's cards, tags, form controls, alert, pagination, tables and
buttons, and the site's one stylesheet carries the chart and map styles the showcase's own
stylesheet has (which the site does not link)."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders
from wagtail.models import Site

from pledge_forms.models import Pledge
from pledge_forms.showcase import charts
from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.showcase.management.commands.generate_members import generate_members
from pledge_forms.showcase.models import MemberShowcasePage
from pledge_forms.testing.factories import make_checklist


@pytest.fixture
def showcase(db):
    make_checklist()
    page = ensure_showcase_page(Site.objects.get(is_default_site=True).root_page)
    generate_members(30, seed=3)
    MemberShowcasePage.objects.filter(pk=page.pk).update(per_page=6)
    return page


def html(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def test_the_site_stylesheet_names_as_many_quarters_as_the_charts_plan():
    css = Path(finders.find("css/site.css")).read_text()
    before_rules = css.split("@container")[0]
    for number, width in enumerate(charts.BREAKPOINTS[1:], start=1):
        assert (
            f"@container (min-width: {width}px){{.pf-tick--{number}{{display:inline}}}}"
            in css
        ), width
        assert f".pf-tick--{number}{{display:none}}" in before_rules, number
    for selector in (".pf-bars{", ".pf-columns-box{", ".pf-map-wrap{", ".pf-legend{"):
        assert selector in css, selector
    assert "@container (max-width: 547.98px){.pf-map{display:none}" in css


def test_the_member_list_uses_the_design_systems_components(client, showcase):
    document = html(client, "/members/?stage=nonsense&page=2")
    assert not document.find("link", href=re.compile(r"showcase\.css"))
    form = document.find("form", attrs={"aria-label": "Filter members"})
    for control in form.find_all(["select", "input"]):
        expected = "usa-select" if control.name == "select" else "usa-input"
        assert expected in control["class"], control["name"]
        assert "usa-label" in form.find("label", attrs={"for": control["id"]})["class"]
    assert form.find("button", type="submit")["class"] == ["usa-button"]
    notice = document.find("div", class_="usa-alert--warning")
    assert notice["role"] == "status"
    assert notice.find(id="filter-stage_error")
    cards = document.select("ul.card-grid > li.usa-card")
    assert len(cards) == 6
    assert all(card.select_one(".usa-card__heading a") for card in cards)
    assert all(card.select_one("span.usa-tag") for card in cards)
    nav = document.find("nav", class_="usa-pagination")
    assert nav.select("a.usa-pagination__button.usa-current[aria-current=page]")
    assert nav.select_one("a.usa-pagination__previous-page")["rel"] == ["prev"]
    for table in document.find("main").find_all("table"):
        assert "usa-table" in table["class"]
        assert "usa-table-container--scrollable" in table.parent["class"]


def test_a_member_page_uses_the_design_systems_tables_and_buttons(client, showcase):
    member = Pledge.objects.filter(
        live=True, consent_listed=True, consent_show_practices=True
    ).first()
    document = html(client, f"/members/{member.slug}/")
    tables = document.find("main").find_all("table")
    assert tables and all("usa-table" in t["class"] for t in tables)
    code = document.find("textarea", id="badge-code")
    assert "usa-textarea" in code["class"]
    assert "usa-label" in document.find("label", attrs={"for": "badge-code"})["class"]
    copy = document.find("button", attrs={"data-copy": "#badge-code"})
    assert copy["class"] == ["usa-button", "usa-button--outline"]
    assert copy.has_attr("hidden")  # shown by the script, which finds it by data-copy
    assert copy.parent.find(attrs={"data-copied": True})["role"] == "status"
    stage = document.find("dl").find("span", class_="usa-tag")
    assert stage.get_text(strip=True) == member.get_stage_display()


def test_the_showcase_pages_describe_themselves_once(client, showcase):
    member = Pledge.objects.filter(live=True, consent_listed=True).first()
    for url in (
        "/members/",
        "/members/map/",
        "/members/statistics/",
        f"/members/{member.slug}/",
    ):
        head = html(client, url).head
        descriptions = head.find_all("meta", attrs={"name": "description"})
        assert len(descriptions) == 1, url
        assert descriptions[0]["content"].strip(), url
        canonical = head.find_all("link", rel="canonical")
        assert len(canonical) == 1 and canonical[0]["href"].endswith(url), url
