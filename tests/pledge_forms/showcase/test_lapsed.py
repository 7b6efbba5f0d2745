"""Lapsed members in the showcase: listed as lapsed by default (directory, filter, member
page, statistics, open data, API), or taken out of the showcase and the open data with
``PLEDGE_FORMS_LAPSED_POLICY = "hidden"``; the site's cached pages are told either way."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from pledge_forms.choices import Stage
from pledge_forms.services import lapse
from pledge_forms.services.identity import add_months
from pledge_forms.showcase.signals import showcase_changed
from pledge_forms.showcase.statistics import campaign_statistics
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(checklist):
    return showcase_page()


@pytest.fixture
def members(page):
    """One member past its deadline, one within it, one completed (past it too)."""
    long_ago = timezone.now() - datetime.timedelta(days=37 * 31)
    passed = add_months(timezone.localdate(long_ago), 36)
    lapsed = published_member(
        display_name="Lapsed Police", pledged_at=long_ago, deadline=passed
    )
    current = published_member(
        display_name="Current Police",
        deadline=add_months(timezone.localdate(), 12),
    )
    done = published_member(
        display_name="Done Police",
        pledged_at=long_ago,
        deadline=passed,
        stage=Stage.COMPLETED,
        completed_at=long_ago,
    )
    return lapsed, current, done


def names(response):
    return sorted(m.name for m in response.context["members"])


def data_rows(client):
    body = b"".join(client.get("/members/data.csv").streaming_content).decode()
    return {row["name"]: row for row in csv.DictReader(io.StringIO(body))}


def test_a_lapsed_member_is_listed_as_lapsed(client, members):
    lapsed, current, done = members
    response = client.get("/members/")
    assert names(response) == ["Current Police", "Done Police", "Lapsed Police"]
    shown = {m.name: m.stage for m in response.context["members"]}
    assert shown == {
        "Lapsed Police": "lapsed",
        "Current Police": "pledged",
        "Done Police": "completed",
    }
    assert ("Lapsed", 1) in response.context["stage_counts"]
    assert ("Pledged", 1) in response.context["stage_counts"]
    assert names(client.get("/members/?stage=lapsed")) == ["Lapsed Police"]
    assert names(client.get("/members/?stage=pledged")) == ["Current Police"]
    assert names(client.get("/members/?stage=completed")) == ["Done Police"]


def test_the_member_page_shows_the_lapsed_badge(client, members):
    lapsed, current, _done = members
    html = client.get(f"/members/{lapsed.slug}/").content.decode()
    # The stage label (the plugin's own, or the site's override of it) names the stage
    # in its class and in words.
    assert re.search(r'<span class="[^"]*stage--lapsed">Lapsed</span>', html)
    html = client.get(f"/members/{current.slug}/").content.decode()
    assert re.search(r'<span class="[^"]*stage--pledged">Pledged</span>', html)
    assert "stage--lapsed" not in html


def test_statistics_open_data_and_the_api_know_the_stage(client, members):
    stats = campaign_statistics()
    assert (stats.members, stats.pledged, stats.completed, stats.lapsed) == (3, 1, 1, 1)
    html = client.get("/members/statistics/").content.decode()
    assert "Lapsed" in html
    rows = data_rows(client)
    assert rows["Lapsed Police"]["stage"] == "lapsed"
    assert rows["Current Police"]["stage"] == "pledged"
    api = client.get("/api/v2/members/?stage=lapsed").json()
    assert [item["name"] for item in api["items"]] == ["Lapsed Police"]


def test_the_hidden_policy_takes_lapsed_members_out_of_showcase_and_data(
    client, members, settings
):
    lapsed, current, _done = members
    settings.PLEDGE_FORMS_LAPSED_POLICY = "hidden"
    response = client.get("/members/")
    assert names(response) == ["Current Police", "Done Police"]
    assert all(label != "Lapsed" for label, _n in response.context["stage_counts"])
    assert client.get(f"/members/{lapsed.slug}/").status_code == 404
    assert client.get(f"/members/{current.slug}/").status_code == 200
    assert "Lapsed Police" not in data_rows(client)
    api = client.get("/api/v2/members/").json()
    assert "Lapsed Police" not in [item["name"] for item in api["items"]]
    # Anonymous statistics still count it, as lapsed.
    assert campaign_statistics().lapsed == 1


def test_cached_figures_follow_the_day_and_the_policy(client, members, settings):
    assert "Lapsed Police" in data_rows(client)  # cached now
    settings.PLEDGE_FORMS_LAPSED_POLICY = "hidden"
    assert "Lapsed Police" not in data_rows(client)


def test_the_site_is_told_when_members_lapse(members, monkeypatch):
    lapsed, _current, _done = members
    monkeypatch.setattr(
        lapse.transaction, "on_commit", lambda func, **kwargs: func(), raising=False
    )
    told = []

    def receiver(sender, pledges, **kwargs):
        told.append([p.pk for p in pledges])

    showcase_changed.connect(receiver)
    try:
        assert lapse.notice_lapses() == 1
        assert lapse.notice_lapses() == 0
    finally:
        showcase_changed.disconnect(receiver)
    assert told == [[lapsed.pk]]
