"""The campaign pages in the design system's markup, as a reader meets them: headings in
order, a side navigation between the focus areas, tables, questions that open without a
script, filter controls tied to their labels and errors, and one stylesheet for the site."""

import re

import pytest
from bs4 import BeautifulSoup

from campaign_pages.testing.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def soup(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def heading_levels(page: BeautifulSoup) -> list[int]:
    main = page.find("main")
    return [int(h.name[1]) for h in main.find_all(re.compile(r"^h[1-6]$"))]


def assert_headings_in_order(page: BeautifulSoup, url: str) -> None:
    levels = heading_levels(page)
    assert levels and levels[0] == 1, (url, levels)
    assert levels.count(1) == 1, (url, levels)
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (url, levels)


def test_every_page_type_has_one_title_and_headings_that_skip_no_level(
    client, campaign_site
):
    page = StandardPageFactory(
        parent=campaign_site.home,
        title="Questions",
        slug="questions",
        body=[
            ("rich_text", "<p>Intro</p>"),
            (
                "accordion",
                {
                    "heading": "FAQ",
                    "items": [{"question": "Who?", "answer": "<p>Any agency.</p>"}],
                },
            ),
            (
                "call_to_action",
                {
                    "heading": "Join",
                    "text": "Pledge now",
                    "button_label": "Pledge",
                    "page": campaign_site.news_index,
                },
            ),
        ],
    )
    urls = [
        "/focus-areas/",
        campaign_site.use_of_force.url,
        "/resources/",
        "/resources/?type=nonsense",
        campaign_site.resources[0].url,
        "/news/",
        campaign_site.posts[0].url,
        page.url,
        "/search/?q=training",
        "/search/?q=nothingmatchesthis",
    ]
    for url in urls:
        assert_headings_in_order(soup(client, url), url)


def test_a_focus_area_page_links_the_other_areas_in_a_side_navigation(
    client, campaign_site
):
    area = campaign_site.use_of_force
    page = soup(client, area.url)
    nav = page.find("nav", attrs={"aria-labelledby": "sidenav-heading"})
    assert nav is not None
    assert nav.find(id="sidenav-heading").get_text(strip=True) == "Focus areas"
    links = nav.select("ul.usa-sidenav > li.usa-sidenav__item > a")
    assert [a.get_text(strip=True) for a in links] == [
        a.title for a in campaign_site.areas
    ]
    assert [a["href"] for a in links] == [a.url for a in campaign_site.areas]
    current = [a for a in links if a.get("aria-current")]
    assert [(a.get_text(strip=True), a["aria-current"]) for a in current] == [
        (area.title, "page")
    ]
    assert "usa-current" in current[0]["class"]


def test_a_table_block_is_a_design_system_table_in_a_labelled_scrolling_region(
    client, campaign_site
):
    StandardPageFactory(
        parent=campaign_site.home,
        title="Figures",
        slug="figures",
        body=[
            (
                "table",
                {
                    "data": [["Area", "Practices"], ["Use of Force", "4"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "Practices per area",
                },
            )
        ],
    )
    page = soup(client, "/figures/")
    region = page.find("div", class_="usa-table-container--scrollable")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-label"] == "Practices per area"
    table = region.find("table", class_="usa-table")
    assert table.caption.get_text(strip=True) == "Practices per area"
    assert [th.get_text(strip=True) for th in table.thead.find_all("th")] == [
        "Area",
        "Practices",
    ]


def test_questions_open_without_a_script_and_look_like_the_accordion(
    client, campaign_site
):
    StandardPageFactory(
        parent=campaign_site.home,
        title="FAQ",
        slug="faq-page",
        body=[
            (
                "accordion",
                {
                    "heading": "FAQ",
                    "items": [
                        {"question": "Who?", "answer": "<p>Any agency.</p>"},
                        {"question": "When?", "answer": "<p>Any time.</p>"},
                    ],
                },
            )
        ],
    )
    page = soup(client, "/faq-page/")
    accordion = page.find("div", class_="usa-accordion--bordered")
    items = accordion.find_all("details")
    assert [d.summary.get_text(strip=True) for d in items] == ["Who?", "When?"]
    assert items[0].find(class_="usa-accordion__content").get_text(strip=True) == (
        "Any agency."
    )
    # The design system's script would take a button that controls a panel for its own
    # and fail on a summary: the questions carry none of its hooks.
    assert not accordion.find(attrs={"aria-controls": True})
    assert not accordion.find("button")


def test_the_resource_filters_use_the_design_systems_controls_with_errors_beside_them(
    client, campaign_site
):
    page = soup(client, "/resources/?focus_area=nowhere&type=training")
    form = page.find("form", class_="filters")
    for name, css_class in (
        ("focus_area", "usa-select"),
        ("type", "usa-select"),
        ("q", "usa-input"),
    ):
        control = form.find(attrs={"name": name})
        assert css_class in control["class"], name
        label = form.find("label", attrs={"for": control["id"]})
        assert "usa-label" in label["class"], name
    area = form.find(attrs={"name": "focus_area"})
    error = form.find(id=area["aria-describedby"])
    assert "usa-error-message" in error["class"]
    assert error.get_text(strip=True).startswith("There is no focus area called")
    assert "usa-form-group--error" in area.parent["class"]
    assert form.find("button", type="submit")["class"] == ["usa-button"]


def test_pages_link_one_stylesheet_in_the_head_and_none_in_the_body(
    client, campaign_site
):
    from wagtail.models import Site

    from campaign_pages import demo
    from cms.models import SiteSettings

    toolkit = demo.ensure_press_toolkit(  # its social posts block had a stylesheet
        campaign_site.home,
        SiteSettings.for_site(Site.objects.get(is_default_site=True)),
        {area.slug: area for area in campaign_site.areas},
    )
    urls = ("/", "/resources/", campaign_site.use_of_force.url, toolkit.url)
    for url in urls:
        page = soup(client, url)
        in_head = [
            link["href"] for link in page.head.find_all("link", rel="stylesheet")
        ]
        assert len(in_head) == 1 and in_head[0].endswith("css/site.css"), url
        assert not page.body.find_all("link", rel="stylesheet"), url


def test_every_page_type_describes_itself_once_for_search_engines(
    client, campaign_site
):
    from campaign_pages.models import (
        FocusAreaIndexPage,
        NewsIndexPage,
        ResourceIndexPage,
    )

    for model in (FocusAreaIndexPage, NewsIndexPage, ResourceIndexPage):
        model.objects.update(
            intro=f"What the {model.__name__} holds.", search_description=""
        )
    urls = [
        "/focus-areas/",
        campaign_site.use_of_force.url,
        "/resources/",
        campaign_site.resources[0].url,
        "/news/",
        campaign_site.posts[0].url,
    ]
    for url in urls:
        descriptions = soup(client, url).head.find_all(
            "meta", attrs={"name": "description"}
        )
        assert len(descriptions) == 1, url
        assert descriptions[0]["content"].strip(), url
