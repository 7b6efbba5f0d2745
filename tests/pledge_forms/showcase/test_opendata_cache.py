"""data.csv and data.json are written once per change of the listed members, and show every
change at once."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pledge_forms.showcase import opendata
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(checklist):
    return showcase_page()


@pytest.fixture(params=["csv", "json"])
def fetch(request):
    """The file's members as rows (a header row, then each member's values, the name
    third), and the queries the download ran."""

    def fetch(client):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/members/data.{request.param}")
            body = b"".join(response.streaming_content).decode()
        assert response.status_code == 200
        if request.param == "csv":
            return list(csv.reader(io.StringIO(body))), len(captured)
        members = json.loads(body)["members"]
        return [["header"]] + [[None, None, member["name"]] for member in members], len(
            captured
        )

    return fetch


def test_the_second_download_is_the_same_file_without_reading_the_members(
    client, page, fetch
):
    for n in range(3):
        published_member(display_name=f"Member {n} PD")
    first, first_queries = fetch(client)
    second, second_queries = fetch(client)
    assert second == first
    assert [row[2] for row in second[1:]] == [f"Member {n} PD" for n in range(3)]
    assert second_queries < first_queries


def test_publishing_unpublishing_or_changing_a_member_shows_in_the_next_download(
    client, page, fetch
):
    kept = published_member(display_name="Kept PD")
    gone = published_member(display_name="Gone PD")
    fetch(client)

    published_member(display_name="New PD")
    assert [row[2] for row in fetch(client)[0][1:]] == ["Kept PD", "Gone PD", "New PD"]

    gone.unpublish()
    assert [row[2] for row in fetch(client)[0][1:]] == ["Kept PD", "New PD"]

    kept.display_name = "Renamed PD"
    kept.save_revision().publish()
    assert [row[2] for row in fetch(client)[0][1:]] == ["Renamed PD", "New PD"]


def test_a_file_too_large_to_keep_is_streamed_every_time(
    client, page, monkeypatch, fetch
):
    monkeypatch.setattr(opendata, "FILE_CACHE_MAX_BYTES", 100)
    published_member(display_name="Only PD")
    fetch(client)  # a site may remember what does not depend on members (its routes)
    first, first_queries = fetch(client)
    second, second_queries = fetch(client)
    assert second == first and second[1][2] == "Only PD"
    assert second_queries == first_queries
