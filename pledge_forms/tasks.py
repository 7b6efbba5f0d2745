"""Background work of the plugin (django-tasks): delivering the stored e-mails, and writing
admin exports too large for a request (see "Large exports" at the end).

``pledge_forms.emails`` stores every message as an ``OutgoingMail`` and, once the transaction
that stored it commits, enqueues :data:`deliver_mail` for it. The task runs in a worker
(``manage.py db_worker``; in tests and without a worker, at once in the same process), never
in the request.

**One delivery at a time.** The task first *claims* the message in a short transaction: it
locks the row (``select_for_update()`` on PostgreSQL; SQLite serialises write transactions),
checks that the message is due, and marks it ``sending`` with the time
(``claimed_at``) and the attempt number (``attempts + 1``). Only then, outside any
transaction, does it talk to the mail server, and it records the outcome only if the row
still carries its own attempt number. A message already sent, refused for good, not yet due
or being sent by another worker is left alone, so running the task twice (a duplicate task,
a retry that meets a staff resend) sends nothing twice.

**Failures.** A temporary failure (connection refused or timed out, the server hanging up,
a 4xx reply) puts the message back to ``pending`` with ``next_attempt_at`` after an
exponential backoff (``PLEDGE_FORMS_MAIL_RETRY_SECONDS``, doubled per attempt, at most
``PLEDGE_FORMS_MAIL_RETRY_MAX_SECONDS``) and enqueues the task again with ``run_after``,
until ``PLEDGE_FORMS_MAIL_MAX_ATTEMPTS`` attempts were made. A permanent failure (a 5xx
reply, every recipient refused, a message the server cannot take) marks it ``failed`` at
once. Either way the error is kept in ``last_error`` for staff (Pledge inbox → E-mails).
django-tasks-db does not retry a task by itself: the task finishes "successfully" whatever
happened to the mail, and the retry is the new task it enqueued.

**A worker killed during a delivery.** django-tasks-db marks a task ``RUNNING`` when a worker
claims it and never looks at it again: a worker that dies (SIGKILL, power loss) leaves that
row ``RUNNING`` forever, and no other worker picks it up. So the claim carries a lease:
in the same transaction as the claim, the task enqueues a *check-up* of itself to run
``PLEDGE_FORMS_MAIL_LEASE_SECONDS`` later (with the database backend this row commits
together with the claim, so a claim never exists without its check-up). When the delivery
finished, the check-up finds the message sent (or pending with its own retry) and does
nothing. When the worker died, the check-up, run by any other worker, finds the message
still ``sending`` with an expired lease, claims it again (a new attempt number, so the dead
worker's claim is void) and delivers it. The lease must be longer than a delivery can take
(Django's SMTP backend waits at most ``EMAIL_TIMEOUT`` seconds per step); a worker that
overruns it logs a warning.

Exactly once, within SMTP's limits: a message counts as sent when the server answers the
end of its data with 250. A worker killed before that answer leaves a message the server
did not accept, and it is delivered again; a worker killed in the instant between the
server's 250 and the database update is the one case where the recipient may get it twice
(the classic SMTP window, RFC 1047); it cannot be closed from the client side.

Without a backend that can defer tasks (the immediate backend of the tests), nothing is
enqueued for later: a temporarily failed message waits, visible, until ``manage.py
retry_pledge_mail`` enqueues whatever is due.

**Large exports.** An admin export of more rows than ``PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS``
is stored as an ``ExportJob`` and :data:`write_export` is enqueued once that commits. The task
replays the listing request of the job (its path and filters, as the user who asked, so the
view checks their permissions and picks their columns), keeps the file the view answers with
in private storage and marks the job done; the view writes its usual audit-log entry. It
first claims the job (``pending`` → ``running`` in one ``UPDATE``), so running it twice writes
one file. A failure marks the job ``failed`` with the error, shown in "My exports".

**Logos kept while media storage was down.** A pledge or update whose logo media storage
(S3) could not take is stored without it, and the logo's bytes wait in the database as a
``PendingLogo`` (``pledge_forms.services.logo_storage``). :data:`store_pending_logo`,
enqueued to run ``PLEDGE_FORMS_LOGO_RETRY_SECONDS`` later, stores the file and puts it on
the pledge: into a new draft revision (a reviewer publishes it, as for any update) and,
while the pledge is not live, onto the pledge itself, as a logo stored at once would have
been. A failure tries again later (backoff doubled up to
``PLEDGE_FORMS_LOGO_RETRY_MAX_SECONDS``, at most ``PLEDGE_FORMS_LOGO_MAX_ATTEMPTS``
attempts; ``manage.py retry_pledge_logos`` starts them again). The pending row is locked
while its file is stored and deleted in the same transaction that puts the logo on the
pledge, so running the task twice stores the logo once. A logo that a reviewer or a later
update has replaced meanwhile is dropped, never put back over the newer one.


**Housekeeping.** :data:`housekeeping` runs the privacy retention rules
(``pledge_forms.services.privacy.apply_retention``) once a day and enqueues its next run with
``run_after`` (see "Housekeeping" at the end).
"""

import logging
import smtplib
import tempfile
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import resolve
from django.utils import timezone
from django_tasks import task

from pledge_forms import conf
from pledge_forms.choices import ExportStatus, MailStatus
from pledge_forms.models.exports import ExportJob
from pledge_forms.models.logos import PendingLogo
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.privacy import PledgeErasure
from pledge_forms.models.submissions import OutgoingMail

logger = logging.getLogger(__name__)

# Above Wagtail's index updates (priority 0): a confirmation link should not wait behind a
# backlog of search-index work.
MAIL_PRIORITY = 10

# The attribute of a replayed listing request that carries its export job.
EXPORT_JOB_ATTR = "pledge_forms_export_job"


class Outcome(StrEnum):
    SENT = "sent"
    DONE = "done"  # an export written, a logo stored
    RETRY = "retry"  # temporary failure, tried again later
    FAILED = "failed"  # permanent failure or out of attempts
    SKIPPED = "skipped"  # already sent, failed, not due, or another worker has it
    MISSING = "missing"


def is_temporary(exc: BaseException) -> bool:
    """Whether trying again later may succeed: network trouble and 4xx replies, not 5xx
    replies, a server lacking what our settings need (STARTTLS, AUTH) or a bad message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException):
        return False
    # Connection refused or reset, timeouts, unreachable hosts, failed DNS look-ups.
    return isinstance(exc, OSError)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    base = conf.get("MAIL_RETRY_SECONDS")
    ceiling = conf.get("MAIL_RETRY_MAX_SECONDS")
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), ceiling))


def _lease() -> timedelta:
    return timedelta(seconds=conf.get("MAIL_LEASE_SECONDS"))


def _can_defer() -> bool:
    return deliver_mail.get_backend().supports_defer


def enqueue(mail_id: int, run_after: datetime | None = None) -> None:
    """Enqueue a delivery of ``mail_id`` (now, or at ``run_after`` where the backend can)."""
    if run_after is None:
        deliver_mail.enqueue(mail_id)
    elif _can_defer():
        deliver_mail.using(run_after=run_after).enqueue(mail_id)


def enqueue_on_commit(mail_id: int, run_after: datetime | None = None) -> None:
    """Enqueue once the current transaction commits; a failure to enqueue is logged and
    leaves the message pending (``retry_pledge_mail`` finds it), never breaks the caller."""
    transaction.on_commit(lambda: enqueue(mail_id, run_after), robust=True)


def _claim(mail_id: int) -> tuple[OutgoingMail | None, Outcome | None]:
    """Take the message for one attempt (the message, None), or say why not (None, the
    outcome). Commits before returning."""
    now = timezone.now()
    with transaction.atomic():
        # Waits (milliseconds) for a worker claiming the same message right now, then sees
        # its claim; if that worker died inside its claim, the claim rolled back and is
        # ours to make.
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None:
            return None, Outcome.MISSING
        if mail.status == MailStatus.PENDING:
            if mail.next_attempt_at and mail.next_attempt_at > now:
                return None, Outcome.SKIPPED  # its own retry task is scheduled
        elif mail.status == MailStatus.SENDING:
            if mail.claimed_at and mail.claimed_at + _lease() > now:
                return None, Outcome.SKIPPED  # another worker holds a live claim
            logger.warning(
                "Pledge e-mail %s: attempt %s did not finish within the lease; "
                "delivering it again",
                mail.pk,
                mail.attempts,
            )
        else:
            return None, Outcome.SKIPPED  # sent, or failed for good
        if mail.attempts >= conf.get("MAIL_MAX_ATTEMPTS"):
            mail.status = MailStatus.FAILED
            mail.claimed_at = mail.next_attempt_at = None
            mail.last_error = (
                f"Gave up after {mail.attempts} attempts. {mail.last_error}".strip()
            )
            mail.save(
                update_fields=["status", "claimed_at", "next_attempt_at", "last_error"]
            )
            return None, Outcome.FAILED
        mail.status = MailStatus.SENDING
        mail.attempts += 1
        mail.claimed_at = now
        mail.next_attempt_at = None
        mail.save(update_fields=["status", "attempts", "claimed_at", "next_attempt_at"])
        if _can_defer():
            # The check-up: committed with the claim, run by any worker once the lease is
            # over; it finds nothing to do unless this worker died mid-delivery.
            enqueue(mail.pk, run_after=now + _lease() + timedelta(seconds=1))
    return mail, None


def _send(mail: OutgoingMail) -> None:
    message = EmailMultiAlternatives(
        subject=mail.subject, body=mail.body_text, to=mail.to
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    message.send()


def _record(mail: OutgoingMail, **fields) -> bool:
    """Store the outcome if our claim is still the current one."""
    updated = OutgoingMail.objects.filter(
        pk=mail.pk, status=MailStatus.SENDING, attempts=mail.attempts
    ).update(claimed_at=None, **fields)
    if not updated:
        logger.warning(
            "Pledge e-mail %s: attempt %s finished after its lease expired "
            "(PLEDGE_FORMS_MAIL_LEASE_SECONDS is too short)",
            mail.pk,
            mail.attempts,
        )
    return bool(updated)


def deliver(mail_id: int) -> Outcome:
    """Make one attempt at sending a stored message and record the outcome. Never raises
    for a mail-server failure; safe to call any number of times for the same message."""
    mail, outcome = _claim(mail_id)
    if mail is None:
        return outcome
    try:
        _send(mail)
    except Exception as exc:  # every transport failure is recorded, never raised
        error = f"{type(exc).__name__}: {exc}"[:2000]
        temporary = is_temporary(exc)
        if temporary and mail.attempts < conf.get("MAIL_MAX_ATTEMPTS"):
            next_attempt = timezone.now() + retry_delay(mail.attempts)
            logger.warning(
                "Pledge e-mail %s failed (attempt %s), trying again at %s: %s",
                mail.pk,
                mail.attempts,
                next_attempt.isoformat(timespec="seconds"),
                error,
            )
            with transaction.atomic():
                if _record(
                    mail,
                    status=MailStatus.PENDING,
                    next_attempt_at=next_attempt,
                    last_error=error,
                ):
                    enqueue_on_commit(mail.pk, run_after=next_attempt)
            return Outcome.RETRY
        if temporary:
            error = f"Gave up after {mail.attempts} attempts. {error}"
        logger.warning("Pledge e-mail %s failed for good: %s", mail.pk, error)
        _record(mail, status=MailStatus.FAILED, last_error=error)
        return Outcome.FAILED
    _record(mail, status=MailStatus.SENT, sent_at=timezone.now(), last_error="")
    return Outcome.SENT


@task(priority=MAIL_PRIORITY)
def deliver_mail(mail_id: int) -> str:
    """The task: one delivery attempt of ``OutgoingMail`` ``mail_id`` (see the module)."""
    return deliver(mail_id).value


def due_ids(now: datetime | None = None) -> list[int]:
    """Messages that should be in a worker's hands but may have no task: pending and due,
    or claimed by a worker that did not finish within the lease."""
    now = now or timezone.now()
    pending = OutgoingMail.objects.filter(status=MailStatus.PENDING).exclude(
        next_attempt_at__gt=now
    )
    abandoned = OutgoingMail.objects.filter(
        status=MailStatus.SENDING, claimed_at__lt=now - _lease()
    )
    return sorted(
        set(pending.values_list("pk", flat=True))
        | set(abandoned.values_list("pk", flat=True))
    )


def enqueue_due() -> int:
    """Enqueue a delivery for every message that is due (see :func:`due_ids`)."""
    ids = due_ids()
    for mail_id in ids:
        enqueue(mail_id)
    return len(ids)


def resend_failed(
    mail_ids: list[int] | None = None, *, enqueue_now: bool = True
) -> int:
    """Give failed messages (all, or those of ``mail_ids``) a fresh set of attempts and
    enqueue them once this commits: staff resend after fixing an address or the server.
    With ``enqueue_now=False`` they are only made pending (:func:`enqueue_due` follows)."""
    with transaction.atomic():
        failed = OutgoingMail.objects.select_for_update().filter(
            status=MailStatus.FAILED
        )
        if mail_ids is not None:
            failed = failed.filter(pk__in=mail_ids)
        ids = list(failed.values_list("pk", flat=True))
        OutgoingMail.objects.filter(pk__in=ids).update(
            status=MailStatus.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
        )
        if enqueue_now:
            for mail_id in ids:
                enqueue_on_commit(mail_id)
    return len(ids)


def enqueue_export_on_commit(job_id: int) -> None:
    """Enqueue :data:`write_export` for ``job_id`` once the current transaction commits."""
    transaction.on_commit(lambda: write_export.enqueue(job_id), robust=True)


def _listing_request(job: ExportJob) -> HttpRequest:
    """The request that asked for the export, as ``job.user`` made it."""
    query = QueryDict(job.query, mutable=True)
    query["export"] = job.export_format
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()
    request.user = job.user
    setattr(request, EXPORT_JOB_ATTR, job)
    return request


def export(job_id: int) -> Outcome:
    """Write the file of one export job, once; safe to call any number of times."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING
    )
    if not claimed:
        return Outcome.SKIPPED
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    try:
        request = _listing_request(job)
        match = resolve(job.path)
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"The listing answered {response.status_code}.")
        with tempfile.TemporaryFile() as output:
            chunks = response if response.streaming else [response.content]
            for chunk in chunks:
                output.write(chunk)
            # The response's own files, closed without response.close(): that sends
            # request_finished, which closes the database connection the task (and,
            # with the immediate backend, the request around it) still uses.
            for closer in response._resource_closers:
                closer()
            job.file.save(job.filename, File(output), save=False)
    except Exception as exc:  # recorded for the user, never raised
        logger.exception("Export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        return Outcome.FAILED
    job.status = ExportStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "rows", "status", "finished_at"])
    return Outcome.DONE


@task()
def write_export(job_id: int) -> str:
    """The task: write the file of ``ExportJob`` ``job_id`` (see the module)."""
    return export(job_id).value


def save_logo_file(name: str, content: ContentFile) -> str:
    """Store a (re-encoded) logo where ``Pledge.logo`` keeps its files; the stored name.

    Raises whatever the storage raises: the caller decides what an outage means."""
    field = Pledge._meta.get_field("logo")
    content.seek(0)
    return field.storage.save(
        field.generate_filename(None, name), content, max_length=field.max_length
    )


def logo_retry_delay(attempts: int) -> timedelta:
    """How long a pending logo waits after ``attempts`` failed attempts (0: first try)."""
    base = conf.get("LOGO_RETRY_SECONDS")
    ceiling = conf.get("LOGO_RETRY_MAX_SECONDS")
    return timedelta(seconds=min(base * 2 ** max(attempts, 0), ceiling))


def enqueue_logo(pending_id: int, run_after: datetime | None = None) -> None:
    """Enqueue :data:`store_pending_logo` now, or at ``run_after`` where the backend can
    defer (without one, ``retry_pledge_logos`` enqueues what waits)."""
    if run_after is None:
        store_pending_logo.enqueue(pending_id)
    elif store_pending_logo.get_backend().supports_defer:
        store_pending_logo.using(run_after=run_after).enqueue(pending_id)


def enqueue_logo_on_commit(pending_id: int, run_after: datetime | None = None) -> None:
    transaction.on_commit(lambda: enqueue_logo(pending_id, run_after), robust=True)


def store_logo(pending_id: int) -> Outcome:
    """One attempt at putting a pending logo into media storage and onto its pledge.
    Never raises for a storage failure; safe to call any number of times."""
    now = timezone.now()
    with transaction.atomic():
        pending = PendingLogo.objects.select_for_update().filter(pk=pending_id).first()
        if pending is None:
            return Outcome.MISSING  # stored (or dropped) by an earlier run
        if pending.next_attempt_at and pending.next_attempt_at > now:
            return Outcome.SKIPPED  # its own retry is scheduled
        if pending.attempts >= conf.get("LOGO_MAX_ATTEMPTS"):
            return Outcome.SKIPPED  # waits for retry_pledge_logos
        pledge = Pledge.objects.select_for_update().get(pk=pending.pledge_id)
        if PledgeErasure.objects.filter(pledge=pledge).exists():
            pending.delete()  # erased meanwhile: its logo must not come back
            return Outcome.SKIPPED
        draft = pledge.get_latest_revision_as_object()
        if (draft.logo.name or "") != pending.replaces:
            logger.info(
                "Pending logo %s of pledge %s dropped: the logo was changed since",
                pending.pk,
                pledge.pk,
            )
            pending.delete()
            return Outcome.SKIPPED
        try:
            name = save_logo_file(pending.name, ContentFile(bytes(pending.content)))
        except Exception as exc:  # any storage failure: try again later
            pending.attempts += 1
            pending.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            pending.next_attempt_at = now + logo_retry_delay(pending.attempts)
            pending.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            logger.warning(
                "Pending logo %s of pledge %s not stored (attempt %s), trying again "
                "at %s: %s",
                pending.pk,
                pledge.pk,
                pending.attempts,
                pending.next_attempt_at.isoformat(timespec="seconds"),
                pending.last_error,
            )
            if pending.attempts < conf.get("LOGO_MAX_ATTEMPTS"):
                enqueue_logo_on_commit(pending.pk, run_after=pending.next_attempt_at)
            return Outcome.RETRY
        draft.logo = name
        draft.save_revision(log_action=True, clean=False)
        if not pledge.live:
            # What a logo stored with the pledge would have done: the pledge (not yet
            # public) carries it too, as its draft does.
            Pledge.objects.filter(pk=pledge.pk).update(logo=name)
        pending.delete()
    return Outcome.DONE


@task()
def store_pending_logo(pending_id: int) -> str:
    """The task: one attempt at storing ``PendingLogo`` ``pending_id`` (see the module)."""
    return store_logo(pending_id).value


def enqueue_pending_logos(*, all_now: bool = False) -> int:
    """Enqueue every pending logo that is due (with ``all_now``, every one, at once, with
    a fresh set of attempts: media storage is back)."""
    pending = PendingLogo.objects.all()
    if all_now:
        pending.update(next_attempt_at=None, attempts=0)
    else:
        pending = pending.filter(attempts__lt=conf.get("LOGO_MAX_ATTEMPTS")).exclude(
            next_attempt_at__gt=timezone.now()
        )
    ids = list(pending.values_list("pk", flat=True))
    for pending_id in ids:
        enqueue_logo(pending_id)
    return len(ids)
