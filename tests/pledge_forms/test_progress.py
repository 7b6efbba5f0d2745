"""Progress over time: every approved publication dates each practice change, and the
agency sees its own history through its update link."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pledge_forms import services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import PracticeChange
from pledge_forms.services.progress import pledge_history
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db

IN_PLACE, IN_PROGRESS = PracticeStatus.IN_PLACE, PracticeStatus.IN_PROGRESS


def move_time(monkeypatch, days: int) -> datetime.date:
    """Every ``timezone.now()`` from here on is ``days`` later; returns that day."""
    later = timezone.now() + datetime.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: later)
    return timezone.localdate(later)


def items(checklist):
    return list(
        checklist.sections.order_by("sort_order")
        .first()
        .items.order_by("number")
        .values_list("pk", flat=True)
    )


def send_update(pledge, checklist, **statuses):
    """The agency sends an update through its link: every practice in progress, and
    ``practice_<id>`` as given."""
    token = services.make_update_token(pledge)
    services.submit_update(
        token, pledge_data(checklist, status=IN_PROGRESS, **statuses)
    )


def changes(pledge):
    return list(
        PracticeChange.objects.filter(pledge=pledge).order_by("changed_on", "item_id")
    )


def test_the_first_approval_dates_every_status_at_the_pledge_date(form_page):
    pledge = submitted_pledge(form_page, "approved")
    rows = changes(pledge)
    count = form_page.checklist.sections.values("items").count()
    assert len(rows) == count
    assert {row.changed_on for row in rows} == {timezone.localdate(pledge.pledged_at)}
    assert {(row.status_before, row.status_after) for row in rows} == {
        ("", IN_PROGRESS)
    }
    assert all(row.revision_id == pledge.live_revision_id for row in rows)


def test_an_update_approved_months_later_dates_only_the_practices_it_changed(
    form_page, monkeypatch
):
    pledge = submitted_pledge(form_page, "approved")
    pledged_on = timezone.localdate(pledge.pledged_at)
    first, second, *_rest = items(form_page.checklist)
    before = len(changes(pledge))

    later = move_time(monkeypatch, 120)
    send_update(pledge, form_page.checklist, **{f"practice_{first}": IN_PLACE})
    assert len(changes(pledge)) == before  # an update waiting for review is not dated
    services.approve(pledge)

    dated = [row for row in changes(pledge) if row.changed_on == later]
    assert [(r.item_id, r.status_before, r.status_after) for r in dated] == [
        (first, IN_PROGRESS, IN_PLACE)
    ]
    assert len(changes(pledge)) == before + 1
    assert PracticeChange.objects.get(pledge=pledge, item_id=second).changed_on == (
        pledged_on
    )


def test_publishing_the_same_revision_again_writes_nothing(form_page, monkeypatch):
    pledge = submitted_pledge(form_page, "approved")
    before = [(r.pk, r.status_after, r.changed_on) for r in changes(pledge)]

    move_time(monkeypatch, 30)
    pledge.refresh_from_db()
    pledge.live_revision.publish()  # the admin's Publish of the same content
    services.approve(pledge)

    assert [(r.pk, r.status_after, r.changed_on) for r in changes(pledge)] == before


def test_two_approvals_on_one_day_keep_the_last_status_and_an_undone_change_none(
    form_page, monkeypatch
):
    pledge = submitted_pledge(form_page, "approved")
    first, second, *_rest = items(form_page.checklist)
    day = move_time(monkeypatch, 60)

    send_update(pledge, form_page.checklist, **{f"practice_{first}": IN_PLACE})
    services.approve(pledge)
    send_update(
        pledge,
        form_page.checklist,
        **{
            f"practice_{first}": PracticeStatus.PLANNED,
            f"practice_{second}": IN_PLACE,
        },
    )
    services.approve(pledge)
    send_update(pledge, form_page.checklist, **{f"practice_{first}": IN_PLACE})
    services.approve(pledge)

    that_day = {
        r.item_id: (r.status_before, r.status_after)
        for r in changes(pledge)
        if r.changed_on == day
    }
    assert that_day == {first: (IN_PROGRESS, IN_PLACE)}

    send_update(pledge, form_page.checklist)  # back to in progress, the same day
    services.approve(pledge)
    assert not [r for r in changes(pledge) if r.changed_on == day]


def test_marking_completed_dates_the_last_practices_in_place(form_page, monkeypatch):
    pledge = submitted_pledge(form_page, "approved")
    day = move_time(monkeypatch, 400)
    token = services.make_update_token(pledge)
    services.submit_update(token, pledge_data(form_page.checklist, status=IN_PLACE))

    services.mark_completed(pledge)

    dated = [r for r in changes(pledge) if r.changed_on == day]
    assert dated and {(r.status_before, r.status_after) for r in dated} == {
        (IN_PROGRESS, IN_PLACE)
    }


def test_the_history_groups_the_changes_by_day_newest_first(form_page, monkeypatch):
    pledge = submitted_pledge(form_page, "approved")
    first, *_rest = items(form_page.checklist)
    later = move_time(monkeypatch, 90)
    send_update(pledge, form_page.checklist, **{f"practice_{first}": IN_PLACE})
    services.approve(pledge)

    days = pledge_history(pledge)

    assert [day.day for day in days] == [later, timezone.localdate(pledge.pledged_at)]
    assert not days[0].is_first and days[1].is_first
    assert [c.item_id for c in days[0].changes] == [first]


def test_only_the_first_day_is_the_pledge_even_when_a_later_day_starts_practices(
    form_page,
):
    """A practice added to the checklist later gets a first status (no "before") on a
    later day: that day is still not the pledge's."""
    pledge = submitted_pledge(form_page, "approved")
    item = PracticeChange.objects.filter(pledge=pledge).first().item
    later = timezone.localdate(pledge.pledged_at) + datetime.timedelta(days=40)
    PracticeChange.objects.create(
        pledge=pledge,
        item=item,
        status_before="",
        status_after=IN_PLACE,
        changed_on=later,
    )
    days = pledge_history(pledge)
    assert [day.is_first for day in days] == [False, True]


def test_the_agency_sees_its_history_through_its_update_link(
    client, form_page, monkeypatch
):
    pledge = submitted_pledge(form_page, "approved")
    first, *_rest = items(form_page.checklist)
    later = move_time(monkeypatch, 150)
    send_update(pledge, form_page.checklist, **{f"practice_{first}": IN_PLACE})
    services.approve(pledge)
    pledge.refresh_from_db()

    token = services.make_update_token(pledge)
    response = client.get(f"/pledge/update/{token}/", follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your progress so far" in html
    assert later.strftime("%Y") in html and "(your pledge)" in html
    section = html[html.index("Your progress so far") :]
    assert section.index("In place") < section.index("(your pledge)")


def test_an_agency_without_an_approved_pledge_sees_no_history(client, form_page):
    pledge = submitted_pledge(form_page, "verified")
    assert pledge_history(pledge) == []


# --- The migration's backfill -----------------------------------------------------------

BEFORE = [("pledge_forms", "0017_review_changes_and_reasons")]
AFTER = [("pledge_forms", "0018_progress_practice_changes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_pledges_approved_before_get_their_history_from_their_publications(
    back_to_latest,
):
    apps = migrate(BEFORE)
    Checklist = apps.get_model("pledge_forms", "Checklist")
    ChecklistSection = apps.get_model("pledge_forms", "ChecklistSection")
    ChecklistItem = apps.get_model("pledge_forms", "ChecklistItem")
    Pledge = apps.get_model("pledge_forms", "Pledge")
    PledgePractice = apps.get_model("pledge_forms", "PledgePractice")
    Revision = apps.get_model("wagtailcore", "Revision")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")

    checklist = Checklist.objects.create(name="c", slug="c")
    section = ChecklistSection.objects.create(
        checklist=checklist, title="Area", slug="area", sort_order=0
    )
    one, two = (
        ChecklistItem.objects.create(
            section=section, number=n, code=f"A-{n}", title="t"
        )
        for n in (1, 2)
    )
    pledged = datetime.datetime(2024, 2, 10, 12, tzinfo=datetime.UTC)
    updated = datetime.datetime(2024, 9, 3, 12, tzinfo=datetime.UTC)
    fields = {
        "display_name": "x",
        "agency_type": "municipal",
        "country": "US",
        "size_band": "26-50",
        "chief_name": "c",
        "chief_title": "c",
        "chief_email": "c@example.org",
        "chief_phone": "1",
        "signatory_name": "c",
        "signatory_title": "c",
    }
    pledge = Pledge.objects.create(
        legal_name="Logged",
        slug="logged",
        normalised_key="logged",
        pledged_at=pledged,
        approved_at=pledged,
        last_published_at=updated,
        live=True,
        **fields,
    )
    PledgePractice.objects.create(pledge=pledge, item=one, status="in_place")
    PledgePractice.objects.create(pledge=pledge, item=two, status="in_progress")
    content_type, _created = ContentType.objects.get_or_create(
        app_label="pledge_forms", model="pledge"
    )
    for when, statuses in (
        (
            pledged + datetime.timedelta(days=9),
            {one.pk: "planned", two.pk: "in_progress"},
        ),
        (updated, {one.pk: "in_place", two.pk: "in_progress"}),
    ):
        revision = Revision.objects.create(
            content_type=content_type,
            base_content_type=content_type,
            object_id=str(pledge.pk),
            object_str="Logged",
            created_at=when,
            content={
                "practices": [{"item": k, "status": v} for k, v in statuses.items()]
            },
        )
        ModelLogEntry.objects.create(
            content_type=content_type,
            object_id=str(pledge.pk),
            label="Logged",
            action="wagtail.publish",
            timestamp=when,
            revision=revision,
        )
    unlogged = Pledge.objects.create(
        legal_name="Unlogged",
        slug="unlogged",
        normalised_key="unlogged",
        pledged_at=pledged,
        approved_at=updated,
        live=True,
        **fields,
    )
    PledgePractice.objects.create(pledge=unlogged, item=one, status="in_place")
    never = Pledge.objects.create(
        legal_name="Never approved", slug="never", normalised_key="never", **fields
    )
    PledgePractice.objects.create(pledge=never, item=one, status="in_place")

    apps = migrate(AFTER)
    PracticeChange = apps.get_model("pledge_forms", "PracticeChange")

    def history(pk):
        return sorted(
            PracticeChange.objects.filter(pledge_id=pk).values_list(
                "item_id", "status_before", "status_after", "changed_on"
            )
        )

    assert history(pledge.pk) == [
        (one.pk, "", "planned", datetime.date(2024, 2, 10)),
        (one.pk, "planned", "in_place", datetime.date(2024, 9, 3)),
        (two.pk, "", "in_progress", datetime.date(2024, 2, 10)),
    ]
    assert history(unlogged.pk) == [
        (one.pk, "", "in_place", datetime.date(2024, 2, 10))
    ]
    assert history(never.pk) == []
