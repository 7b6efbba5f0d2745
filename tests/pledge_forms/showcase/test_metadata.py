"""The showcase's views name their own title, description and canonical address in the
template context, for whatever site renders them (pledge_forms/showcase/metadata.py);
also on the plugin's own test site."""

import re

import pytest
from django.utils import timezone

from pledge_forms.choices import Stage
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(checklist):
    return showcase_page()


def canonical_links(response) -> list[str]:
    return re.findall(
        r'<link rel="canonical" href="([^"]+)">', response.content.decode()
    )


def test_a_member_page_names_its_title_description_and_address(client, page):
    published_member(display_name="Harbourview Police", slug="harbourview")
    response = client.get("/members/harbourview/")
    context = response.context
    assert context["page_title"] == "Harbourview Police"
    assert context["meta_description"].startswith("Harbourview Police")
    assert "pledged on" in context["meta_description"]
    assert context["canonical_url"] == page.member_url("harbourview")
    (link,) = canonical_links(response)
    assert link == context["canonical_url"] and link.endswith("/members/harbourview/")


def test_a_completed_member_is_described_as_completed(client, page):
    published_member(
        display_name="Elm Police",
        slug="elm",
        stage=Stage.COMPLETED,
        completed_at=timezone.now(),
    )
    description = client.get("/members/elm/").context["meta_description"]
    assert "has put all the campaign's practices in place" in description


def test_the_map_and_statistics_name_their_own_titles(client, page):
    published_member()
    for route, title in [
        ("map", "Map of members"),
        ("statistics", "Campaign statistics"),
    ]:
        response = client.get(f"/members/{route}/")
        assert response.context["page_title"] == title
        assert response.context["meta_description"]
        assert canonical_links(response) == [page.absolute_url(None, route)]
        assert f"<title>{title} · {page.title}" in response.content.decode()


def test_the_open_data_dataset_lists_both_files(client, page):
    published_member()
    (dataset,) = client.get("/members/").context["structured_data"]
    assert dataset["@type"] == "Dataset"
    assert [d["encodingFormat"] for d in dataset["distribution"]] == [
        "text/csv",
        "application/json",
    ]
    for download in dataset["distribution"]:
        assert download["contentUrl"].startswith(page.absolute_url(None))


def test_the_sitemap_lists_the_map_and_statistics(client, page):
    published_member(slug="harbourview")
    xml = client.get("/sitemap.xml").content.decode()
    for path in ["/members/map/", "/members/statistics/", "/members/harbourview/"]:
        assert path + "</loc>" in xml, path
