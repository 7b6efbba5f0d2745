"""Behind a proxy: each client is limited on its own, by every process of the site together.

The operator's report: behind a proxy every request came from the proxy's address, and without
Redis each gunicorn worker counted on its own, so once one client met the limit nobody could
pledge. These tests start real gunicorn servers with the production settings and
``PROXY_COUNT=1``, play the proxy (it appends the client's address to ``X-Forwarded-For``; what
the client wrote before it is spoofed), and send 25 pledges from one client and 25 from 25
others: the first client gets exactly ``PLEDGE_FORMS_RATE_LIMIT`` (10) through, every other
client is accepted. Once on SQLite with one server of two workers and no Redis (the counter is
a database row), once with two servers on one PostgreSQL database and one Redis.

Also here: the production settings refuse DEBUG and read ``PROXY_COUNT`` from the environment.
"""

import os
import re
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.core import signing
from django.db import connection

from pledge_forms.forms import STARTED_SALT
from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
from tests.cms.servers import GunicornServer, database_url
from tests.cms.test_scale_out import site_tree  # noqa: F401
from tests.cms.test_settings import production_secret, read_settings, run_python
from tests.pledge_forms.test_public_form import form_post

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET_KEY = "proxy-test-secret-key-" + "p" * 40
LIMIT = 10
LIMITED_CLIENT = "198.51.100.7"


# --- Settings ----------------------------------------------------------------------------


def test_production_settings_refuse_to_start_with_debug_on(tmp_path):
    env = {"SECRET_KEY": production_secret(), "DEBUG": "1"}
    result = run_python(
        "cms.settings.production",
        env,
        "-c",
        "import django; django.setup()",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG must be off with production settings" in result.stderr
    env["DEBUG"] = "0"
    values = read_settings("cms.settings.production", env, ["DEBUG"], tmp_path)
    assert values == {"DEBUG": False}


def test_proxy_count_and_the_rate_store_come_from_the_environment(tmp_path):
    names = ["PROXY_COUNT", "PLEDGE_FORMS_RATE_LIMIT", "PLEDGE_FORMS_RATE_CACHE"]
    values = read_settings("cms.settings.production", {"SECRET_KEY": production_secret()}, names, tmp_path)  # fmt: skip
    assert values == {
        "PROXY_COUNT": 0,  # never trust the header unless told
        "PLEDGE_FORMS_RATE_LIMIT": 10,
        "PLEDGE_FORMS_RATE_CACHE": None,  # counted in the database
    }
    env = {
        "SECRET_KEY": production_secret(),
        "PROXY_COUNT": "2",
        "PLEDGE_FORMS_RATE_LIMIT": "25",
        "REDIS_URL": "redis://cache.internal:6379/0",
    }
    values = read_settings("cms.settings.production", env, names, tmp_path)
    assert values == {
        "PROXY_COUNT": 2,
        "PLEDGE_FORMS_RATE_LIMIT": 25,
        "PLEDGE_FORMS_RATE_CACHE": "default",  # the shared Redis cache
    }
    env["PROXY_COUNT"] = "-1"
    result = run_python(
        "cms.settings.production",
        env,
        "-c",
        "import django; django.setup()",
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "PROXY_COUNT and PLEDGE_FORMS_RATE_LIMIT must be >= 0" in result.stderr


# --- Real servers ------------------------------------------------------------------------


def server_env(tmp_path, **extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "AWS_", "PAGE_CACHE", "PLEDGE_"))
        and key not in {"DEBUG", "PROXY_COUNT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=SECRET_KEY,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1",
        PROXY_COUNT="1",
        PLEDGE_FORMS_RATE_LIMIT=str(LIMIT),
        # Windows start at multiples of their length since 1970: one this long never
        # ends during the test, so no count starts again halfway.
        PLEDGE_FORMS_RATE_WINDOW_SECONDS="1000000000",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


@pytest.fixture
def pledge_page(transactional_db, site_tree):  # noqa: F811
    return PledgeFormPageFactory(parent=site_tree, checklist=make_checklist())


def send_pledges(servers, page):
    """25 pledges from one client (each with another spoofed entry in front of the one
    the proxy appended) and then one pledge each from 25 other clients (some claiming to
    be the first client). Answers: (the first client's statuses, the others' statuses)."""
    form = requests.get(servers[0].url + "/pledge/", timeout=30)
    assert form.status_code == 200, form.text[:500]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

    def post(number, forwarded_for):
        server = servers[number % len(servers)]
        # A form of its own (a start token is good for one pledge), shown a minute ago and
        # signed with the servers' key: past the form's speed check.
        shown = time.time() - 60 - number / 1000
        data = form_post(
            page,
            legal_name=f"Agency {number} Police Department",
            started=signing.dumps(shown, key=SECRET_KEY, salt=STARTED_SALT),
            csrfmiddlewaretoken=csrf,
        )
        response = requests.post(
            server.url + "/pledge/",
            data=data,
            cookies=form.cookies,
            headers={"Origin": server.url, "X-Forwarded-For": forwarded_for},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code in {302, 429}, response.text[:1000]
        return response.status_code

    # Sent five at a time, so that several workers count the same client together.
    with ThreadPoolExecutor(5) as pool:
        one_client = list(
            pool.map(
                post,
                range(25),
                [f"203.0.113.{n}, {LIMITED_CLIENT}" for n in range(25)],
            )
        )
        others = list(
            pool.map(
                post,
                range(100, 125),
                [
                    f"{LIMITED_CLIENT}, 192.0.2.{n}" if n % 2 else f"192.0.2.{n}"
                    for n in range(25)
                ],
            )
        )
    return one_client, others


@pytest.fixture
def on_sqlite():
    """Before any data is made: the PostgreSQL run of the suite skips the SQLite case."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run covers the embedded stack")


def test_without_redis_two_workers_share_the_limit_of_each_client(
    on_sqlite, pledge_page, tmp_path
):
    # The servers get a file copy of the (in-memory, migrated) test database.
    database = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(database)
    connection.connection.backup(copy)
    copy.close()
    server = GunicornServer(
        "sqlite", server_env(tmp_path, DATABASE_URL=f"sqlite:///{database}"), workers=2
    )
    try:
        server.wait_healthy()
        one_client, others = send_pledges([server], pledge_page)
        workers = server.workers_that_answered("/pledge/")
    finally:
        server.stop()

    assert one_client.count(302) == LIMIT, one_client
    assert one_client.count(429) == 25 - LIMIT
    assert others == [302] * 25
    assert len(workers) == 2, "both workers took pledges"
    with sqlite3.connect(database) as db:
        counts = [
            row[0]
            for row in db.execute(
                "SELECT count FROM pledge_forms_ratecounter "
                "WHERE key LIKE 'pledge_forms:rate:%' ORDER BY count"
            )
        ]
        # Each accepted post claimed its start token in the same table (single use,
        # whichever worker sees a replay).
        claims = db.execute(
            "SELECT COUNT(*) FROM pledge_forms_ratecounter "
            "WHERE key LIKE 'pledge_forms:started:%'"
        ).fetchone()[0]
        pledges = db.execute("SELECT COUNT(*) FROM pledge_forms_pledge").fetchone()[0]
    assert counts == [1] * 25 + [25]  # one row per client, every post counted once
    assert pledges == LIMIT + 25
    assert claims == LIMIT + 25


@pytest.fixture
def redis_prefix():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but Redis at {REDIS_URL} is down: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    prefix = f"tbc-proxy-{uuid.uuid4().hex[:10]}"
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.mark.postgres
def test_two_servers_on_postgresql_and_redis_share_the_limit_of_each_client(
    pledge_page, redis_prefix, tmp_path
):
    from pledge_forms.models import Pledge, RateCounter

    redis_client, prefix = redis_prefix
    env = server_env(
        tmp_path,
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=prefix,
    )
    servers = [GunicornServer("A", env, workers=1), GunicornServer("B", env, workers=1)]
    try:
        for server in servers:
            server.wait_healthy()
        one_client, others = send_pledges(servers, pledge_page)
    finally:
        for server in servers:
            server.stop()

    assert one_client.count(302) == LIMIT, one_client  # not LIMIT per server
    assert one_client.count(429) == 25 - LIMIT
    assert others == [302] * 25
    assert Pledge.objects.count() == LIMIT + 25
    counters = list(redis_client.scan_iter(match=f"{prefix}*pledge_forms:rate:*"))
    assert len(counters) == 26  # in Redis, one key per client
    assert sorted(int(redis_client.get(key)) for key in counters) == [1] * 25 + [25]
    assert not RateCounter.objects.exists()
