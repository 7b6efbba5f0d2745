"""Site search over pages and resources, with summaries, pagination and helpful states."""

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from campaign_pages.testing.factories import NewsPageFactory, ResourcePageFactory
from pledge_forms.models import Pledge
from pledge_forms.testing.factories import PledgeFactory
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

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


def test_search_leaves_out_private_pages_from_the_moment_they_become_private(
    client, campaign_site, settings
):
    """A page under a view restriction (its own or an ancestor's) is not found, and the
    search sees a restriction added after it remembered the site's private trees."""
    settings.PAGE_CACHE_SECONDS = 0
    ResourcePageFactory(
        parent=campaign_site.resource_index, title="Internal briefing notes"
    )
    assert (
        "Internal briefing notes" in client.get("/search/?q=briefing").content.decode()
    )
    PageViewRestriction.objects.create(
        page=campaign_site.resource_index,
        restriction_type=PageViewRestriction.PASSWORD,
        password="secret",
    )
    page = client.get("/search/?q=briefing").content.decode()
    assert "Internal briefing notes" not in page
    assert "Nothing matches “briefing”." in page


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
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert "<script" not in main


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


# --- Member agencies --------------------------------------------------------------------------


@pytest.fixture
def showcase(campaign_site):
    return showcase_page()


def _member(**fields):
    return published_member(**fields)


def test_search_finds_a_member_by_name_with_a_link_to_its_page(client, showcase):
    pledge = _member(
        legal_name="Riverbend Police Department", city="Riverbend", region="US-OR"
    )
    page = client.get("/search/?q=riverbend").content.decode()
    assert "Member agencies" in page
    assert "Riverbend Police Department" in page
    assert f'href="{showcase.member_url(pledge.slug)}"' in page
    assert "Riverbend, Oregon, United States" in page
    assert "1 result for “riverbend”" in page


def test_search_finds_members_by_city_and_state_and_every_word_must_match(
    client, showcase
):
    _member(legal_name="North County Sheriff", city="Millbrook", region="US-OR")
    _member(legal_name="Harbor Police", city="Millbrook", region="US-WA")
    by_city = client.get("/search/?q=millbrook").content.decode()
    assert "North County Sheriff" in by_city and "Harbor Police" in by_city
    by_state = client.get("/search/?q=washington").content.decode()
    assert "Harbor Police" in by_state and "North County Sheriff" not in by_state
    both = client.get("/search/?q=Millbrook+Oregon").content.decode()
    assert "North County Sheriff" in both and "Harbor Police" not in both


def test_a_hidden_city_is_neither_searched_nor_shown(client, showcase):
    _member(
        legal_name="Quiet Valley Police",
        city="Hiddenburg",
        region="US-OR",
        consent_show_city=False,
    )
    assert (
        "Quiet Valley Police"
        not in client.get("/search/?q=hiddenburg").content.decode()
    )
    page = client.get("/search/?q=quiet+valley").content.decode()
    assert "Quiet Valley Police" in page
    assert "Hiddenburg" not in page


def test_unlisted_unpublished_and_declined_members_are_not_found(client, showcase):
    _member(legal_name="Unlisted Glen Police", consent_listed=False)
    PledgeFactory(legal_name="Draft Glen Police")
    declined = _member(legal_name="Declined Glen Police")
    Pledge.objects.filter(pk=declined.pk).update(review_status="declined")
    _member(legal_name="Listed Glen Police")
    page = client.get("/search/?q=glen").content.decode()
    assert "Listed Glen Police" in page
    for name in ("Unlisted Glen Police", "Draft Glen Police", "Declined Glen Police"):
        assert name not in page
    assert "1 result for “glen”" in page


def test_members_are_limited_with_a_way_to_narrow_and_shown_on_the_first_page_only(
    client, campaign_site, showcase
):
    for n in range(12):
        _member(legal_name=f"Lakeside {n:02d} Police")
        ResourcePageFactory(
            parent=campaign_site.resource_index, title=f"Lakeside guide {n}"
        )
    page = client.get("/search/?q=lakeside").content.decode()
    assert page.count("Police</a>") == 10
    assert "The first 10 of 12 member agencies." in page
    assert f'href="{showcase.url}"' in page
    assert "Lakeside 11 Police" not in page
    second = client.get("/search/?q=lakeside&page=2").content.decode()
    assert "Lakeside guide" in second
    assert "Member agencies" not in second


def test_member_search_needs_a_showcase_to_link_to(client, campaign_site):
    _member(legal_name="Orphan Police")
    page = client.get("/search/?q=orphan").content.decode()
    assert "Orphan Police" not in page
    assert "Nothing matches “orphan”." in page


def test_member_names_are_escaped(client, showcase):
    _member(legal_name="<b>Bold</b> Police")
    page = client.get("/search/?q=bold").content.decode()
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Police" in page


def test_the_search_query_count_does_not_grow_with_the_members(
    client, showcase, django_assert_max_num_queries
):
    def add_members(number):
        # Published rows made in bulk: the query count is measured, not publishing.
        PledgeFactory.create_batch(
            number,
            legal_name=factory.Sequence(lambda n: f"Pinecrest {n} Police"),
            live=True,
            review_status="approved",
            region="US-WA",
        )

    def measure(members):
        # After a change to the members, the first search counts the members per area
        # again (kept under the members' token); measured is the next one.
        client.get("/search/?q=pinecrest+washington")
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/search/?q=pinecrest+washington").content.decode()
        assert f"{members} results" in page
        return len(queries)

    add_members(5)
    client.get("/search/?q=pinecrest")  # the site and showcase caches filled
    few = measure(5)
    add_members(45)
    many = measure(50)
    assert few == many
    with django_assert_max_num_queries(few):
        client.get("/search/?q=pinecrest+washington")
