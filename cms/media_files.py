"""Uploaded images and logos served from local disk when there is no bucket (``make serve``).

Whitenoise only knows the files present when the process started, so uploads are served by
Django's ``django.views.static.serve`` (content type, Last-Modified, If-Modified-Since and
Content-Length, maintained by Django), wrapped here to add what a public server needs:

- only the folders meant to be public: Wagtail's images (originals and renditions) and the
  pledge logos. Documents are not served from here: Wagtail's serve view
  (``/documents/<id>/<name>``) checks their collection's privacy first. Nothing under
  ``private/`` or any other folder, no hidden file, no ``..``: 404, as for a missing file;
- ``X-Content-Type-Options: nosniff`` and cache headers: renditions and logos have names
  of their own (a changed image or logo gets a new file), so they may be kept for a year;
  originals can be replaced under their name by an editor, so a day;
- HEAD answers with the headers of GET; the WSGI server (gunicorn, Django's test client)
  leaves the body out, and a file response is never kept by the page cache.

Only routed when the default storage is the local FileSystemStorage (cms/urls.py); with S3
the files' URLs point at the bucket.
"""

import posixpath
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe
from django.views.static import serve

YEAR = 365 * 24 * 3600
DAY = 24 * 3600

# First path segment -> how long browsers and proxies may keep the file.
PUBLIC_FOLDERS = {
    "images": YEAR,  # Wagtail renditions: the name carries the filter and focal point
    "pledge-logos": YEAR,  # upload_to with a unique name per upload
    "original_images": DAY,
}


def serves_local_media() -> bool:
    """True when uploads live on this machine's disk and MEDIA_URL is a path of this site."""
    backend = settings.STORAGES.get("default", {}).get("BACKEND", "")
    try:
        local = issubclass(import_string(backend), FileSystemStorage)
    except ImportError:
        local = False
    url = settings.MEDIA_URL
    return local and url.startswith("/") and not url.startswith("//")


def _checked(path: str) -> tuple[str, int]:
    """The normalised ``path`` and its max-age, or Http404 for anything not public."""
    if "\\" in path or "\x00" in path:
        raise Http404
    parts = path.split("/")
    if any(part in {"", ".", ".."} or part.startswith(".") for part in parts):
        raise Http404
    if len(parts) < 2 or parts[0] not in PUBLIC_FOLDERS:
        raise Http404
    normalised = posixpath.normpath(path)
    if normalised != path:
        raise Http404
    root = Path(settings.MEDIA_ROOT).resolve()
    target = (root / normalised).resolve()
    # A symlink out of MEDIA_ROOT (or into PRIVATE_ROOT) is refused like a missing file.
    if not target.is_relative_to(root) or not target.is_file():
        raise Http404
    private_root = Path(getattr(settings, "PRIVATE_ROOT", root / "private")).resolve()
    if target.is_relative_to(private_root) or target.is_relative_to(root / "private"):
        raise Http404
    return normalised, PUBLIC_FOLDERS[parts[0]]


@require_safe
def media(request, path: str):
    path, max_age = _checked(path)
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    if response.status_code in (200, 304):
        response["Cache-Control"] = f"public, max-age={max_age}" + (
            ", immutable" if max_age == YEAR else ""
        )
    if request.method == "HEAD" and response.streaming:
        # Headers only (Content-Length kept): the WSGI server must not be handed the file.
        # Only the file is closed here: closing the response would end the request early
        # (request_finished closes the database connection).
        opened = getattr(response, "file_to_stream", None)
        response.streaming_content = []
        if opened is not None:
            opened.close()
    return response
