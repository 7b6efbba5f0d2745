"""Progress over time in the showcase: a member's progress per focus area and the
campaign's adoption, both drawn from the dates of the approved practice changes."""

import datetime
import re

import pytest
from django.utils import timezone

from pledge_forms import services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import Pledge, PracticeChange
from pledge_forms.models.pledges import is_lapsed
from pledge_forms.showcase import charts
from pledge_forms.showcase.history import ProgressPoint, accumulate, replay
from pledge_forms.showcase.management.commands.generate_members import generate_members
from pledge_forms.showcase.statistics import campaign_statistics
from pledge_forms.testing.factories import pledge_data, submitted_pledge
from tests.pledge_forms.showcase.showcase_helpers import showcase_page

pytestmark = pytest.mark.django_db

IN_PLACE, IN_PROGRESS = PracticeStatus.IN_PLACE, PracticeStatus.IN_PROGRESS


@pytest.fixture
def page(checklist):
    return showcase_page()


def move_time(monkeypatch, days: int) -> datetime.date:
    later = timezone.now() + datetime.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: later)
    return timezone.localdate(later)


def quarter(day: datetime.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def first_area_items(checklist):
    return list(
        checklist.sections.order_by("sort_order")
        .first()
        .items.order_by("number")
        .values_list("pk", flat=True)
    )


def member_with_an_update(form_page, monkeypatch, days=200, **overrides):
    """An approved member, all in progress, and ``days`` later an approved update
    with the first two practices of the first focus area in place."""
    pledge = submitted_pledge(form_page, "approved", **overrides)
    first, second, *_rest = first_area_items(form_page.checklist)
    later = move_time(monkeypatch, days)
    token = services.make_update_token(pledge)
    services.submit_update(
        token,
        pledge_data(
            form_page.checklist,
            status=IN_PROGRESS,
            **{f"practice_{first}": IN_PLACE, f"practice_{second}": IN_PLACE},
            **overrides,
        ),
    )
    services.approve(pledge)
    pledge.refresh_from_db()
    return pledge, later


def test_the_member_page_shows_progress_per_focus_area_over_time(
    client, page, form_page, monkeypatch
):
    pledge, later = member_with_an_update(form_page, monkeypatch)
    pledged = timezone.localdate(pledge.pledged_at)

    response = client.get(f"/members/{pledge.slug}/")

    assert response.status_code == 200
    areas = response.context["timeline"]
    sections = form_page.checklist.sections.count()
    assert len(areas) == sections
    first_area, chart = areas[0]
    size = len(first_area_items(form_page.checklist))
    start, end = first_area.points[0], first_area.points[-1]
    assert (start.label, start.in_place, start.in_progress) == (
        quarter(pledged),
        0,
        size,
    )
    assert (end.label, end.in_place, end.in_progress) == (quarter(later), 2, size - 2)
    assert chart.startswith('<div class="pf-columns-box"><svg class="pf-chart')
    assert 'aria-hidden="true"' in chart
    html = response.content.decode()
    assert "Progress over time" in html
    assert html.count('<svg class="pf-chart pf-columns"') == sections
    assert "Progress over time by focus area</caption>" in html
    assert f"2 in place, {size - 2} in progress" in html
    assert f"0 in place, {size} in progress" in html


def test_no_progress_over_time_without_consent_to_show_practices(
    client, page, form_page, monkeypatch
):
    pledge, _later = member_with_an_update(
        form_page, monkeypatch, consent_show_practices=False
    )
    response = client.get(f"/members/{pledge.slug}/")
    assert response.context["timeline"] == []
    assert "Progress over time" not in response.content.decode()


def test_statistics_show_adoption_over_time_from_the_dates(
    client, page, form_page, monkeypatch
):
    pledge, later = member_with_an_update(form_page, monkeypatch)
    total = PracticeChange.objects.filter(pledge=pledge, status_before="").count()

    stats = campaign_statistics(form_page.checklist)

    first, last = stats.adoption[0], stats.adoption[-1]
    assert first == ProgressPoint(
        quarter(timezone.localdate(pledge.pledged_at)), 0, total
    )
    assert last == ProgressPoint(quarter(later), 2, total - 2)
    html = client.get("/members/statistics/").content.decode()
    assert "Adoption over time" in html
    assert "Practices in place and in progress per quarter</caption>" in html
    assert html.count('class="pf-chart ') == 5  # 3 bar charts, 2 of columns
    assert re.search(rf'<th scope="row"[^>]*>{quarter(later)}</th><td>2</td>', html)


def test_adoption_over_time_counts_published_members_only(form_page, monkeypatch):
    pledge, _later = member_with_an_update(form_page, monkeypatch)
    assert campaign_statistics(form_page.checklist).adoption
    pledge.unpublish()
    assert campaign_statistics(form_page.checklist).adoption == []


def test_a_lapsed_member_still_counts_in_adoption_when_the_policy_hides_it(
    settings, form_page, monkeypatch
):
    settings.PLEDGE_FORMS_LAPSED_POLICY = "hidden"
    pledge, _later = member_with_an_update(form_page, monkeypatch, days=40 * 31)
    assert is_lapsed(pledge)
    stats = campaign_statistics(form_page.checklist)
    assert stats.adoption[-1].in_place == 2


def test_replay_counts_each_practice_at_its_last_change_in_each_quarter():
    day = datetime.date
    changes = [
        (1, IN_PROGRESS, day(2025, 1, 5)),
        (2, IN_PLACE, day(2025, 1, 5)),
        (1, IN_PLACE, day(2025, 5, 20)),
        (3, IN_PROGRESS, day(2025, 9, 30)),
        (9, IN_PLACE, day(2025, 2, 1)),  # an item of no area
    ]
    [first, second] = replay(
        changes, {1: 0, 2: 0, 3: 1}, 2, day(2025, 1, 5), day(2025, 10, 1)
    )
    assert [(p.label, p.in_place, p.in_progress) for p in first] == [
        ("2025 Q1", 1, 1),
        ("2025 Q2", 2, 0),
        ("2025 Q3", 2, 0),
        ("2025 Q4", 2, 0),
    ]
    assert [p.in_progress for p in second] == [0, 0, 1, 1]


def test_accumulate_runs_totals_to_the_current_quarter():
    points = accumulate(
        {(2024, 4): (3, 2), (2025, 2): (1, -1)}, datetime.date(2025, 8, 1)
    )
    assert [(p.label, p.in_place, p.in_progress) for p in points] == [
        ("2024 Q4", 3, 2),
        ("2025 Q1", 3, 2),
        ("2025 Q2", 4, 1),
        ("2025 Q3", 4, 1),
    ]


@pytest.mark.parametrize("quarters", [1, 4, 12, 40])
def test_progress_columns_name_the_last_quarter_in_pixels_that_do_not_scale(quarters):
    points = [
        ProgressPoint(f"20{20 + i // 4} Q{i % 4 + 1}", i, 1) for i in range(quarters)
    ]
    svg = charts.progress_columns(points, 5, height=180)
    assert "viewBox" not in svg and 'height="180"' in svg
    labels = re.findall(r'<text class="pf-tick[^"]*"[^>]*>([^<]+)</text>', svg)
    assert points[-1].label in labels
    assert set(re.findall(r'font-size="(\d+)"', svg)) == {str(charts.FONT_SIZE)}


def test_generated_members_have_dated_histories_leading_to_their_statuses(checklist):
    generate_members(30, seed=4)
    live = PracticeChange.objects.filter(pledge__live=True)
    assert live.exclude(status_before="").exists()  # some practices moved up over time
    assert not PracticeChange.objects.filter(pledge__live=False).exists()
    for pledge in Pledge.objects.filter(live=True)[:10]:
        last = {}
        for change in PracticeChange.objects.filter(pledge=pledge).order_by(
            "changed_on"
        ):
            assert change.changed_on >= timezone.localdate(pledge.pledged_at)
            last[change.item_id] = change.status_after
        assert last == dict(pledge.practices.values_list("item_id", "status"))


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_member_page_runs_the_same_queries_however_long_its_history(
    client, page, form_page, monkeypatch
):
    pledge, _later = member_with_an_update(form_page, monkeypatch, days=30)
    url = f"/members/{pledge.slug}/"
    client.get(url)
    short = _queries(client, url)
    items = first_area_items(form_page.checklist)
    for step, item in enumerate(items, start=2):
        move_time(monkeypatch, 30 * step)
        token = services.make_update_token(pledge)
        statuses = {f"practice_{pk}": IN_PLACE for pk in items[: items.index(item) + 1]}
        services.submit_update(
            token, pledge_data(form_page.checklist, status=IN_PROGRESS, **statuses)
        )
        services.approve(pledge)
    days = PracticeChange.objects.filter(pledge=pledge).order_by().values("changed_on")
    assert days.distinct().count() == len(items) + 2  # the pledge, then every update

    assert _queries(client, url) == short
