"""The daily housekeeping task: reminders and lapses of the 36 months, then the retention
rules (erasure of personal data after their periods).

Kept apart from ``pledge_forms.tasks`` (the e-mail, export and logo tasks the services
enqueue): housekeeping calls those services, which import the delivery tasks, so the two
modules depend one way only.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from pledge_forms import conf, sending
from pledge_forms.models.privacy import ScheduledTask
from pledge_forms.services import abuse, drafts, lapse, privacy

logger = logging.getLogger(__name__)

# --- Housekeeping ------------------------------------------------------------------------------
#
# The project has no scheduler besides the task queue, so the daily job schedules itself: each
# run enqueues the next with ``run_after`` before it finishes. ``manage.py
# schedule_housekeeping`` (``make run`` and the deploy call it) starts the chain and may be run
# any number of times: the ``ScheduledTask`` row names the task waiting for the next run, and a
# new one is enqueued only when that one will not run (finished, failed, pruned, or claimed by a
# worker that died). Backends that cannot defer (the immediate backend) schedule nothing: run
# ``schedule_housekeeping --now`` from cron there.

HOUSEKEEPING = "pledge_forms.housekeeping"
# A run still marked running this long after its time has lost its worker.
HOUSEKEEPING_STALE = timedelta(hours=6)


def _housekeeping_interval() -> timedelta:
    return timedelta(hours=conf.get("HOUSEKEEPING_INTERVAL_HOURS"))


def _will_run(row: ScheduledTask, current_id: str | None, now: datetime) -> bool:
    """Whether the task ``row`` names is still to run (so no other is needed)."""
    if not row.task_id or row.task_id == current_id:
        return False
    try:
        result = housekeeping.get_backend().get_result(row.task_id)
    except TaskResultDoesNotExist:
        return False  # pruned, or enqueued on another backend
    except NotImplementedError:  # a backend that cannot tell: trust the time
        return bool(row.run_after and row.run_after > now)
    if result.status == TaskResultStatus.READY:
        return True
    if result.status == TaskResultStatus.RUNNING:
        return bool(row.run_after and row.run_after + HOUSEKEEPING_STALE > now)
    return False


def schedule_housekeeping(
    *, current_id: str | None = None, now: datetime | None = None
) -> str | None:
    """Enqueue the next housekeeping run unless one is waiting; its task id, or None.

    The next run comes one interval after the last one (at once when there was none or it
    is overdue). ``current_id`` is the run calling this at its end, which is not "waiting".
    """
    if not housekeeping.get_backend().supports_defer:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        ScheduledTask.objects.get_or_create(name=HOUSEKEEPING)
        row = ScheduledTask.objects.select_for_update().get(name=HOUSEKEEPING)
        if _will_run(row, current_id, now):
            return None
        run_after = now
        if row.last_run_at:
            run_after = max(now, row.last_run_at + _housekeeping_interval())
        # Enqueued inside the transaction: with the database backend the task row commits
        # together with the ScheduledTask row that names it.
        result = housekeeping.using(run_after=run_after).enqueue()
        row.task_id, row.run_after = result.id, run_after
        row.save(update_fields=["task_id", "run_after"])
    return result.id


def run_housekeeping(now: datetime | None = None) -> dict[str, int]:
    """One housekeeping pass: reminders and lapses (``services.lapse``), unfinished
    drafts (``services.drafts``), rate-limit counters of windows that are over
    (``services.abuse``), sent pledges still waiting for a worker (``sending``), then
    the retention rules; recorded on the ScheduledTask row."""
    now = now or timezone.now()
    ours = {
        "reminders": lapse.send_reminders(now),
        "lapses_noticed": lapse.notice_lapses(timezone.localdate(now)),
        "drafts_deleted": drafts.purge(now),
        "counters_deleted": abuse.forget_old_counts(now),
        "pledges_enqueued": sending.enqueue_waiting(now),
    }
    counts = {**privacy.apply_retention(now), **ours}
    ScheduledTask.objects.update_or_create(
        name=HOUSEKEEPING,
        defaults={
            "last_run_at": now,
            "last_result": ", ".join(f"{k}: {v}" for k, v in counts.items()),
        },
    )
    logger.info("Housekeeping: %s", counts)
    return counts


@task(takes_context=True)
def housekeeping(context) -> dict[str, int]:
    """The task: one housekeeping pass, then the next run enqueued (see above)."""
    counts = run_housekeeping()
    schedule_housekeeping(current_id=context.task_result.id)
    return counts
