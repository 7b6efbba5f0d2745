"""Real gunicorn servers for the tests that need several processes (scale-out, proxy, media).

Each server runs ``cms.wsgi`` with the environment it is given, in a session of its own (so
``stop()`` ends its workers too), logs to a temporary file shown when it does not become
healthy, and writes an access log whose lines name the worker process of each request.
With the production settings it serves static files collected as ``make serve`` collects
them (hashed, precompressed), once per test process.
"""

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database as a DATABASE_URL, for servers that share it (PostgreSQL)."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


_COLLECTED: dict[str, str] = {}


def collected_static(env) -> str:
    """A STATIC_ROOT filled by ``collectstatic`` with the settings of ``env``; made once
    per settings module and test process (it takes a few seconds), removed at exit."""
    module = env.get("DJANGO_SETTINGS_MODULE", "")
    if module not in _COLLECTED:
        root = tempfile.mkdtemp(prefix="tbc-static-")
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**env, "STATIC_ROOT": root},
            check=True,
            capture_output=True,
        )
        _COLLECTED[module] = root
    return _COLLECTED[module]


class GunicornServer:
    def __init__(self, name, env, workers=1):
        if env.get("DJANGO_SETTINGS_MODULE") == "cms.settings.production":
            env = {**env, "STATIC_ROOT": collected_static(env)}
        self.name = name
        self.url = f"http://127.0.0.1:{free_port()}"
        self.logs = Path(tempfile.mkdtemp(prefix=f"gunicorn-{name}-"))
        self.access_log = self.logs / "access.log"
        self.log = (self.logs / "server.log").open("w+b")  # closed in stop()
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        self.process = subprocess.Popen(
            [
                gunicorn,
                "cms.wsgi:application",
                "--bind",
                self.url.removeprefix("http://"),
                "--workers",
                str(workers),
                "--no-control-socket",
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.session = requests.Session()

    def wait_healthy(self):
        deadline = time.monotonic() + 120  # a busy machine starts slowly
        last = None
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                last = requests.get(self.url + "/healthz/", timeout=15)
                if last.status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.3)
        self.log.seek(0)
        pytest.fail(
            f"server {self.name} not healthy ({last and last.text}):\n"
            + self.log.read().decode()[-3000:]
        )

    def get(self, path, **kwargs):
        return self.session.get(
            self.url + path, allow_redirects=False, timeout=20, **kwargs
        )

    def post_form(self, path, data, files=None):
        """GET the form for its CSRF token, then POST it as a browser would."""
        form = self.get(path)
        assert form.status_code == 200, form.text[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, "no CSRF token on " + path
        return self.session.post(
            self.url + path,
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            files=files,
            headers={"Origin": self.url, "Referer": self.url + path},
            allow_redirects=False,
            timeout=20,
        )

    def workers_that_answered(self, path):
        """The worker processes that answered a POST to ``path``."""
        lines = self.access_log.read_text().splitlines()
        return {line.split()[0] for line in lines if f"POST {path} " in line}

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.logs, ignore_errors=True)
