"""`/healthz/`: is this app server able to serve? Checks database, cache and media storage.

Answers 200 with JSON when every check passes, 503 naming the failing part otherwise. Never a
stack trace: the exception class is reported, the details go to the log.
"""

import logging
import time
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


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


CHECKS = {"database": check_database, "cache": check_cache, "storage": check_storage}


@never_cache
@require_safe
def healthz(request):
    results = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure is a failed check, never a 500
            logger.warning("health check %s failed", name, exc_info=True)
            healthy = False
            results[name] = {"ok": False, "error": type(exc).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    failing = [name for name, result in results.items() if not result["ok"]]
    body = {
        "status": "ok" if healthy else "fail",
        "checks": results,
        "failing": failing,
    }
    return JsonResponse(body, status=200 if healthy else 503)
