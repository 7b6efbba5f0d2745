"""data.csv is streamed from the database: every change shows in the next download, and
the number of queries does not grow with the number of members."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(checklist):
    return showcase_page()


def fetch(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/members/data.csv")
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(body))), len(captured)


def test_a_download_runs_the_same_queries_for_3_and_30_members(client, page):
    for n in range(3):
        published_member(display_name=f"Member {n:02d} PD")
    few, few_queries = fetch(client)
    for n in range(3, 30):
        published_member(display_name=f"Member {n:02d} PD")
    many, many_queries = fetch(client)
    assert [row[2] for row in few[1:]] == [f"Member {n:02d} PD" for n in range(3)]
    assert len(many) == 31
    assert many_queries == few_queries


def test_publishing_unpublishing_or_changing_a_member_shows_in_the_next_download(
    client, page
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
