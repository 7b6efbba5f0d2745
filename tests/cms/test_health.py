"""`/healthz/` tells a load balancer whether this app server can serve."""

from unittest import mock

import pytest
from django.db.utils import OperationalError
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_healthy_server_answers_200_with_every_check(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_database_answers_503_naming_it(client):
    def refused():
        raise OperationalError("connection refused")

    # The checks run in their own threads, with their own connections: replaced here.
    with mock.patch.dict("cms.health.CHECKS", database=refused):
        response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert "connection refused" not in response.content.decode()


def test_failing_storage_answers_503_naming_it(client):
    with mock.patch(
        "cms.health.default_storage.save", side_effect=OSError("disk full")
    ):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


def test_failing_cache_answers_503_naming_it(client):
    from django.core.cache.backends.locmem import LocMemCache

    with mock.patch.object(LocMemCache, "get", return_value=None):
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_storage_check_runs_against_s3(client, s3_storage):
    response = client.get("/healthz/")
    assert response.status_code == 200, response.content
    assert s3_storage.listdir("healthz")[1] == []


def test_post_is_refused_without_an_error_page(client):
    assert client.post("/healthz/").status_code == 405


def test_a_check_that_hangs_is_reported_as_a_timeout_within_the_deadline(
    client, settings
):
    """Whatever hangs, the answer comes by the deadline; a check still running from an
    earlier request is not started a second time beside it."""
    import threading
    import time

    from cms import health

    settings.HEALTHZ_TIMEOUT_MS = 500
    release = threading.Event()
    calls = []

    def hanging():
        calls.append(1)
        release.wait(10)

    try:
        with mock.patch.dict("cms.health.CHECKS", cache=hanging):
            started = time.perf_counter()
            first = client.get("/healthz/")
            first_seconds = time.perf_counter() - started
            started = time.perf_counter()
            second = client.get("/healthz/")
            second_seconds = time.perf_counter() - started
    finally:
        release.set()
    assert first_seconds < 0.5 + 1.0
    assert first.status_code == second.status_code == 503
    for response in (first, second):
        body = response.json()
        assert body["failing"] == ["cache"]
        assert body["checks"]["cache"] == {"ok": False, "error": "timeout"}
        assert body["checks"]["database"]["ok"] and body["checks"]["storage"]["ok"]
    assert calls == [1]  # the second request did not start another one
    assert second_seconds < first_seconds + 0.5

    deadline = time.monotonic() + 5
    while health._running and time.monotonic() < deadline:
        time.sleep(0.02)
    assert client.get("/healthz/").status_code == 200


def test_the_task_queue_backlog_is_counted(settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from cms.health import queue_backlog
    from pledge_forms import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTHZ_QUEUE_OVERDUE_SECONDS = 300
    now = timezone.now()
    assert queue_backlog() == {
        "ready": 0,
        "overdue": 0,
        "oldest_seconds": None,
        "running": 0,
    }
    fresh = tasks.deliver_mail.enqueue(1)
    waited = tasks.deliver_mail.enqueue(2)
    DBTaskResult.objects.filter(pk=waited.id).update(
        enqueued_at=now - timedelta(minutes=10)
    )
    tasks.deliver_mail.using(run_after=now + timedelta(hours=1)).enqueue(3)  # not due
    due_long_ago = tasks.deliver_mail.using(
        run_after=now - timedelta(minutes=20)
    ).enqueue(4)
    running = tasks.deliver_mail.enqueue(5)
    DBTaskResult.objects.filter(pk=running.id).update(status="RUNNING")
    backlog = queue_backlog()
    assert backlog["ready"] == 3  # fresh, waited, due_long_ago
    assert backlog["overdue"] == 2
    assert 1200 <= backlog["oldest_seconds"] < 1260
    assert backlog["running"] == 1
    assert fresh.id and due_long_ago.id


def test_undelivered_pledge_mail_and_logos_are_counted_by_the_plugin(db):
    from pledge_forms.choices import MailStatus
    from pledge_forms.models import OutgoingMail, PendingLogo
    from pledge_forms.services import outstanding
    from pledge_forms.testing.factories import (
        PledgeFormPageFactory,
        make_checklist,
        submitted_pledge,
    )

    assert outstanding()["failed_mails"] == 0
    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, checklist=make_checklist())
    pledge = submitted_pledge(page)
    OutgoingMail.objects.update(status=MailStatus.FAILED)
    failed = OutgoingMail.objects.count()
    OutgoingMail.objects.create(to=["a@example.org"], subject="s", body_text="b")
    PendingLogo.objects.create(pledge=pledge, name="logo.png", content=b"png")
    counts = outstanding()
    assert counts["failed_mails"] == failed >= 1
    assert counts["waiting_mails"] == 1
    assert counts["pending_logos"] == 1
    assert counts["oldest_pending_logo_seconds"] < 60


def test_the_health_answer_reports_the_backlog_without_failing(client):
    body = client.get("/healthz/").json()
    assert set(body["queue"]) >= {"ok", "ready", "overdue", "oldest_seconds"}
    assert set(body["pledges"]) >= {"ok", "failed_mails", "pending_logos"}
    assert body["status"] == "ok"
