"""Sending a pledge from its draft: the request claims the draft, a worker stores it.

"Send" on the last step checks the whole pledge in the request (every answer, the spam
trap, the fill time, the rate limit): what the visitor is told depends on nothing else.
The request then only *claims* the draft (:func:`send`): one UPDATE marks it sent, with
the answers as checked, their labels, the language they were given in and the client's
hash, and :data:`store_sent_draft` is enqueued (with the database backend, one INSERT).
The visitor gets the "received" page at once. As with an e-mail's delivery, a task that
cannot be enqueued is logged rather than shown: the draft waits, sent, for a retry.

The worker stores the pledge the way every pledge is stored (``services.submit``, or
``services.update_pledge`` for an update link's draft: the submission, the pledge or its
revision, the practice rows, the log entry, the e-mails, a repeat or a declined agency
handled as always) and deletes the draft, in one transaction, the draft locked: running
the task twice stores the pledge once. The pledge and its submission keep the time the
draft was sent.

A sent draft is found by nothing the visitor does (the form, its resume links, the update
link: ``services.drafts``), so a second click on "Send" finds no draft and gets the same
"received" page. A draft whose storing failed stays sent, with its answers, and the task
tries again later by itself; one whose task was never enqueued, whose worker died or whose
attempts ran out is enqueued again by :func:`enqueue_waiting` (the daily housekeeping, and
``manage.py retry_sent_drafts``). ``services.outstanding`` counts the drafts waiting, for
the site's health view.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from pledge_forms import localization, services
from pledge_forms.models.drafts import PledgeDraft
from pledge_forms.models.pledges import Pledge
from pledge_forms.services import drafts

logger = logging.getLogger(__name__)

# A storing that failed is tried again by the worker after 1, 2, 4… minutes (at most an
# hour apart), ATTEMPTS times in all, where the backend can defer a task.
RETRY_SECONDS = 60
RETRY_MAX_SECONDS = 3600
ATTEMPTS = 10
# A sent draft still here this long after it was sent may have lost its task (never
# enqueued, its worker killed, out of attempts): :func:`enqueue_waiting` hands it to the
# workers again.
WAITING_AFTER = timedelta(minutes=15)


def send(draft: PledgeDraft, form, client_address: str) -> bool:
    """Claim ``draft`` with the answers of ``form`` (the whole pledge, checked, in the
    active language) and enqueue its storing; False when it was sent already (nothing
    is enqueued then)."""
    sent = {
        "language": localization.content_language(),
        "data": services.jsonable_answers(form.pledge_data()),
        "labels": {name: str(label) for name, label in form.labels().items()},
        "client_hash": services.hash_client(client_address),
    }
    if not drafts.claim(draft, sent):
        return False
    try:
        store_sent_draft.enqueue(draft.pk)
    except Exception:
        # The draft is sent and its answers are safe: ``enqueue_waiting`` hands it to a
        # worker later, rather than a pledge that arrived turning into an error page.
        logger.exception("Sent draft %s not enqueued; it waits for a retry", draft.pk)
    return True


def store(draft_id: int) -> bool:
    """Store the pledge of the sent draft ``draft_id`` and delete the draft; False when
    there is nothing to store (stored by an earlier run). Raises when storing fails: the
    draft stays sent, for :func:`enqueue_waiting`."""
    with transaction.atomic():
        draft = (
            PledgeDraft.objects.select_for_update()
            .filter(pk=draft_id, sent_at__isnull=False)
            .first()
        )
        if draft is None:
            return False
        sent = draft.sent
        language = sent.get("language") or localization.record_language(draft)
        # The form page the agency filled in: the one in the language it used.
        page = localization.page_in(draft.form_page, language)
        arrival = services.Arrival(sent.get("client_hash") or "", draft.sent_at)
        data = {**sent.get("data", {}), **drafts.evidence_names(draft)}
        labels = sent.get("labels") or {}
        logo = drafts.read_file(draft, "logo")
        with translation.override(language):
            if draft.pledge_id is None:
                services.submit(page, data, labels, arrival=arrival, logo=logo)
            else:
                pledge = Pledge.objects.get(pk=draft.pledge_id)
                services.update_pledge(pledge, data, labels, arrival=arrival, logo=logo)
        drafts.stored(draft)
    return True


def retry_delay(attempt: int) -> timedelta:
    """How long a sent draft waits after its ``attempt``-th storing failed."""
    return timedelta(seconds=min(RETRY_SECONDS * 2 ** (attempt - 1), RETRY_MAX_SECONDS))


@task()
def store_sent_draft(draft_id: int, attempt: int = 1) -> str:
    """The task: store the pledge of one sent draft (see the module); when that fails,
    the draft stays sent and the task is enqueued again for later (the failure stays in
    the task's result, and in the log)."""
    try:
        return "stored" if store(draft_id) else "missing"
    except Exception:
        logger.exception(
            "Storing the sent draft %s failed (attempt %s)", draft_id, attempt
        )
        if attempt < ATTEMPTS and store_sent_draft.get_backend().supports_defer:
            later = timezone.now() + retry_delay(attempt)
            store_sent_draft.using(run_after=later).enqueue(draft_id, attempt + 1)
        raise


def waiting(now: datetime | None = None):
    """The sent drafts still waiting :data:`WAITING_AFTER` after they were sent."""
    return PledgeDraft.objects.filter(
        sent_at__lt=(now or timezone.now()) - WAITING_AFTER
    )


def enqueue_waiting(now: datetime | None = None) -> int:
    """Enqueue the storing of every sent draft still waiting; answers how many. Running
    a draft's task a second time stores nothing twice."""
    ids = list(waiting(now).values_list("pk", flat=True))
    for draft_id in ids:
        store_sent_draft.enqueue(draft_id)
    return len(ids)
