"""`/healthz/`: is this app server able to serve? Checks database, cache and media storage.

Answers 200 with JSON when every check passes, 503 naming the failing part otherwise. Never a
stack trace: the exception class is reported, the details go to the log.

**Within a deadline, whatever hangs.** The checks run at the same time, each in a daemon
thread, and the view waits for them at most ``HEALTHZ_TIMEOUT_MS`` in all (2.5 s, under a
load balancer's usual 3–5 s): a check that has not finished by then is reported failed with
the error ``"timeout"``. Its thread is not stopped (Python cannot), but it cannot run for
ever either: every client has its own timeout (settings, "Timeouts of outside services").
While a check from an earlier request is still running, the next request does not start
another one beside it and reports it as timed out at once, so a hanging S3 never piles up
threads, and a daemon thread never holds up a worker's exit.

**Backlog, reported, never failing.** The body also says how much work waits: the task
queue of django-tasks-db (tasks ready to run, those due for longer than
``HEALTHZ_QUEUE_OVERDUE_SECONDS``, the age of the oldest, tasks marked running) and what the
pledge plugin still owes (e-mails failed for good or waiting, logos kept while media storage
was down; read through ``pledge_forms.services.outstanding``). A backlog means the workers
are down or behind, not that this app server cannot serve, so it adds a name to
``warnings`` for monitoring but keeps the status 200: taking app servers out of the load
balancer would not bring a worker back.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.db.models import Case, Count, F, Min, Q, When
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

from pledge_forms.services import outstanding

logger = logging.getLogger(__name__)

TIMEOUT = "timeout"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("unexpected answer")


def check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    value = cache.get(key)
    cache.delete(key)
    if value != "ok":
        raise RuntimeError("value written was not read back")


def check_storage() -> None:
    payload = uuid.uuid4().hex.encode()
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(payload))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != payload:
                raise RuntimeError("content written was not read back")
    finally:
        default_storage.delete(name)


def queue_backlog() -> dict:
    """The database task queue, counted in one query: ready tasks, those due for longer
    than ``HEALTHZ_QUEUE_OVERDUE_SECONDS``, the age of the oldest due one, running ones."""
    now = timezone.now()
    overdue_after = timedelta(seconds=settings.HEALTHZ_QUEUE_OVERDUE_SECONDS)
    # A task enqueued without run_after carries the far future; it is due when enqueued.
    due = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
    )
    ready = DBTaskResult.objects.ready().annotate(due=due)
    counts = ready.aggregate(
        ready=Count("pk"),
        overdue=Count("pk", filter=Q(due__lt=now - overdue_after)),
        oldest=Min("due"),
    )
    oldest = counts.pop("oldest")
    counts["oldest_seconds"] = (
        None if oldest is None else max(int((now - oldest).total_seconds()), 0)
    )
    counts["running"] = DBTaskResult.objects.running().count()
    return counts


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "storage": check_storage,
}
REPORTS: dict[str, Callable[[], dict]] = {
    "queue": queue_backlog,
    "pledges": outstanding,
}

_running: set[str] = set()
_running_lock = threading.Lock()


def _close_thread_connections() -> None:
    """A check's thread ends here: its own database and cache connections go with it."""
    for conn in connections.all(initialized_only=True):
        conn.close()
    for alias_cache in caches.all(initialized_only=True):
        alias_cache.close()


def _start(name: str, func: Callable, results: dict) -> threading.Thread | None:
    """Run ``func`` in a daemon thread that stores its outcome in ``results[name]``; None
    when the same check from an earlier request is still running."""
    with _running_lock:
        if name in _running:
            return None
        _running.add(name)

    def run():
        started = time.perf_counter()
        try:
            value = func()
        except Exception as exc:  # any failure is a failed check, never a 500
            logger.warning("health check %s failed", name, exc_info=True)
            outcome = {"ok": False, "error": type(exc).__name__}
        else:
            outcome = {"ok": True, **(value or {})}
        finally:
            try:
                _close_thread_connections()
            finally:
                with _running_lock:
                    _running.discard(name)
        outcome["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = outcome

    thread = threading.Thread(target=run, name=f"healthz-{name}", daemon=True)
    thread.start()
    return thread


def run_all(funcs: dict[str, Callable], deadline: float) -> dict[str, dict]:
    """Every function at once; what is not done by ``deadline`` (a perf_counter time)
    is reported as ``{"ok": False, "error": "timeout"}``."""
    results: dict[str, dict] = {}
    threads = {name: _start(name, func, results) for name, func in funcs.items()}
    for thread in threads.values():
        if thread is not None:
            thread.join(max(deadline - time.perf_counter(), 0))
    # A thread that finishes from now on writes into a dict nobody reads any more.
    answered = dict(results)
    for name in funcs:
        if name not in answered:
            logger.warning("health check %s did not finish in time", name)
            answered[name] = {"ok": False, "error": TIMEOUT}
    return {name: answered[name] for name in funcs}


@never_cache
@require_safe
def healthz(request):
    deadline = time.perf_counter() + settings.HEALTHZ_TIMEOUT_MS / 1000
    everything = run_all({**CHECKS, **REPORTS}, deadline)
    checks = {name: everything[name] for name in CHECKS}
    reports = {name: everything[name] for name in REPORTS}
    failing = [name for name, result in checks.items() if not result["ok"]]
    warnings = [name for name, report in reports.items() if not report["ok"]]
    queue = reports["queue"]
    if queue.get("overdue"):
        warnings.append("queue")
    pledges = reports["pledges"]
    if pledges.get("failed_mails") or pledges.get("pending_logos"):
        warnings.append("pledges")
    body = {
        "status": "fail" if failing else "ok",
        "checks": checks,
        "failing": failing,
        **reports,
        "warnings": sorted(set(warnings)),
    }
    return JsonResponse(body, status=503 if failing else 200)
