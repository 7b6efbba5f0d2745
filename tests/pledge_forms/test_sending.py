"""Sending a pledge: the request marks its draft sent, a worker stores it
(``pledge_forms.sending``).

These run with the database task backend of production, so what the request leaves for
later waits as task rows until the test runs the worker (``run_worker_once``); the rest of
the suite's immediate backend runs the same task inside the request.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from pledge_forms import sending, services
from pledge_forms.choices import SubmissionKind
from pledge_forms.housekeeping import run_housekeeping
from pledge_forms.models import OutgoingMail, Pledge, PledgeDraft, PledgeSubmission
from pledge_forms.services.links import make_resume_token
from tests.pledge_forms.steps_walk import send, step_slugs, step_url, walk
from tests.pledge_forms.test_tasks import DATABASE_TASKS
from tests.pledge_forms.workers import run_worker_once

pytestmark = pytest.mark.django_db

STORE_TASK = "pledge_forms.sending.store_sent_draft"


@pytest.fixture
def deferred(settings):
    """Tasks wait for a worker, as in production."""
    settings.TASKS = DATABASE_TASKS
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0


def store_tasks():
    return DBTaskResult.objects.filter(task_path=STORE_TASK)


def test_the_request_only_marks_the_draft_sent_and_a_worker_stores_the_pledge(
    client, form_page, deferred, monkeypatch, django_capture_on_commit_callbacks
):
    walk(client, form_page)
    sent = send(client, form_page)
    assert sent.status_code == 303 and sent["Location"].endswith("/received/")
    assert not Pledge.objects.exists() and not PledgeSubmission.objects.exists()
    draft = PledgeDraft.objects.get()
    assert draft.sent_at is not None
    assert draft.sent["data"]["legal_name"] == "Riverside Falls Police Department"
    assert [task.args_kwargs["args"] for task in store_tasks()] == [[draft.pk]]

    with django_capture_on_commit_callbacks(execute=True):
        run_worker_once(monkeypatch)

    pledge = Pledge.objects.get()
    assert pledge.legal_name == "Riverside Falls Police Department"
    assert pledge.practices.count() == form_page.checklist_items().count()
    assert pledge.pledged_at == draft.sent_at
    submission = PledgeSubmission.objects.get()
    assert (submission.kind, submission.pledge) == (SubmissionKind.PLEDGE, pledge)
    assert submission.submit_time == draft.sent_at
    assert submission.labels["legal_name"] == "Legal name of the agency"
    assert submission.client_hash == services.hash_client("127.0.0.1")
    assert not PledgeDraft.objects.exists()
    confirmation = OutgoingMail.objects.get(purpose="confirmation")
    assert confirmation.to == ["chief@riverside-falls.example"]
    assert "/pledge/verify/" in confirmation.body_text
    run_worker_once(monkeypatch)  # the confirmation's delivery
    assert [message.to for message in mail.outbox] == [
        ["chief@riverside-falls.example"]
    ]


def test_a_second_click_on_send_sends_nothing_more(client, form_page, deferred):
    walk(client, form_page)
    first, second = send(client, form_page), send(client, form_page)
    assert first["Location"] == second["Location"]
    assert second["Location"].endswith("/received/")
    assert store_tasks().count() == 1


def test_a_sent_draft_is_no_longer_shown_resumed_or_purged(client, form_page, deferred):
    walk(client, form_page)
    draft = PledgeDraft.objects.get()
    token = make_resume_token(draft)
    send(client, form_page)
    again = client.get(step_url(form_page, "contacts"))
    assert again.status_code == 303  # back to the first step: no draft to show
    with pytest.raises(services.InvalidLink):
        services.draft_for_resume_token(token)
    later = timezone.now() + timedelta(days=60)
    assert run_housekeeping(later)["drafts_deleted"] == 0
    assert PledgeDraft.objects.filter(pk=draft.pk).exists()


def test_a_repeat_sent_for_a_known_agency_is_handled_by_the_worker_as_always(
    client, form_page, deferred, monkeypatch
):
    from pledge_forms.testing.factories import submitted_pledge

    known = submitted_pledge(form_page, "verified")
    mails = OutgoingMail.objects.count()
    walk(client, form_page, {"contacts": {"chief_email": "someone@else.example"}})
    send(client, form_page)
    run_worker_once(monkeypatch)
    assert Pledge.objects.get() == known
    repeat = PledgeSubmission.objects.get(kind=SubmissionKind.DUPLICATE)
    assert repeat.pledge == known
    told = OutgoingMail.objects.order_by("pk")[mails:]
    assert [(m.purpose, m.to) for m in told] == [("repeat", [known.chief_email])]


def test_storing_that_fails_keeps_the_draft_sent_and_the_worker_tries_again_later(
    client, form_page, deferred, monkeypatch
):
    walk(client, form_page)
    send(client, form_page)
    submit = services.submit

    def down(*args, **kwargs):
        raise RuntimeError("storage is down")

    monkeypatch.setattr(services, "submit", down)
    failed_at = timezone.now()
    run_worker_once(monkeypatch)
    first, retry = store_tasks().order_by("enqueued_at")
    assert first.status == "FAILED" and retry.status == "READY"
    draft = PledgeDraft.objects.get()
    assert retry.args_kwargs["args"] == [draft.pk, 2]
    assert failed_at + timedelta(seconds=59) < retry.run_after
    assert retry.run_after < timezone.now() + timedelta(seconds=61)
    assert draft.sent_at and not Pledge.objects.exists()
    counts = services.outstanding()
    assert counts["waiting_pledges"] == 1
    assert counts["oldest_waiting_pledge_seconds"] < 60

    monkeypatch.setattr(services, "submit", submit)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker_once(monkeypatch)
    assert Pledge.objects.get().legal_name == "Riverside Falls Police Department"
    assert not PledgeDraft.objects.exists()
    assert services.outstanding()["waiting_pledges"] == 0


def test_a_sent_draft_whose_task_was_lost_is_handed_over_again(
    client, form_page, deferred, monkeypatch
):
    walk(client, form_page)
    send(client, form_page)
    store_tasks().delete()  # its worker died with it, say
    # Too recent to be handed over again: its task may still be on its way.
    assert sending.enqueue_waiting() == 0
    later = timezone.now() + sending.WAITING_AFTER + timedelta(seconds=1)
    assert run_housekeeping(later)["pledges_enqueued"] == 1
    run_worker_once(monkeypatch)
    assert Pledge.objects.get().legal_name == "Riverside Falls Police Department"
    assert not PledgeDraft.objects.exists()


def test_retry_sent_drafts_hands_the_waiting_pledges_to_the_workers(
    client, form_page, deferred
):
    from io import StringIO

    from django.core.management import call_command

    walk(client, form_page)
    send(client, form_page)
    PledgeDraft.objects.update(sent_at=timezone.now() - timedelta(minutes=20))
    out = StringIO()
    call_command("retry_sent_drafts", stdout=out)
    assert out.getvalue().strip() == "1 sent pledge(s) enqueued"
    assert store_tasks().count() == 2


def test_a_task_that_cannot_be_enqueued_still_answers_received(
    client, form_page, deferred, monkeypatch, caplog
):
    from types import SimpleNamespace

    from django.db import OperationalError

    def refused(*args, **kwargs):
        raise OperationalError("the task table is locked")

    walk(client, form_page)
    monkeypatch.setattr(sending, "store_sent_draft", SimpleNamespace(enqueue=refused))
    sent = send(client, form_page)
    assert sent["Location"].endswith("/received/")
    assert PledgeDraft.objects.get().sent_at is not None
    assert "not enqueued" in caplog.text


def test_running_the_task_again_stores_nothing_twice(client, form_page, deferred):
    walk(client, form_page)
    send(client, form_page)
    draft_id = PledgeDraft.objects.get().pk
    assert sending.store(draft_id) is True
    assert sending.store(draft_id) is False
    assert Pledge.objects.count() == PledgeSubmission.objects.count() == 1


def test_the_worker_stores_the_pledge_in_the_language_it_was_sent_in(
    client, form_page, deferred
):
    walk(client, form_page)
    draft = PledgeDraft.objects.get()
    with translation.override("fr"):
        form = form_page.get_form(services.drafts.answers_of(draft), check_timing=False)
        assert form.is_valid(), form.errors
        assert sending.send(draft, form, "198.51.100.7")
    assert sending.store(draft.pk)  # in this process's language, English
    pledge = Pledge.objects.get()
    assert pledge.language == "fr"
    submission = PledgeSubmission.objects.get()
    assert submission.language == "fr"
    assert submission.labels["legal_name"] != "Legal name of the agency"
    confirmation = OutgoingMail.objects.get(purpose="confirmation")
    assert confirmation.subject.startswith("Veuillez confirmer votre engagement")


def test_an_update_sent_from_its_link_is_stored_by_the_worker_as_a_revision(
    client, form_page, deferred, monkeypatch
):
    from pledge_forms.testing.factories import submitted_pledge
    from tests.pledge_forms.test_steps import open_update

    pledge = submitted_pledge(form_page, "approved")
    revisions = pledge.revisions.count()
    open_update(client, pledge)
    areas = tuple(
        s for s in step_slugs(client, form_page) if s.startswith("practices-")
    )
    walk(client, form_page, only=areas, prefix="update/")  # every practice in place
    sent = client.post("/pledge/update/check/", {"action": "send"})
    assert sent["Location"] == "/pledge/update/received/"
    assert pledge.revisions.count() == revisions
    run_worker_once(monkeypatch)
    assert pledge.revisions.count() == revisions + 1
    update = PledgeSubmission.objects.get(kind=SubmissionKind.UPDATE)
    assert update.pledge == pledge
    pledge.refresh_from_db()
    assert pledge.get_latest_revision_as_object().count_in_place() == len(
        form_page.checklist_items()
    )
    assert not PledgeDraft.objects.exists()
