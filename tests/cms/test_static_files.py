"""Static files as the production server sends them: hashed names kept a year, compressed
copies for browsers that accept them, and a page that never fails for a file left out of
the collection."""

import re
import sqlite3

import pytest
from django.db import connection
from django.template import engines

from cms.static_files import StaticFilesStorage
from tests.cms.servers import GunicornServer, database_url

SECRET_KEY = "static-test-secret-key-" + "s" * 40
YEAR = 365 * 24 * 3600


def max_age(cache_control: str) -> int:
    return int(re.search(r"max-age=(\d+)", cache_control).group(1))


@pytest.fixture
def server(transactional_db, tmp_path):
    from tests.campaign_pages.conftest import build_site

    build_site(resources=1, news=1)
    if connection.vendor == "sqlite":
        # A file copy of the (in-memory, migrated) test database.
        database = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(database)
        connection.connection.backup(copy)
        copy.close()
        url = f"sqlite:///{database}"
    else:
        url = database_url()
    (tmp_path / "var").mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "ERROR",
    }
    started = GunicornServer("static", env)
    try:
        started.wait_healthy()
        yield started
    finally:
        started.stop()


def test_stylesheets_have_hashed_names_kept_a_year_and_come_compressed(server):
    page = server.get("/")
    assert page.status_code == 200, page.text[:500]
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text)
    assert sheets, "no stylesheet on the home page"
    for href in sheets:
        # A hash of the content in the name: a changed file gets a new URL.
        assert re.fullmatch(r"/static/.+\.[0-9a-f]{12}\.css", href), href
        for accept, coding in (("br", "br"), ("gzip", "gzip"), ("identity", None)):
            response = server.get(href, headers={"Accept-Encoding": accept})
            assert response.status_code == 200, href
            assert response.headers.get("Content-Encoding") == coding, (href, accept)
            assert "Accept-Encoding" in response.headers["Vary"]
            cache = response.headers["Cache-Control"]
            assert max_age(cache) == YEAR and "immutable" in cache, cache
        # The plain name still answers, for links from elsewhere, but is not kept long.
        unhashed = re.sub(r"\.[0-9a-f]{12}\.css$", ".css", href)
        response = server.get(unhashed, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == "gzip"
        cache = response.headers["Cache-Control"]
        assert "immutable" not in cache and max_age(cache) <= 300, cache


def test_the_production_page_itself_comes_gzipped(server):
    page = server.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "gzip"
    assert "<html" in page.text


def test_a_file_missing_from_the_collection_is_linked_unhashed_not_an_error(
    settings, tmp_path
):
    """A template naming a file `collectstatic` never saw must not make a 500 of the page."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"css/site.css": "css/site.0123456789ab.css"}, "version": "1.1"}'
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "cms.static_files.StaticFilesStorage"},
    }
    template = engines["django"].from_string(
        "{% load static %}{% static 'css/site.css' %} {% static 'css/not-collected.css' %}"
    )
    assert template.render({}) == (
        "/static/css/site.0123456789ab.css /static/css/not-collected.css"
    )
    assert StaticFilesStorage.manifest_strict is False
