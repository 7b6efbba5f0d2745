"""No outage of S3, SMTP or the database loses a pledge or holds a request for long.

S3 is moto's standalone server, then the same storage pointed at a closed port (connection
refused) or at a socket that accepts and never answers (a hung endpoint); SMTP is a real
server on loopback (aiosmtpd), then such a hung socket. Requests go through the test client,
background tasks through the database backend and an in-process worker.
"""

import io
import json
import re
import socket
import threading
import time

import pytest
from botocore.config import Config
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.utils import OperationalError
from django_tasks_db.models import DBTaskResult
from wagtail.models import Site

from pledge_forms import services, tasks
from pledge_forms.choices import MailStatus
from pledge_forms.models import OutgoingMail, PendingLogo, Pledge, PledgeSubmission
from pledge_forms.services import logo_storage
from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
from tests.pledge_forms.test_logos import image_bytes
from tests.pledge_forms.test_public_form import form_post
from tests.pledge_forms.test_smtp import start_sink
from tests.pledge_forms.workers import run_worker_once

# Short client timeouts for the tests (production: 3 s, 5 s, 2 attempts).
S3_CONNECT_TIMEOUT = 2
S3_READ_TIMEOUT = 3
S3_WAIT = S3_CONNECT_TIMEOUT + S3_READ_TIMEOUT  # the longest one S3 call may wait
HEALTH_DEADLINE = 3.0


class HangingServer:
    """A TCP server that accepts every connection and never sends a byte: a hung S3 or
    SMTP endpoint (the client connects at once, then waits for an answer)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _address = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        self._stop.set()
        self._thread.join()
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def closed_port() -> int:
    """A port nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def hanging_server():
    server = HangingServer()
    yield server
    server.close()


@pytest.fixture
def form_page(db):
    root = Site.objects.get(is_default_site=True).root_page
    return PledgeFormPageFactory(parent=root, checklist=make_checklist())


@pytest.fixture(autouse=True)
def _fresh(settings):
    from django.core.cache import cache

    cache.clear()
    logo_storage.reset_backoff()
    settings.PLEDGE_FORMS_RATE_LIMIT = 100
    yield
    logo_storage.reset_backoff()


def point_s3_at(settings, endpoint: str) -> None:
    """Media storage (already on moto's bucket) now talks to ``endpoint``, with the
    timeouts the settings give botocore."""
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.AWS_S3_CLIENT_CONFIG = Config(
        s3={"addressing_style": "path"},
        signature_version="s3v4",
        connect_timeout=S3_CONNECT_TIMEOUT,
        read_timeout=S3_READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": 1},
    )
    # Re-assigning STORAGES drops the storage objects built with the old endpoint.
    settings.STORAGES = {**settings.STORAGES}


def logo_upload(number: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"logo-{number}.png", image_bytes(), content_type="image/png"
    )


def agency(form_page, number: int) -> dict:
    return form_post(
        form_page,
        legal_name=f"Outage Test Police Department {number}",
        chief_email=f"chief{number}@agency{number}.example",
    )


def wait_for_health_checks(seconds: float = S3_WAIT + 2) -> None:
    from cms import health

    give_up = time.monotonic() + seconds
    while health._running and time.monotonic() < give_up:
        time.sleep(0.05)
    assert not health._running, health._running


def timed(func, *args, **kwargs):
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


@pytest.mark.parametrize("outage", ["refused", "hanging"])
def test_ten_pledges_with_logos_are_stored_while_s3_is_down_and_get_their_logos_back(
    outage, transactional_db, client, s3_storage, settings, hanging_server
):
    moto_endpoint = settings.AWS_S3_ENDPOINT_URL
    root = Site.objects.get(is_default_site=True).root_page
    form_page = PledgeFormPageFactory(parent=root, checklist=make_checklist())
    port = closed_port() if outage == "refused" else hanging_server.port
    point_s3_at(settings, f"http://127.0.0.1:{port}")

    seconds = []
    for number in range(10):
        data = {**agency(form_page, number), "logo": logo_upload(number)}
        response, elapsed = timed(client.post, "/pledge/", data)
        assert response.status_code == 302, response.content.decode()[-2000:]
        seconds.append(elapsed)

    assert Pledge.objects.count() == 10
    assert PledgeSubmission.objects.filter(pledge__isnull=False).count() == 10
    assert PendingLogo.objects.count() == 10
    assert not Pledge.objects.exclude(logo="").exists()
    # No post waits longer than one bounded S3 call (far from a 30 s worker timeout);
    # after the first failure the others do not wait for S3 at all.
    assert max(seconds) < S3_WAIT + 5, seconds
    assert sorted(seconds)[-2] < S3_READ_TIMEOUT, seconds
    if outage == "hanging":
        assert max(seconds) >= S3_READ_TIMEOUT * 0.9  # the first one met the hang

    response, elapsed = timed(client.get, "/healthz/")
    assert elapsed < HEALTH_DEADLINE, elapsed
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["storage"]
    expected = "timeout" if outage == "hanging" else "EndpointConnectionError"
    assert body["checks"]["storage"]["error"] == expected
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert body["pledges"]["pending_logos"] == 10
    assert "pledges" in body["warnings"]

    # S3 is back: the retry puts every logo into the bucket and onto its pledge.
    point_s3_at(settings, moto_endpoint)
    call_command("retry_pledge_logos", "--now", stdout=io.StringIO())
    assert not PendingLogo.objects.exists()
    for pledge in Pledge.objects.all():
        assert pledge.logo.name.startswith("pledge-logos/"), pledge
        assert default_storage.exists(pledge.logo.name)
        assert pledge.get_latest_revision_as_object().logo.name == pledge.logo.name
    # The health check that met the hang may still be waiting for its read timeout; until
    # it ends, /healthz/ reports storage as timed out rather than start a second one.
    wait_for_health_checks()
    response = client.get("/healthz/")
    assert response.status_code == 200, response.content


def test_a_kept_logo_is_retried_by_the_worker_until_s3_is_back(
    client,
    form_page,
    s3_storage,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    moto_endpoint = settings.AWS_S3_ENDPOINT_URL
    point_s3_at(settings, f"http://127.0.0.1:{closed_port()}")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/pledge/", {**agency(form_page, 1), "logo": logo_upload()}
        )
    assert response.status_code == 302
    pending = PendingLogo.objects.get()
    # The retry waits in the task queue, deferred by the first backoff.
    retry = DBTaskResult.objects.get(task_path="pledge_forms.tasks.store_pending_logo")
    assert retry.args_kwargs["args"] == [pending.pk]
    assert retry.run_after == pending.next_attempt_at

    # Its time comes while S3 is still down: tried again later, with a longer wait.
    PendingLogo.objects.update(next_attempt_at=None)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=retry.enqueued_at)
    with django_capture_on_commit_callbacks(execute=True):
        run_worker_once(monkeypatch)
    pending.refresh_from_db()
    assert pending.attempts == 1 and "EndpointConnectionError" in pending.last_error
    assert (
        DBTaskResult.objects.filter(
            task_path="pledge_forms.tasks.store_pending_logo", status="READY"
        )
        .get()
        .run_after
        == pending.next_attempt_at
    )

    # S3 is back: the next run stores it on the pledge.
    point_s3_at(settings, moto_endpoint)
    PendingLogo.objects.update(next_attempt_at=None)
    DBTaskResult.objects.filter(status="READY").update(run_after=retry.enqueued_at)
    run_worker_once(monkeypatch)
    pledge = Pledge.objects.get()
    assert not PendingLogo.objects.exists()
    assert s3_storage.exists(pledge.logo.name)


def test_a_logo_sent_with_an_update_while_s3_is_down_reaches_the_draft_later(
    client, form_page, s3_storage, settings
):
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    token = services.make_update_token(pledge)
    moto_endpoint = settings.AWS_S3_ENDPOINT_URL
    point_s3_at(settings, f"http://127.0.0.1:{closed_port()}")
    response = client.post(
        f"/pledge/update/{token}/", {**form_post(form_page), "logo": logo_upload()}
    )
    assert response.status_code == 200
    assert PendingLogo.objects.get().for_update

    point_s3_at(settings, moto_endpoint)
    PendingLogo.objects.update(next_attempt_at=None)
    assert tasks.store_logo(PendingLogo.objects.get().pk) == tasks.Outcome.DONE
    live = Pledge.objects.get()
    assert not live.logo  # published only when a reviewer approves the draft
    draft = live.get_latest_revision_as_object()
    assert s3_storage.exists(draft.logo.name)


def test_a_kept_logo_never_replaces_a_newer_one(client, form_page):
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    token = services.make_update_token(pledge)
    from pledge_forms.logos import process_logo

    kept = logo_storage.keep(
        pledge,
        process_logo(logo_upload(1)),
        submission=None,
        for_update=True,
        replaces=pledge.get_latest_revision_as_object().logo.name or "",
    )
    # A later update arrives with a logo media storage takes at once.
    response = client.post(
        f"/pledge/update/{token}/", {**form_post(form_page), "logo": logo_upload(2)}
    )
    assert response.status_code == 200
    newer = Pledge.objects.get().get_latest_revision_as_object().logo.name
    assert "logo-2" in newer
    PendingLogo.objects.update(next_attempt_at=None)
    assert tasks.store_logo(kept.pk) == tasks.Outcome.SKIPPED
    assert not PendingLogo.objects.exists()
    assert Pledge.objects.get().get_latest_revision_as_object().logo.name == newer


def test_a_pledge_the_database_cannot_store_is_not_counted_by_the_rate_limit(
    client, form_page, settings, monkeypatch
):
    settings.PLEDGE_FORMS_RATE_LIMIT = 2

    def failing_submit(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    with monkeypatch.context() as patch:
        patch.setattr(services, "submit", failing_submit)
        for _ in range(3):
            response = client.post("/pledge/", agency(form_page, 1))
            assert response.status_code == 503
            html = response.content.decode()
            assert "could not be stored just now" in html
            assert 'value="Outage Test Police Department 1"' in html
            assert "statement timeout" not in html
    assert not Pledge.objects.exists()
    response = client.post("/pledge/", agency(form_page, 1))
    assert response.status_code == 302  # three failures did not use up the limit of 2
    assert Pledge.objects.count() == 1


def test_no_request_waits_for_a_hanging_smtp_server_and_the_worker_delivers_later(
    client,
    form_page,
    settings,
    hanging_server,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Pledge post, confirmation link and approval only store and enqueue their mail:
    with SMTP hung they take no longer than with SMTP up, and the worker sends it."""
    from tests.pledge_forms.test_smtp import free_port

    def in_request(func, *args):
        """``func`` and what it leaves for after its commit: a real request runs both
        (the test's transaction is never committed, so the callbacks are run here)."""
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args)

    def post(client, data):
        return in_request(client.post, "/pledge/", data)

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 8  # a request that sent mail would wait this long
    up_port = free_port()
    controller, sink = start_sink(up_port)
    try:
        settings.EMAIL_PORT = up_port
        post(client, agency(form_page, 0))  # warm-up
        response, with_smtp_up = timed(post, client, agency(form_page, 1))
        assert response.status_code == 302

        settings.EMAIL_PORT = hanging_server.port
        response, with_smtp_hung = timed(post, client, agency(form_page, 2))
        assert response.status_code == 302
        # A request that talked to the hung server would wait EMAIL_TIMEOUT (8 s).
        assert with_smtp_hung < 3 * with_smtp_up + 2, (with_smtp_hung, with_smtp_up)

        pledge = Pledge.objects.get(chief_email="chief2@agency2.example")
        confirmation = OutgoingMail.objects.get(pledge=pledge, purpose="confirmation")
        link = re.search(r"https?://[^/\s]+(/\S+/verify/\S+/)", confirmation.body_text)
        response, verifying = timed(in_request, client.post, link.group(1))
        assert response.status_code == 200
        pledge.refresh_from_db()
        _approved, approving = timed(in_request, services.approve, pledge)
        assert verifying < settings.EMAIL_TIMEOUT / 2
        assert approving < settings.EMAIL_TIMEOUT / 2
        # Nothing talked to SMTP in a request: every message waits for the worker.
        assert OutgoingMail.objects.exclude(attempts=0).count() == 0
        purposes = set(OutgoingMail.objects.values_list("purpose", flat=True))
        assert {"confirmation", "reviewer", "approved"} <= purposes, purposes

        # The worker meets the hung server: each attempt times out and is retried later.
        settings.EMAIL_TIMEOUT = 1
        before = len(sink.messages)
        with django_capture_on_commit_callbacks(execute=True):
            run_worker_once(monkeypatch)
        assert len(sink.messages) == before
        waiting = OutgoingMail.objects.filter(
            pledge=pledge, status=MailStatus.PENDING, attempts=1
        )
        assert waiting.count() == OutgoingMail.objects.filter(pledge=pledge).count()
        assert all("timed out" in mail.last_error for mail in waiting)

        # SMTP is up again: the retries deliver every message.
        settings.EMAIL_PORT = up_port
        OutgoingMail.objects.update(next_attempt_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.enqueue_due()
            run_worker_once(monkeypatch)
        assert not OutgoingMail.objects.exclude(status=MailStatus.SENT).exists()
        delivered = {str(message["To"]) for message in sink.messages}
        assert "chief2@agency2.example" in delivered
    finally:
        controller.stop()


def test_settings_give_s3_and_postgresql_timeouts_from_the_environment(tmp_path):
    from tests.cms.test_settings import production_secret, run_python

    script = (
        "import json; from django.conf import settings; "
        "c = settings.AWS_S3_CLIENT_CONFIG; o = settings.DATABASES['default']['OPTIONS']; "
        "print(json.dumps({'connect': c.connect_timeout, 'read': c.read_timeout, "
        "'retries': c.retries, 's3': c.s3, 'sig': c.signature_version, "
        "'pg': o, 'health': settings.HEALTHZ_TIMEOUT_MS}))"
    )
    env = {
        "SECRET_KEY": production_secret(),
        "DATABASE_URL": "postgres://campaign@db.internal/campaign",
        "AWS_STORAGE_BUCKET_NAME": "campaign-media",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    result = run_python("cms.settings.production", env, "-c", script, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    defaults = json.loads(result.stdout)
    assert (defaults["connect"], defaults["read"]) == (3, 5)
    assert defaults["retries"] == {"mode": "standard", "total_max_attempts": 2}
    assert defaults["s3"] == {"addressing_style": "path"}
    assert defaults["sig"] == "s3v4"
    assert defaults["pg"]["connect_timeout"] == 5
    assert defaults["pg"]["options"] == "-c statement_timeout=30000"
    assert defaults["health"] == 2500

    env.update(
        AWS_S3_CONNECT_TIMEOUT="1",
        AWS_S3_READ_TIMEOUT="20",
        AWS_S3_MAX_ATTEMPTS="4",
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT="0",
        HEALTHZ_TIMEOUT_MS="1500",
    )
    result = run_python("cms.settings.production", env, "-c", script, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)
    assert (chosen["connect"], chosen["read"]) == (1, 20)
    assert chosen["retries"]["total_max_attempts"] == 4
    assert chosen["pg"] == {"connect_timeout": 2}
    assert chosen["health"] == 1500


@pytest.mark.postgres
def test_postgresql_enforces_the_statement_timeout(transactional_db):
    """A statement running past the timeout is cancelled (DATABASE_STATEMENT_TIMEOUT)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 200")
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(2)")
        cursor.execute("RESET statement_timeout")
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def redis_settings(location: str) -> dict:
    """The production cache settings (cms/settings/base.py) on ``location``."""
    return {
        "BACKEND": "cms.cache.FailOpenRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": f"tbc-outages-{time.monotonic_ns()}",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def test_a_hanging_redis_fails_the_cache_check_within_the_deadline(
    db, client, settings, hanging_server
):
    settings.CACHES = {
        **settings.CACHES,
        "default": redis_settings(f"redis://127.0.0.1:{hanging_server.port}/14"),
    }
    response, elapsed = timed(client.get, "/healthz/")
    assert elapsed < HEALTH_DEADLINE, elapsed
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    wait_for_health_checks()


def test_the_cache_check_passes_on_a_real_redis(db, client, settings):
    import os

    import redis

    location = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but Redis at {location} is unreachable")
        pytest.skip(f"Redis at {location} is unreachable: {exc}")
    settings.CACHES = {**settings.CACHES, "default": redis_settings(location)}
    response = client.get("/healthz/")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["cache"]["ok"]


def test_erasing_a_pledge_erases_its_logo_waiting_for_s3_too(client, form_page):
    from pledge_forms.logos import process_logo
    from pledge_forms.services import privacy
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page)
    kept = logo_storage.keep(
        pledge, process_logo(logo_upload()), submission=None, for_update=False
    )
    privacy.erase(pledge, privacy.ErasureReason.choices[0][0])
    assert not PendingLogo.objects.exists()
    assert tasks.store_logo(kept.pk) == tasks.Outcome.MISSING
    # One kept in a race with the erasure is dropped by the worker, never stored.
    late = PendingLogo.objects.create(pledge=pledge, name="late.png", content=b"png")
    assert tasks.store_logo(late.pk) == tasks.Outcome.SKIPPED
    assert not PendingLogo.objects.exists()
    assert not Pledge.objects.get().get_latest_revision_as_object().logo
