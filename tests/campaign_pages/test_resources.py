"""The resource library filters by focus area, type and words, alone and combined."""

import re

import pytest

from campaign_pages.testing.factories import ResourcePageFactory
from tests.campaign_pages.conftest import build_site

pytestmark = pytest.mark.django_db


def titles(response):
    return re.findall(
        r'<h3 class="usa-card__heading"><a href="/resources/[^"]+">([^<]+)</a></h3>',
        response.content.decode(),
    )


@pytest.fixture
def library(db):
    site = build_site(resources=0, news=0)
    bias_free, use_of_force = site.areas[0], site.areas[1]
    make = ResourcePageFactory
    make(
        parent=site.resource_index,
        title="Force toolkit",
        resource_type="toolkit",
        focus_areas=[use_of_force],
    )
    make(
        parent=site.resource_index,
        title="Force training course",
        resource_type="training",
        focus_areas=[use_of_force],
        summary="Scenario-based de-escalation.",
    )
    make(
        parent=site.resource_index,
        title="Bias training course",
        resource_type="training",
        focus_areas=[bias_free],
    )
    make(
        parent=site.resource_index,
        title="Open data guide",
        resource_type="guide",
        focus_areas=[bias_free, use_of_force],
    )
    return site


def test_without_filters_every_resource_is_listed(client, library):
    assert titles(client.get("/resources/")) == [
        "Bias training course",
        "Force toolkit",
        "Force training course",
        "Open data guide",
    ]


def test_filter_by_focus_area(client, library):
    assert titles(client.get("/resources/?focus_area=bias-free-policing")) == [
        "Bias training course",
        "Open data guide",
    ]


def test_filter_by_type(client, library):
    assert titles(client.get("/resources/?type=training")) == [
        "Bias training course",
        "Force training course",
    ]


def test_filter_by_words(client, library):
    assert titles(client.get("/resources/?q=de-escalation")) == [
        "Force training course"
    ]


def test_filters_combine(client, library):
    response = client.get("/resources/?focus_area=use-of-force&type=training")
    assert titles(response) == ["Force training course"]
    response = client.get("/resources/?focus_area=use-of-force&type=training&q=bias")
    assert titles(response) == []
    assert "No resource matches these filters" in response.content.decode()


def test_each_option_shows_how_many_resources_it_gives_with_the_other_filters(
    client, library
):
    page = client.get("/resources/?type=training").content.decode()
    assert '<option value="use-of-force">Use of Force (1)</option>' in page
    assert '<option value="bias-free-policing">Bias-Free Policing (1)</option>' in page
    page = client.get("/resources/?focus_area=use-of-force").content.decode()
    assert '<option value="training">Training (1)</option>' in page
    assert '<option value="guide">Guide (1)</option>' in page
    assert '<option value="toolkit">Toolkit (1)</option>' in page
    assert '<option value="model-policy">Model policy (0)</option>' in page


def test_filter_links_keep_the_other_filters(client, library):
    page = client.get("/resources/?type=training&q=course").content.decode()
    assert 'href="?focus_area=use-of-force&amp;type=training&amp;q=course"' in page


def test_pagination_keeps_the_filters(client, library):
    for n in range(14):
        ResourcePageFactory(
            parent=library.resource_index,
            title=f"Extra guide {n:02d}",
            resource_type="guide",
            focus_areas=[library.areas[2]],
        )
    response = client.get("/resources/?type=guide")
    page = response.content.decode()
    assert "15 resources" in page
    assert len(titles(response)) == 12
    assert 'href="?type=guide&amp;page=2"' in page
    second = client.get("/resources/?type=guide&page=2")
    assert len(titles(second)) == 3


def test_long_lists_of_pages_are_elided_and_keep_the_filters(
    client, library, monkeypatch
):
    monkeypatch.setattr("campaign_pages.models.resources.RESOURCES_PER_PAGE", 1)
    for n in range(3):
        ResourcePageFactory(
            parent=library.resource_index, title=f"Extra {n}", resource_type="guide"
        )

    page = client.get("/resources/?q=&page=6").content.decode()

    numbers = re.findall(r'<span class="usa-sr-only">Page </span>(\d+)</a>', page)
    assert numbers == ["1", "4", "5", "6", "7"]
    assert page.count('usa-pagination__overflow"><span>…</span></li>') == 1
    pagination = page.split('<nav class="usa-pagination"', 1)[1].split("</nav>", 1)[0]
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>(.*?)</a>', pagination)
    assert current == ['<span class="usa-sr-only">Page </span>6']
    page = client.get("/resources/?type=guide&page=2").content.decode()
    assert 'href="?type=guide&amp;page=1"' in page


@pytest.mark.parametrize(
    "query",
    [
        "?type=nonsense",
        "?focus_area=nowhere",
        "?page=abc",
        "?page=-1",
        "?page=999",
        "?q=" + "x" * 5000,
        "?focus_area=%3Cscript%3E",
    ],
)
def test_malformed_filters_never_fail(client, library, query):
    response = client.get("/resources/" + query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]


def test_a_query_string_that_is_not_text_is_a_400_that_says_so(client, library):
    # NUL and bytes that are not UTF-8 are refused before any view (cms/malformed_requests).
    response = client.get("/resources/?q=%00%ff")
    assert response.status_code == 400
    assert "query string" in response.content.decode().lower()


def test_an_unknown_filter_value_is_reported_and_left_out(client, library):
    page = client.get("/resources/?type=nonsense").content.decode()
    assert "There is no resource type called “nonsense”." in page
    assert len(titles(client.get("/resources/?type=nonsense"))) == 4


def test_the_filter_form_shows_back_the_filters_in_force_and_ties_errors(
    client, library
):
    page = client.get("/resources/?type=training&q=course&focus_area=nowhere")
    html = page.content.decode()
    assert '<option value="training" selected>Training (2)</option>' in html
    assert 'name="q" value="course"' in html
    assert 'aria-describedby="filter-focus_area_error"' in html
    assert 'id="filter-focus_area_error">There is no focus area called “nowhere”.' in (
        html
    )
    assert titles(page) == ["Bias training course", "Force training course"]
