"""Uploads served from local disk without a bucket (cms/media_files.py), debug off."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from cms.media_files import YEAR, serves_local_media
from media.testing import DocumentFactory, ImageFactory, draw_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_is_off():
    assert settings.DEBUG is False, "the view must not depend on DEBUG"


@pytest.fixture
def image():
    return ImageFactory(title="Community meeting")


def _write(relative: str, content: bytes) -> Path:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_a_rendition_is_served_with_its_type_and_a_long_cache(client, image):
    rendition = image.get_rendition("fill-120x80")
    assert rendition.url.startswith("/media/images/")

    response = client.get(rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == f"public, max-age={YEAR}, immutable"
    assert int(response["Content-Length"]) == rendition.file.size
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_original_is_kept_for_a_shorter_time(client, image):
    response = client.get(image.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, max-age=86400"


def test_a_pledge_logo_is_served_with_a_long_cache(client):
    _write("pledge-logos/2026/12/harbourview-1a2b3c4d.png", draw_image("Logo", 60, 40))
    response = client.get("/media/pledge-logos/2026/12/harbourview-1a2b3c4d.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == f"public, max-age={YEAR}, immutable"


def test_head_and_conditional_get(client, image):
    url = image.get_rendition("width-100").url
    full = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head["Content-Length"] == full["Content-Length"]
    assert head["Content-Type"] == "image/png"
    assert b"".join(head.streaming_content) == b""

    later = client.get(url, HTTP_IF_MODIFIED_SINCE=full["Last-Modified"])
    assert later.status_code == 304
    assert later["X-Content-Type-Options"] == "nosniff"
    changed = Path(settings.MEDIA_ROOT) / url.removeprefix("/media/")
    os.utime(changed, (changed.stat().st_mtime + 60,) * 2)
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=full["Last-Modified"])
    assert again.status_code == 200


def test_only_get_and_head_are_answered(client, image):
    assert client.post(image.file.url).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/../../../../etc/passwd",
        "/media/images/%2e%2e/%2e%2e/etc/passwd",
        "/media/images/..%2f..%2fetc/passwd",
        "/media/images/..\\..\\etc\\passwd",
        "/media//etc/passwd",
        "/media/images/./secret.txt",
        "/media/private/secret.txt",
        "/media/images/private/../../private/secret.txt",
        "/media/images/.hidden.png",
        "/media/documents/report.pdf",
        "/media/pledge_forms/exports/export.csv",
        "/media/secret.txt",
        "/media/images",
        "/media/images/",
        "/media/images/missing.png",
    ],
)
def test_traversal_private_and_unlisted_paths_are_not_found(client, path):
    _write("private/secret.txt", b"private")
    _write("secret.txt", b"private")
    _write("images/secret.txt", b"private")
    _write("images/.hidden.png", b"private")
    _write("documents/report.pdf", b"%PDF private")
    _write("pledge_forms/exports/export.csv", b"private")
    assert client.get(path).status_code == 404


def test_a_link_out_of_media_root_is_not_followed(client):
    secret = Path(settings.STORAGES["private"]["OPTIONS"]["location"]) / "export.csv"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(b"private rows")
    link = Path(settings.MEDIA_ROOT) / "images" / "export.png"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.unlink(missing_ok=True)
    link.symlink_to(secret)
    assert client.get("/media/images/export.png").status_code == 404


def test_documents_go_through_wagtails_serve_view(client):
    document = DocumentFactory(title="Annual report")
    assert document.url.startswith("/documents/")
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # The same file is not reachable around the serve view (and its privacy check).
    assert client.get(document.file.url).status_code == 404


def test_with_a_bucket_nothing_is_served_from_disk(settings):
    assert serves_local_media()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    assert not serves_local_media()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_URL = "https://cdn.example.org/media/"
    assert not serves_local_media()


def test_the_route_exists_in_the_url_configuration():
    try:
        url = reverse("media", kwargs={"path": "images/a.png"})
    except NoReverseMatch:  # pragma: no cover - the failure this test reports
        pytest.fail("no media route with local storage and DEBUG off")
    assert url == "/media/images/a.png"
