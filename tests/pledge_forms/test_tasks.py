"""E-mail delivery as a background task: claims, temporary and permanent failures, retries.

These run the task in the test's own process (the immediate backend of the test settings, or
the database backend's rows without a worker); ``test_workers.py`` starts real workers.
"""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pledge_forms import emails, services, tasks
from pledge_forms.choices import MailStatus
from pledge_forms.models import OutgoingMail, Pledge
from pledge_forms.testing.factories import pledge_data

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class RaisingBackend(BaseEmailBackend):
    """A mail server that answers every message with ``RaisingBackend.error``."""

    error: BaseException = ConnectionRefusedError("connection refused")

    def send_messages(self, email_messages):
        raise self.error


@pytest.fixture
def failing_with(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RaisingBackend"

    def use(error: BaseException):
        RaisingBackend.error = error

    return use


def stored(**fields) -> OutgoingMail:
    return OutgoingMail.objects.create(
        to=["chief@example.org"], subject="Confirm", body_text="Link", **fields
    )


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (ConnectionRefusedError("refused"), True),
        (TimeoutError("timed out"), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(421, b"busy"), True),
        (smtplib.SMTPDataError(451, b"try later"), True),
        (smtplib.SMTPSenderRefused(452, b"full", "campaign@localhost"), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"greylisted")}), True),
        (smtplib.SMTPDataError(554, b"rejected as spam"), False),
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}),
            False,
        ),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (smtplib.SMTPNotSupportedError("STARTTLS not supported"), False),
        (ValueError("header contains a newline"), False),
    ],
)
def test_network_trouble_and_4xx_replies_are_temporary_5xx_and_bad_messages_are_not(
    error, temporary
):
    assert tasks.is_temporary(error) is temporary


def test_storing_a_message_sends_nothing_until_commit_and_then_only_through_the_task(
    form_page, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    monkeypatch.setattr(tasks, "enqueue", lambda *args: calls.append(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit(form_page, pledge_data(form_page.checklist))
        assert calls == []
    assert len(callbacks) == 1
    assert calls == [(OutgoingMail.objects.get().pk,)]
    assert mail.outbox == []  # the request itself never talked to a mail server


def test_a_message_already_sent_is_never_sent_again(settings):
    message = stored()
    assert tasks.deliver(message.pk) is tasks.Outcome.SENT
    assert tasks.deliver(message.pk) is tasks.Outcome.SKIPPED
    message.refresh_from_db()
    assert (message.status, message.attempts, len(mail.outbox)) == ("sent", 1, 1)
    assert message.sent_at is not None


def test_a_message_a_worker_is_sending_within_its_lease_is_left_to_that_worker():
    message = stored(status=MailStatus.SENDING, attempts=1, claimed_at=timezone.now())
    assert tasks.deliver(message.pk) is tasks.Outcome.SKIPPED
    assert mail.outbox == []
    assert tasks.due_ids() == []


def test_a_claim_older_than_the_lease_is_delivered_again_and_the_late_result_ignored(
    settings,
):
    settings.PLEDGE_FORMS_MAIL_LEASE_SECONDS = 60
    abandoned = timezone.now() - timedelta(seconds=61)
    message = stored(status=MailStatus.SENDING, attempts=1, claimed_at=abandoned)
    assert tasks.due_ids() == [message.pk]

    assert tasks.deliver(message.pk) is tasks.Outcome.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts, len(mail.outbox)) == ("sent", 2, 1)

    # The first worker wakes up and reports its attempt 1: the record keeps attempt 2.
    late = OutgoingMail(pk=message.pk, attempts=1)
    assert not tasks._record(late, status=MailStatus.FAILED, last_error="late")
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_temporary_failure_keeps_the_message_pending_with_its_error_and_next_attempt(
    failing_with, settings
):
    settings.PLEDGE_FORMS_MAIL_RETRY_SECONDS = 60
    failing_with(smtplib.SMTPDataError(451, b"mailbox busy, try later"))
    message = stored()
    before = timezone.now()
    assert tasks.deliver(message.pk) is tasks.Outcome.RETRY
    message.refresh_from_db()
    assert message.status == "pending"
    assert message.attempts == 1
    assert "451" in message.last_error and "try later" in message.last_error
    assert before + timedelta(seconds=59) < message.next_attempt_at
    assert message.next_attempt_at < timezone.now() + timedelta(seconds=61)
    # Not due before its time, then due.
    assert tasks.deliver(message.pk) is tasks.Outcome.SKIPPED
    assert tasks.due_ids() == []
    assert tasks.due_ids(now=message.next_attempt_at) == [message.pk]


def test_a_permanent_refusal_fails_at_once_for_staff_to_see_and_is_not_retried(
    failing_with,
):
    failing_with(smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no user")}))
    message = stored()
    assert tasks.deliver(message.pk) is tasks.Outcome.FAILED
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert "SMTPRecipientsRefused" in message.last_error
    assert "no user" in message.last_error
    assert message.next_attempt_at is None
    assert tasks.deliver(message.pk) is tasks.Outcome.SKIPPED
    assert tasks.due_ids(now=timezone.now() + timedelta(days=30)) == []


def test_temporary_failures_wait_twice_as_long_each_time_up_to_the_ceiling(settings):
    settings.PLEDGE_FORMS_MAIL_RETRY_SECONDS = 30
    settings.PLEDGE_FORMS_MAIL_RETRY_MAX_SECONDS = 200
    assert [tasks.retry_delay(n).total_seconds() for n in range(1, 6)] == [
        30,
        60,
        120,
        200,
        200,
    ]


def test_a_message_that_keeps_failing_temporarily_fails_for_good_after_the_last_attempt(
    failing_with, settings
):
    settings.PLEDGE_FORMS_MAIL_MAX_ATTEMPTS = 3
    failing_with(ConnectionRefusedError("connection refused"))
    message = stored()
    outcomes = []
    for _ in range(4):
        outcomes.append(tasks.deliver(message.pk))
        OutgoingMail.objects.filter(pk=message.pk).update(next_attempt_at=None)
    assert outcomes == [
        tasks.Outcome.RETRY,
        tasks.Outcome.RETRY,
        tasks.Outcome.FAILED,
        tasks.Outcome.SKIPPED,
    ]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert message.last_error.startswith("Gave up after 3 attempts.")


def test_an_abandoned_claim_on_the_last_attempt_fails_instead_of_trying_again(settings):
    settings.PLEDGE_FORMS_MAIL_MAX_ATTEMPTS = 2
    settings.PLEDGE_FORMS_MAIL_LEASE_SECONDS = 60
    message = stored(
        status=MailStatus.SENDING,
        attempts=2,
        claimed_at=timezone.now() - timedelta(minutes=5),
    )
    assert tasks.deliver(message.pk) is tasks.Outcome.FAILED
    message.refresh_from_db()
    assert (
        message.status == "failed" and "Gave up after 2 attempts" in message.last_error
    )
    assert mail.outbox == []


def test_a_failed_message_resent_by_staff_gets_new_attempts_and_is_delivered(
    failing_with, settings, django_capture_on_commit_callbacks
):
    failing_with(smtplib.SMTPDataError(554, b"rejected"))
    message = stored()
    tasks.deliver(message.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.resend_failed([message.pk]) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, len(mail.outbox)) == ("sent", 1, 1)


def test_with_the_database_backend_a_pledge_request_only_stores_rows_for_the_worker(
    form_page, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(form_page, pledge_data(form_page.checklist))
    assert Pledge.objects.count() == 1
    message = OutgoingMail.objects.get()
    assert message.status == "pending" and mail.outbox == []
    task = DBTaskResult.objects.get(task_path="pledge_forms.tasks.deliver_mail")
    assert task.status == "READY"
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert task.priority == tasks.MAIL_PRIORITY


def test_with_the_database_backend_a_claim_schedules_its_check_up_and_a_failure_its_retry(
    failing_with, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.PLEDGE_FORMS_MAIL_LEASE_SECONDS = 300
    settings.PLEDGE_FORMS_MAIL_RETRY_SECONDS = 60
    failing_with(ConnectionRefusedError("connection refused"))
    message = stored()
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliver(message.pk) is tasks.Outcome.RETRY
    message.refresh_from_db()
    later = DBTaskResult.objects.filter(
        task_path="pledge_forms.tasks.deliver_mail"
    ).order_by("run_after")
    assert [task.args_kwargs["args"] for task in later] == [[message.pk]] * 2
    retry, check_up = later
    assert retry.run_after == message.next_attempt_at
    assert started + timedelta(seconds=300) < check_up.run_after
    assert check_up.run_after < timezone.now() + timedelta(seconds=302)


def test_demo_content_inside_discarded_stores_and_enqueues_nothing(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True), emails.discarded():
        assert emails.queue(["a@example.org"], "s", "b") is None
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_staff_see_a_waiting_message_with_its_error_and_next_attempt_in_the_mail_list(
    client, failing_with, settings
):
    from django.contrib.auth import get_user_model

    failing_with(smtplib.SMTPDataError(451, b"greylisted, come back later"))
    message = stored()
    tasks.deliver(message.pk)
    admin = get_user_model().objects.create_superuser("staff", "s@example.org", "pw")
    client.force_login(admin)
    page = client.get("/admin/pledge_forms/outgoingmail/").content.decode()
    assert "Pending" in page
    assert "greylisted, come back later" in page
    assert "next attempt at" in page.lower()
