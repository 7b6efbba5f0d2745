"""Fixtures shared by the whole suite.

- ``s3_storage``: media storage pointed at moto's standalone S3 server on loopback (real HTTP).
- ``browser_page``: a Playwright page in Debian's Chromium against the live server; skipped with a
  reason when Chromium is missing, failing instead when REQUIRE_BROWSER=1.
- ``axe``: runs axe-core inside a page and fails on any violation.

The demo content and other data that takes seconds to build are built once per test process
(tests/snapshots.py), and so are the images of renditions (tests/renditions.py).
"""

import contextlib
import json
import os
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import storages

from audit.axe import AXE_JS, run_axe, violations

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_addoption(parser):
    parser.addoption(
        "--all-plugin-tests",
        action="store_true",
        help="in the site's suite, run every test of the plugin, not only those that go "
        "through the site's templates (tests/pledge_forms/conftest.py); CI does on "
        "PostgreSQL",
    )


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://…"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)


# --- Data created by migrations, kept for transactional tests ----------------------------


_MIGRATED_DATA: dict[str, str] = {}


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in getattr(item, "fixturenames", ())
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database. The rows the migrations created (page tree, site, locale, groups)
    are kept, for the transactional tests to get back after they empty the tables, and put
    back at once: every test starts from them as a restore leaves them (the same rows; link
    tables and id sequences renumbered), the first ones too, so that data built once in a
    process serves every later test (tests/snapshots.py)."""
    from django.db import connection

    with django_db_blocker.unblock():
        _MIGRATED_DATA["rows"] = connection.creation.serialize_db_to_string()
        _restore_migrated_data(_MIGRATED_DATA["rows"])


def _restore_migrated_data(rows: str) -> None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    # The flush that ended the test re-created content types and permissions with new ids:
    # empty the tables without that, then load the rows exactly as the migrations left them.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(rows)
    ContentType.objects.clear_cache()
    # The rows came back with their ids: move the id sequences past them (PostgreSQL),
    # or the next page created would be given id 1 again.
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table; once it has, put the migrations'
    rows back, so no test depends on the order the suite runs in (Django's
    ``serialized_rollback`` alone fails when an earlier transactional test did not use it)."""
    result = yield
    # After the last test the session fixtures have already destroyed the test database
    # and the connection points at the real one again: never flush that.
    if "rows" in _MIGRATED_DATA and _is_transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_migrated_data(_MIGRATED_DATA["rows"])
    return result


# --- S3 on moto's standalone server -----------------------------------------------------


@pytest.fixture(scope="session")
def moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(moto_server, settings, monkeypatch):
    """Media storage on a fresh bucket of moto's S3 server, through django-storages."""
    import uuid

    import boto3

    bucket = f"tbc-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = moto_server
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_DEFAULT_ACL = None
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    storages._storages.pop("default", None)
    yield storages["default"]
    storages._storages.pop("default", None)


@pytest.fixture(autouse=True)
def _reset_default_storage():
    """Settings overrides of STORAGES must not leak a cached storage into other tests."""
    yield
    storages._storages.pop("default", None)


@pytest.fixture(scope="session", autouse=True)
def _rendition_images_made_once():
    """The image of a rendition is made once per test process (tests/renditions.py)."""
    from tests import renditions

    with pytest.MonkeyPatch.context() as patch:
        renditions.remember(patch)
        yield


@pytest.fixture(autouse=True)
def _forget_renditions():
    """Wagtail keeps renditions in a cache by image id; a rolled-back test gives its ids to
    the next test's images, which must not be shown the files of the earlier ones."""
    yield
    from django.core.cache import caches

    if "renditions" in caches:
        caches["renditions"].clear()


@pytest.fixture(autouse=True)
def _forget_remembered_lookups():
    """The site remembers routes, settings and menus per process until content changes
    (cms/topics.py); a rolled-back test changed content without saying so."""
    yield
    from cms import topics

    topics.memo.clear()


@pytest.fixture(autouse=True)
def _forget_site_root_paths():
    """Wagtail caches every site's home page in each language; a rolled-back test's homes
    (a Spanish one) must not be the next test's."""
    yield
    from wagtail.models import Site

    with contextlib.suppress(Exception):  # a test's cache may be down on purpose
        Site.clear_site_root_paths_cache()


# --- Browser ------------------------------------------------------------------------------


def _browser_unavailable_reason() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    return None


@pytest.fixture(scope="session")
def _playwright_browser():
    reason = _browser_unavailable_reason()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but the browser cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_playwright_browser, live_server):
    """A fresh browser context and page; ``page.base_url`` is the live server's URL."""
    context = _playwright_browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    """``axe(page)`` runs axe-core (WCAG 2.2 AA rules) in the page and fails on violations."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `npm ci` (make test does)")
    source = AXE_JS.read_text()

    def check(page, context: str | None = None):
        result = run_axe(page, source, context)
        found = violations(result)
        assert not found, f"axe violations on {page.url}:\n" + json.dumps(
            found, indent=2
        )
        return result

    return check
