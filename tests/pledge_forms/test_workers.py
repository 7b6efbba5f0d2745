"""Real ``manage.py db_worker`` processes deliver the pledge e-mails through a real SMTP server.

The test process stores messages (and their task rows, database backend) and commits; worker
processes started with ``worker_settings.py`` claim the tasks and talk to an aiosmtpd sink on
loopback. On SQLite the test database lives in memory, out of other processes' reach, so the
test copies it to a file and works on that copy for its duration.
"""

import asyncio
import email
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connections
from django_tasks_db.models import DBTaskResult

from pledge_forms import emails, services
from pledge_forms.models import OutgoingMail
from pledge_forms.testing.factories import pledge_data

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sink:
    """An SMTP server that keeps what it accepts; it can hold its answer to the first
    message's data until released (``stall_first``), as a slow server would."""

    def __init__(self, stall_first: bool = False):
        self.messages: list[email.message.EmailMessage] = []
        self.stall_first = stall_first
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.stalled_subject = ""
        self.abandoned: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        if self.stall_first and not self.stalled.is_set():
            self.stalled_subject = str(message["Subject"])
            self.stalled.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                # The client went away before the answer: the message was never accepted.
                self.abandoned.append(self.stalled_subject)
                raise
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return sorted(str(message["Subject"]) for message in self.messages)


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A ``DATABASE_URL`` under which worker processes see this test's committed rows."""
    connection = connections["default"]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        yield f"postgres://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"
        return
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    on_file = connection.__class__({**db, "NAME": str(path)}, "default")
    connections["default"] = on_file
    try:
        yield f"sqlite:///{path}"
    finally:
        on_file.close()
        connections["default"] = connection


@pytest.fixture
def database_tasks(settings):
    """This process enqueues task rows instead of running the tasks."""
    settings.TASKS = DATABASE_TASKS
    return settings


class Workers:
    def __init__(self, database_url: str, smtp_port: int, logs: Path, **env: str):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.pledge_forms.worker_settings",
            "WORKER_BASE_SETTINGS": os.environ["DJANGO_SETTINGS_MODULE"],
            "DATABASE_URL": database_url,
            "WORKER_SMTP_PORT": str(smtp_port),
            **env,
        }
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, worker_id: str) -> subprocess.Popen:
        log = (self.logs / f"{worker_id}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "--worker-id",
                worker_id,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes[worker_id] = process
        return process

    def output(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()}"
            for path in sorted(self.logs.glob("*.log"))
        )

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(shared_database, database_tasks, tmp_path):
    started = []

    def start(smtp_port: int, **env: str) -> Workers:
        pool = Workers(shared_database, smtp_port, tmp_path, **env)
        started.append(pool)
        return pool

    yield start
    for pool in started:
        pool.stop()


def wait_for(condition, timeout: float, what: str, pool: Workers | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    detail = pool.output() if pool else ""
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{detail}")


def start_smtp(sink: Sink, port: int) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def statuses() -> list[str]:
    return list(OutgoingMail.objects.order_by("pk").values_list("status", flat=True))


def test_a_worker_process_delivers_the_confirmation_e_mail_through_smtp(
    workers, form_page
):
    port = free_port()
    sink = Sink()
    controller = start_smtp(sink, port)
    pool = workers(port)
    try:
        data = pledge_data(form_page.checklist)
        services.submit(form_page, data)  # commits: this test is transactional
        message = OutgoingMail.objects.get()
        assert message.status == "pending"  # the request part sent nothing
        pool.start("worker-1")
        wait_for(lambda: statuses() == ["sent"], 30, "the e-mail to be sent", pool)
    finally:
        controller.stop()
    assert len(sink.messages) == 1
    assert sink.messages[0]["To"] == data["chief_email"]
    body = sink.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "/verify/" in body
    message.refresh_from_db()
    assert message.attempts == 1 and message.sent_at is not None
    delivery = DBTaskResult.objects.get(
        task_path="pledge_forms.tasks.deliver_mail", status="SUCCESSFUL"
    )
    assert delivery.worker_ids == ["worker-1"]
    assert delivery.return_value == "sent"


def test_a_worker_retries_by_itself_once_the_smtp_server_is_back(workers, form_page):
    port = free_port()
    pool = workers(port, WORKER_RETRY_SECONDS="1")
    pool.start("worker-1")
    services.submit(form_page, pledge_data(form_page.checklist))
    # No server on the port yet: connection refused, a temporary failure.
    wait_for(
        lambda: OutgoingMail.objects.filter(attempts__gte=1, status="pending").exists(),
        30,
        "a first, failed attempt",
        pool,
    )
    assert "ConnectionRefusedError" in OutgoingMail.objects.get().last_error
    sink = Sink()
    controller = start_smtp(sink, port)
    try:
        wait_for(lambda: statuses() == ["sent"], 30, "the retry to deliver it", pool)
    finally:
        controller.stop()
    assert len(sink.messages) == 1
    assert OutgoingMail.objects.get().attempts >= 2


@pytest.mark.postgres
def test_a_worker_killed_mid_delivery_loses_no_message_and_none_is_sent_twice(
    workers, form_page
):
    port = free_port()
    sink = Sink(stall_first=True)
    controller = start_smtp(sink, port)
    pool = workers(port, WORKER_LEASE_SECONDS="3")
    try:
        pool.start("worker-a")
        pool.start("worker-b")
        subjects = [f"Message {number}" for number in range(6)]
        for subject in subjects:
            emails.queue(["chief@example.org"], subject, "Body")
        wait_for(sink.stalled.is_set, 30, "a delivery to reach the server", pool)
        stalled = OutgoingMail.objects.get(subject=sink.stalled_subject)
        assert stalled.status == "sending"
        running = DBTaskResult.objects.get(
            status="RUNNING", args_kwargs={"args": [stalled.pk], "kwargs": {}}
        )
        (victim,) = running.worker_ids
        pool.processes[victim].send_signal(signal.SIGKILL)
        pool.processes[victim].wait(timeout=10)
        wait_for(lambda: sink.abandoned, 10, "the server to see the client gone")
        sink.release.set()

        wait_for(
            lambda: statuses() == ["sent"] * len(subjects),
            60,
            "every message to be sent",
            pool,
        )
    finally:
        controller.stop()

    assert sink.subjects() == subjects  # each one exactly once
    stalled.refresh_from_db()
    assert stalled.attempts == 2  # the dead worker's attempt, then the take-over
    survivor = "worker-b" if victim == "worker-a" else "worker-a"
    finished = DBTaskResult.objects.filter(
        args_kwargs={"args": [stalled.pk], "kwargs": {}}, return_value="sent"
    ).get()
    assert finished.worker_ids == [survivor]
    # What django-tasks-db does with the dead worker's task: nothing, it stays RUNNING.
    running.refresh_from_db()
    assert running.status == "RUNNING"
