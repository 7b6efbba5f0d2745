"""Site search over pages and resources, with summaries, pagination and helpful states."""

import pytest

from campaign_pages.testing.factories import NewsPageFactory, ResourcePageFactory

pytestmark = pytest.mark.django_db


def test_search_finds_resources_and_news_with_their_summaries(client, campaign_site):
    ResourcePageFactory(
        parent=campaign_site.resource_index,
        title="Trauma-informed interviewing",
        summary="A course for investigators on interviewing victims.",
    )
    NewsPageFactory(
        parent=campaign_site.news_index,
        title="Victims first",
        summary="Agencies share how they support victims.",
    )
    page = client.get("/search/?q=victims").content.decode()
    assert "Trauma-informed interviewing" in page
    assert "A course for investigators on interviewing victims." in page
    assert "Victims first" in page
    assert "results for “victims”" in page


def test_search_leaves_out_unpublished_pages(client, campaign_site):
    draft = ResourcePageFactory(
        parent=campaign_site.resource_index, title="Secret draft policy", live=False
    )
    assert draft.live is False
    page = client.get("/search/?q=secret").content.decode()
    assert "Secret draft policy" not in page
    assert "Nothing matches “secret”." in page


def test_empty_search_explains_what_to_do(client, campaign_site):
    page = client.get("/search/").content.decode()
    assert "Type a few words" in page


def test_no_result_suggests_other_ways_in(client, campaign_site):
    page = client.get("/search/?q=zzzyx").content.decode()
    assert "Nothing matches “zzzyx”." in page
    assert 'href="/resources/"' in page


def test_search_results_are_paginated_and_keep_the_query(client, campaign_site):
    for n in range(12):
        ResourcePageFactory(
            parent=campaign_site.resource_index, title=f"Wellness guide {n}"
        )
    first = client.get("/search/?q=wellness").content.decode()
    assert "12 results" in first
    assert 'href="?q=wellness&amp;page=2"' in first
    second = client.get("/search/?q=wellness&page=2").content.decode()
    assert second.count("Wellness guide") >= 2


@pytest.mark.parametrize(
    "query",
    ["?q=" + "a" * 10000, "?q=x&page=zz", "?q=%27%22%3C", "?q=AND OR NOT"],
)
def test_malformed_searches_never_fail(client, campaign_site, query):
    response = client.get("/search/" + query)
    assert response.status_code == 200
    assert "<script" not in response.content.decode().split("<main")[1]


def test_a_null_character_in_the_search_is_refused_with_a_message(
    client, campaign_site
):
    response = client.get("/search/?q=%00")
    assert response.status_code == 400
    assert "contains a null character" in response.content.decode()


def test_search_escapes_the_query(client, campaign_site):
    page = client.get("/search/?q=%3Cb%3Ebold%3C/b%3E").content.decode()
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
