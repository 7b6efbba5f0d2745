"""The 36 months: reminders at configurable offsets, each sent once, and the lapsed stage
past the deadline, from the one rule retention also reads (``services.lapse``). Time is
moved by passing dates, never by waiting."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from pledge_forms import services
from pledge_forms.admin.filters import PledgeFilterSet
from pledge_forms.choices import PracticeStatus, ReviewStatus, Stage
from pledge_forms.housekeeping import run_housekeeping
from pledge_forms.models import (
    ChecklistItem,
    OutgoingMail,
    Pledge,
    PledgeLapse,
    PledgeReminder,
)
from pledge_forms.services import lapse, privacy
from pledge_forms.services.identity import add_months
from pledge_forms.testing.factories import PledgeFactory

pytestmark = pytest.mark.django_db

PLEDGED = datetime.datetime(2023, 3, 15, 12, 0, tzinfo=datetime.UTC)


def at(months: int, days: int = 0) -> datetime.datetime:
    """``months`` (and ``days``) after the pledge date of :func:`member`."""
    return datetime.datetime.combine(
        add_months(PLEDGED.date(), months) + datetime.timedelta(days=days),
        datetime.time(12),
        tzinfo=datetime.UTC,
    )


def member(form_page, pledged_at=PLEDGED, **fields):
    """An approved, published member pledged at ``pledged_at``, its deadline 36 months on."""
    fields.setdefault("statuses", {"BF-1": "in_place", "BF-2": "in_progress"})
    pledge = PledgeFactory(
        form_page=form_page,
        review_status=ReviewStatus.APPROVED,
        verified_at=pledged_at,
        pledged_at=pledged_at,
        deadline=add_months(timezone.localdate(pledged_at), 36),
        **fields,
    )
    pledge.save_revision().publish()
    pledge.refresh_from_db()
    return pledge


def reminders(pledge) -> list[OutgoingMail]:
    return list(
        OutgoingMail.objects.filter(pledge=pledge, purpose="reminder").order_by("pk")
    )


def test_a_reminder_goes_once_at_each_of_12_24_and_33_months(form_page):
    pledge = member(form_page)
    assert lapse.send_reminders(at(12, days=-1)) == 0
    assert reminders(pledge) == []

    for months in (12, 24, 33):
        assert lapse.send_reminders(at(months)) == 1
        # A second pass the same day, and the next day, send nothing more.
        assert lapse.send_reminders(at(months)) == 0
        assert lapse.send_reminders(at(months, days=1)) == 0
    assert lapse.send_reminders(at(35)) == 0

    assert sorted(pledge.reminders.values_list("months", flat=True)) == [12, 24, 33]
    sent = reminders(pledge)
    assert len(sent) == 3
    assert all(mail.to == [pledge.chief_email] for mail in sent)


def test_the_reminder_carries_a_working_update_link_and_what_remains(form_page):
    pledge = member(form_page)
    lapse.send_reminders(at(12))
    (mail,) = reminders(pledge)
    assert "reminder" in mail.subject.lower()
    # What remains: practices not in place, in progress ones included; not the done one,
    # each named as the form names it.
    items = {item.code: item for item in form_page.checklist_items()}
    assert f"- {items['BF-2']}" in mail.body_text
    assert f"- {items['BF-3']}" in mail.body_text
    assert f"- {items['BF-1']}\n" not in mail.body_text
    assert str(items["BF-2"]) in mail.body_html
    # The update link, and how long it lasts (the branded layout's sentence).
    link = next(w for w in mail.body_text.split() if "/update/" in w)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert services.pledge_for_update_token(token) == pledge
    assert "This link stays valid for" in mail.body_text
    assert "campaign gave your address" in mail.body_text


def test_no_reminder_for_completed_declined_or_unconfirmed_pledges(form_page):
    completed = member(form_page)
    Pledge.objects.filter(pk=completed.pk).update(stage=Stage.COMPLETED)
    declined = member(form_page)
    Pledge.objects.filter(pk=declined.pk).update(review_status=ReviewStatus.DECLINED)
    waiting = PledgeFactory(form_page=form_page, pledged_at=PLEDGED)
    assert lapse.send_reminders(at(12)) == 0
    assert not OutgoingMail.objects.filter(purpose="reminder").exists()
    assert not PledgeReminder.objects.filter(
        pledge__in=[completed, declined, waiting]
    ).exists()


def test_a_pass_that_missed_offsets_sends_only_the_latest(form_page):
    pledge = member(form_page)
    assert lapse.send_reminders(at(25)) == 1
    assert len(reminders(pledge)) == 1
    # 12 is recorded as handled, so it never goes out late.
    assert sorted(pledge.reminders.values_list("months", flat=True)) == [12, 24]
    assert lapse.send_reminders(at(26)) == 0


def test_a_second_worker_sending_the_same_reminder_sends_nothing(form_page):
    pledge = member(form_page)
    # Both passes read the pledge as due; the unique row lets only one through.
    assert lapse._send_reminder(pledge, 12, [], at(12)) is True
    assert lapse._send_reminder(pledge, 12, [], at(12)) is False
    assert len(reminders(pledge)) == 1


def test_the_offsets_are_a_setting(form_page, settings):
    settings.PLEDGE_FORMS_REMINDER_MONTHS = (6,)
    pledge = member(form_page)
    assert lapse.send_reminders(at(6)) == 1
    assert lapse.send_reminders(at(12)) == 0
    assert list(pledge.reminders.values_list("months", flat=True)) == [6]
    settings.PLEDGE_FORMS_REMINDER_MONTHS = (0, 12)
    with pytest.raises(ImproperlyConfigured):
        lapse.send_reminders(at(12))


def test_no_reminder_falls_after_the_deadline(form_page, settings):
    settings.PLEDGE_FORMS_REMINDER_MONTHS = (12, 40)
    pledge = member(form_page)
    lapse.send_reminders(at(41))
    assert list(pledge.reminders.values_list("months", flat=True)) == [12]


# --- The lapsed stage: one rule -------------------------------------------------------


def test_at_36_months_a_member_not_completed_is_lapsed(form_page):
    pledge = member(form_page)
    deadline = pledge.deadline
    assert not lapse.is_lapsed(pledge, deadline)
    assert lapse.is_lapsed(pledge, deadline + datetime.timedelta(days=1))
    assert lapse.is_lapsed(pledge)  # today: 2023 + 36 months is long past
    assert lapse.public_stage(pledge) == lapse.LAPSED
    assert pledge.is_overdue
    assert Pledge.objects.filter(lapse.lapsed_q(deadline)).count() == 0
    assert list(
        Pledge.objects.filter(lapse.lapsed_q(deadline + datetime.timedelta(days=1)))
    ) == [pledge]
    # The stored stage is untouched: revisions and publishing keep "pledged".
    assert pledge.stage == Stage.PLEDGED
    assert pledge.get_latest_revision_as_object().stage == Stage.PLEDGED


def test_retention_and_the_admin_filter_read_the_same_rule(form_page, settings):
    settings.PLEDGE_FORMS_RETENTION_LAPSED_DAYS = 10
    lapsed = member(form_page)
    current = member(form_page, pledged_at=timezone.now())
    done = member(form_page)
    Pledge.objects.filter(pk=done.pk).update(stage=Stage.COMPLETED)
    just_after = datetime.datetime.combine(
        lapsed.deadline + datetime.timedelta(days=5), datetime.time(12)
    ).replace(tzinfo=datetime.UTC)
    assert privacy.due_for_erasure(just_after)["lapsed"] == []
    later = just_after + datetime.timedelta(days=10)
    assert privacy.due_for_erasure(later)["lapsed"] == [lapsed.pk]
    overdue = PledgeFilterSet({"overdue": "true"}, Pledge.objects.all()).qs
    assert list(overdue) == [lapsed]
    not_overdue = PledgeFilterSet({"overdue": "false"}, Pledge.objects.all()).qs
    assert set(not_overdue) == {current, done}


def test_a_lapsed_member_can_still_be_completed(form_page):
    codes = ChecklistItem.objects.filter(
        section__checklist=form_page.checklist
    ).values_list("code", flat=True)
    pledge = member(form_page, statuses=dict.fromkeys(codes, "in_progress"))
    assert not services.can_mark_completed(pledge)
    lapse.notice_lapses()
    assert PledgeLapse.objects.filter(pledge=pledge).exists()
    draft = pledge.get_latest_revision_as_object()
    rows = list(draft.practices.all())
    for row in rows:
        row.status = PracticeStatus.IN_PLACE
    draft.practices = rows
    draft.save_revision(clean=False)
    pledge = Pledge.objects.get(pk=pledge.pk)
    assert services.can_mark_completed(pledge)
    pledge = services.mark_completed(pledge)
    assert pledge.stage == Stage.COMPLETED and pledge.live
    assert not lapse.is_lapsed(pledge)
    assert lapse.public_stage(pledge) == Stage.COMPLETED
    # The lapse is forgotten, so a later lapse (say after a new deadline) is told again.
    lapse.notice_lapses()
    assert not PledgeLapse.objects.filter(pledge=pledge).exists()


def test_a_lapse_is_announced_once(form_page, monkeypatch):
    monkeypatch.setattr(
        lapse.transaction, "on_commit", lambda func, **kwargs: func(), raising=False
    )
    told = []

    def receiver(sender, pledges, **kwargs):
        told.append(sorted(p.pk for p in pledges))

    lapse.pledges_lapsed.connect(receiver)
    try:
        pledge = member(form_page)
        member(form_page, pledged_at=timezone.now())  # not lapsed
        assert lapse.notice_lapses(pledge.deadline) == 0
        assert lapse.notice_lapses() == 1
        assert lapse.notice_lapses() == 0
    finally:
        lapse.pledges_lapsed.disconnect(receiver)
    assert told == [[pledge.pk]]


def test_housekeeping_runs_the_reminders_and_the_lapses(form_page):
    pledge = member(form_page)
    counts = run_housekeeping(at(12))
    assert counts["reminders"] == 1 and counts["lapses_noticed"] == 0
    assert run_housekeeping(at(12))["reminders"] == 0
    counts = run_housekeeping(at(36, days=1))
    assert counts["lapses_noticed"] == 1
    assert len(reminders(pledge)) == 2  # 12, then 33 (24 handled with it)


def test_the_lapse_policy_must_be_known(settings):
    settings.PLEDGE_FORMS_LAPSED_POLICY = "gone"
    with pytest.raises(ImproperlyConfigured):
        lapse.policy()
    settings.PLEDGE_FORMS_LAPSED_POLICY = "hidden"
    assert lapse.hides_lapsed()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_reminders_at_once_send_one_each():
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection
    from wagtail.models import Site

    from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist

    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, checklist=make_checklist())
    pledges = [member(page) for _ in range(3)]
    barrier = threading.Barrier(2)

    def run(_):
        try:
            barrier.wait()
            return lapse.send_reminders(at(12))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        sent = list(pool.map(run, range(2)))

    assert sum(sent) == 3
    assert all(len(reminders(pledge)) == 1 for pledge in pledges)
    assert PledgeReminder.objects.count() == 3
