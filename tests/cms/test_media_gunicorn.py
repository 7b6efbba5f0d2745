"""`make serve` without a bucket: a real gunicorn with the production settings (debug off)
serves every image of the home page, the showcase and a member page, and documents.

The server shares the test's PostgreSQL database (as tests/cms/test_scale_out.py does) and
its MEDIA_ROOT, where the test's uploads and renditions are written.
"""

import os
import re
from html import unescape
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from media.testing import draw_image
from tests.cms.servers import GunicornServer, database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PUBLIC = "https://campaign.example.org"
SECRET_KEY = "media-test-secret-key-" + "m" * 40


@pytest.fixture
def content(transactional_db, settings):
    from cms.public_address import sync_default_site
    from pledge_forms.choices import Stage
    from tests.campaign_pages.conftest import build_site
    from tests.pledge_forms.showcase.showcase_helpers import (
        published_member,
        showcase_page,
    )

    settings.PUBLIC_URL = PUBLIC
    site = build_site(resources=1, news=1)
    sync_default_site()
    showcase_page()
    member = published_member(
        display_name="Harbourview Police Department",
        slug="harbourview",
        stage=Stage.COMPLETED,
        completed_at=timezone.now(),
    )
    member.logo.save(
        "harbourview-1a2b3c4d.png", ContentFile(draw_image("HPD", 80, 80)), save=True
    )
    member.save_revision().publish()
    return site


@pytest.fixture
def server(content, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "AWS_", "PAGE_CACHE", "DEBUG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=SECRET_KEY,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        PUBLIC_URL=PUBLIC,
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        LOG_LEVEL="ERROR",
    )
    (tmp_path / "var").mkdir()
    started = GunicornServer("media", env)
    try:
        started.wait_healthy()
        yield started
    finally:
        started.stop()


def _image_sources(html: str) -> list[str]:
    return [unescape(src) for src in re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', html)]


def test_images_and_documents_are_served_by_gunicorn_without_a_bucket(server, content):
    checked = {}
    for path in ("/", "/members/", "/members/harbourview/"):
        page = server.get(path)
        assert page.status_code == 200, (path, page.text[:300])
        sources = _image_sources(page.text)
        assert sources, f"no image on {path}"
        for src in sources:
            # Relative, so they load from whatever host the visitor used.
            assert src.startswith("/"), (path, src)
            response = server.get(src)
            assert response.status_code == 200, (path, src)
            assert response.headers["Content-Type"].startswith("image/"), src
            assert response.headers["X-Content-Type-Options"] == "nosniff", src
            checked[src] = response
    media = [src for src in checked if src.startswith("/media/")]
    assert any(src.startswith("/media/images/") for src in media), media
    assert any(src.startswith("/media/pledge-logos/") for src in media), media
    assert any(src.endswith("/badge.svg") for src in checked), checked

    rendition = next(src for src in media if src.startswith("/media/images/"))
    first = checked[rendition]
    assert "max-age=31536000" in first.headers["Cache-Control"]
    head = server.session.head(server.url + rendition, timeout=20)
    assert head.status_code == 200
    assert head.headers["Content-Length"] == first.headers["Content-Length"]
    assert head.content == b""
    again = server.get(
        rendition, headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 304

    document = content.document
    served = server.get(document.url)
    assert served.status_code == 200
    assert served.content.startswith(b"%PDF")
    assert server.get("/media/" + document.file.name).status_code == 404

    (Path(settings.MEDIA_ROOT) / "private").mkdir(exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "private" / "export.csv").write_text("rows")
    assert server.get("/media/private/export.csv").status_code == 404
    # Sent as is (requests would normalise the dots away).
    raw = requests.Request("GET", server.url + "/media/images/x").prepare()
    raw.url = server.url + "/media/images/../../../etc/passwd"
    assert server.session.send(raw, timeout=20).status_code == 404
