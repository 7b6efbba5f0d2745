"""``search_members``: the site search's view of the listed members, on public fields only."""

import pytest

from pledge_forms.showcase.members import search_members
from pledge_forms.testing.factories import PledgeFactory
from tests.pledge_forms.showcase.showcase_helpers import published_member

pytestmark = pytest.mark.django_db


def names(found):
    return [member.name for member in found.members]


def test_every_word_matches_the_name_the_shown_city_or_the_state():
    published_member(legal_name="Cedar Police", city="Ashford", region="US-OR")
    published_member(legal_name="Birch Sheriff", city="Ashford", region="US-WA")
    published_member(
        legal_name="Alder Police",
        city="Ashford",
        region="US-WA",
        consent_show_city=False,
    )
    assert names(search_members("ashford")) == ["Birch Sheriff", "Cedar Police"]
    assert names(search_members("washington")) == ["Alder Police", "Birch Sheriff"]
    assert names(search_members("police ASHFORD oregon")) == ["Cedar Police"]
    assert search_members("police").count == 2
    # The hidden city never shows in the result either.
    alder = search_members("alder").members[0]
    assert alder.city == "" and "Ashford" not in alder.location


def test_private_fields_and_pages_that_are_not_public_never_match():
    published_member(legal_name="Elm Police", chief_name="Zorbatron Quill")
    published_member(legal_name="Fir Police", consent_listed=False)
    PledgeFactory(legal_name="Gum Police")
    assert search_members("zorbatron").count == 0
    assert search_members("quill").count == 0
    assert names(search_members("police")) == ["Elm Police"]
    assert search_members("").count == 0


def test_the_first_members_come_with_the_count_of_all(django_assert_num_queries):
    for n in range(7):
        published_member(legal_name=f"Hazel {n} Police")
    search_members("hazel")  # the members per area, kept in the cache of figures
    # Then the members' token and the matches with their count.
    with django_assert_num_queries(2):
        found = search_members("hazel", limit=3)
    assert names(found) == ["Hazel 0 Police", "Hazel 1 Police", "Hazel 2 Police"]
    assert found.count == 7
