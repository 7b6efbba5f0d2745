"""Two app servers side by side on one PostgreSQL, one Redis and one S3 bucket.

Starts two gunicorn processes with the production settings on different ports, sharing the test
database, a Redis key prefix of their own and a bucket on moto's S3 server, and shows that nothing
one of them needs is kept inside the other: published pages, sessions and uploaded files.
"""

import os
import uuid

import pytest
import requests
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.cms.servers import GunicornServer, database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET_KEY = "scale-out-test-secret-key-" + "k" * 40
PASSWORD = "scale-out-pass-1234"


@pytest.fixture
def redis_prefix(settings):
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(
                f"REQUIRE_SERVICES=1 but Redis at {REDIS_URL} is unreachable: {exc}"
            )
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    prefix = f"tbc-scale-{uuid.uuid4().hex[:10]}"
    # This test process is a third app server: its changes go through the same shared cache.
    shared = {
        "BACKEND": "cms.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {
        "default": shared,
        "page_cache": {**shared, "KEY_PREFIX": f"{prefix}:pages"},
    }
    settings.PAGE_CACHE_SECONDS = 300
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.fixture
def bucket(moto_server, monkeypatch):
    import boto3

    name = f"tbc-scale-{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1").create_bucket(
        Bucket=name
    )
    return name


@pytest.fixture
def site_tree():
    """A root, a home page and a default site (a transactional test starts from empty tables)."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = Page.objects.filter(depth=2).first()
    if home is None:
        home = root.add_child(instance=Page(title="Home", slug="home"))
    home.title = "Campaign home"
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(
        hostname="127.0.0.1", port=80, root_page=home, is_default_site=True
    )
    return home


class Server(GunicornServer):
    def sign_in(self, device):
        """Password, then the second factor (production requires it of staff)."""
        login = self.post_form(
            "/admin/login/", {"username": "scale-editor", "password": PASSWORD}
        )
        assert login.status_code == 302, login.text[:500]
        code = totp(device.bin_key, device.step, device.t0, device.digits)
        verified = self.post_form(
            "/admin/two-factor/", {"token": f"{code:0{device.digits}d}"}
        )
        assert verified.status_code == 302, verified.text[:500]
        return verified


@pytest.fixture
def servers(transactional_db, site_tree, redis_prefix, bucket, moto_server, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "AWS_", "PAGE_CACHE"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=SECRET_KEY,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=redis_prefix,
        PAGE_CACHE_SECONDS="300",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_S3_ENDPOINT_URL=moto_server,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_ADDRESSING_STYLE="path",
        AWS_S3_SIGNATURE_VERSION="s3v4",
        AWS_S3_URL_PROTOCOL="http:",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    started = [Server("A", env), Server("B", env)]
    try:
        for server in started:
            server.wait_healthy()  # /healthz/ checks database, cache and storage
        yield started
    finally:
        for server in started:
            server.stop()


@pytest.fixture
def editor(transactional_db, django_user_model, settings):
    # Hashed the way the production servers check it (the test settings use a fast hasher).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = django_user_model.objects.create_superuser(
        "scale-editor", "editor@example.org", PASSWORD
    )
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_page_published_elsewhere_is_served_fresh_by_both_servers(servers, site_tree):
    a, b = servers
    for server in servers:
        server.get("/")
        cached = server.get("/")
        assert cached.status_code == 200
        assert cached.headers["X-Page-Cache"] == "hit"
        assert "Campaign home" in cached.text

    site_tree.title = "Press release day"
    site_tree.save_revision().publish()  # from a third process, through the shared cache

    for server in (b, a):
        fresh = server.get("/")
        assert fresh.headers["X-Page-Cache"] == "miss"
        assert "Press release day" in fresh.text


def test_session_started_on_one_server_works_on_the_other(servers, editor):
    a, b = servers
    a.sign_in(editor)  # password and second factor on A
    session_cookie = a.session.cookies.get("sessionid")
    assert session_cookie

    assert b.get("/admin/").status_code == 302  # B alone: not signed in
    b.session.cookies.set("sessionid", session_cookie)
    dashboard = b.get("/admin/")
    assert dashboard.status_code == 200
    assert "scale-editor" in dashboard.text or "Dashboard" in dashboard.text


def test_page_unpublished_in_one_servers_admin_disappears_from_the_other(
    servers, site_tree, editor
):
    from wagtail.models import Page

    a, b = servers
    child = site_tree.add_child(instance=Page(title="Temporary notice", slug="notice"))
    child.save_revision().publish()
    b.get("/notice/")
    assert b.get("/notice/").headers["X-Page-Cache"] == "hit"

    a.sign_in(editor)
    done = a.post_form(f"/admin/pages/{child.pk}/unpublish/", {})
    assert done.status_code == 302, done.text[:500]

    assert b.get("/notice/").status_code == 404


def test_file_uploaded_through_one_server_is_served_by_the_other(servers, editor):
    a, b = servers
    a.sign_in(editor)
    from wagtail.models import Collection

    payload = (
        b"Shared storage: uploaded on A, served by B. " + uuid.uuid4().hex.encode()
    )
    upload = a.post_form(
        "/admin/documents/add/",
        {"title": "Annual report", "collection": Collection.get_first_root_node().pk},
        files={"file": ("annual-report.txt", payload, "text/plain")},
    )
    assert upload.status_code == 302, upload.text[:1000]

    from django.apps import apps
    from django.conf import settings

    document = apps.get_model(settings.WAGTAILDOCS_DOCUMENT_MODEL).objects.get(
        title="Annual report"
    )
    served = b.get(document.url)
    assert served.status_code == 302  # a signed link to the bucket
    assert requests.get(served.headers["Location"], timeout=20).content == payload


def test_pledge_approved_through_one_server_is_in_the_showcase_of_the_other(
    servers, site_tree, editor
):
    from django.urls import reverse
    from django.utils import timezone

    from pledge_forms.showcase.demo import ensure_showcase_page
    from pledge_forms.testing.factories import PledgeFactory, make_checklist

    a, b = servers
    make_checklist()
    ensure_showcase_page(site_tree)
    pledge = PledgeFactory(
        display_name="Harbourview Police Department",
        legal_name="Harbourview Police Department",
        slug="harbourview",
        verified_at=timezone.now(),
        review_status="awaiting_review",
    )
    b.get("/members/")
    before = b.get("/members/")
    assert before.status_code == 200
    assert before.headers["X-Page-Cache"] == "hit"
    assert "Harbourview" not in before.text
    assert b.get("/members/harbourview/").status_code == 404

    a.sign_in(editor)
    review = reverse(
        "wagtailsnippets_pledge_forms_pledge:review", args=[pledge.pk, "approve"]
    )
    approved = a.post_form(review, {})
    assert approved.status_code == 302, approved.text[:500]

    after = b.get("/members/")
    assert after.headers["X-Page-Cache"] == "miss"
    assert "Harbourview Police Department" in after.text
    assert b.get("/members/harbourview/").status_code == 200
