"""Compressed responses (brotli or gzip), only where the page holds no secret of its visitor.

Compressing a page that holds a secret (a CSRF token, a private link) next to text an
attacker can choose (a search query) lets the attacker guess the secret from the compressed
length (BREACH). So a response is compressed only when none of this is true:

- it sets a cookie. Every page that used the CSRF token sets the CSRF cookie: Django's
  ``get_token()`` marks the request (``CSRF_COOKIE_NEEDS_UPDATE``), and
  ``CsrfViewMiddleware`` answers that mark with ``Set-Cookie`` (even to a visitor who has the
  cookie already, to renew it) and then clears the mark; the session and messages
  middleware set theirs when the page changed them. The mark is checked too, for a response
  that comes back before the CSRF middleware has seen it;
- it was built from the visitor's session: the request carries the session cookie and the
  response varies on ``Cookie`` (the session, and so the signed-in user, was read);
- it says ``Cache-Control: private`` or ``no-store``;
- it is a page of the admin (every one holds a CSRF token and is for one user).

Everything else of a compressible type (HTML, JSON, XML, feeds, CSV, SVG, plain text) of at
least ``MIN_LENGTH`` bytes is compressed, with brotli when the browser accepts it, else
with gzip; ``Vary: Accept-Encoding`` tells caches. Static
files are not handled here: whitenoise serves their precompressed copies.

The middleware sits outside the page cache, so a cached page is compressed on its way out
and the cache keeps one plain copy of each page. Compressing a page costs more CPU than
serving it from the cache (docs/serving.md has the figures), so each process remembers the
compressed bodies of the last ``MEMO_ENTRIES`` pages that the page cache handled, by a hash
of their content: a page served again from the cache is compressed once per process and
coding, and a changed page is a new entry.
"""

import gzip
import hashlib
import threading
from collections import OrderedDict

import brotli
from django.conf import settings
from django.utils.cache import cc_delim_re, patch_vary_headers

from cms.page_cache import HEADER as PAGE_CACHE_HEADER

MIN_LENGTH = 200
GZIP_LEVEL = 6
# Brotli's quality 5 compresses a page better than gzip 6 in the same CPU time; its
# default (11) is for files compressed once, and takes some 70 times longer.
BROTLI_QUALITY = 5
COMPRESSIBLE_TYPES = {
    "application/atom+xml",
    "application/javascript",
    "application/json",
    "application/ld+json",
    "application/rss+xml",
    "application/xml",
    "image/svg+xml",
    "text/css",
    "text/csv",
    "text/html",
    "text/javascript",
    "text/plain",
    "text/xml",
}
EXCLUDED_PATHS = ("/admin/", "/django-admin/")
MEMO_ENTRIES = 256
PRIVATE_CACHE_CONTROL = {"private", "no-store"}


def accepted_encodings(request) -> set[str]:
    """The codings of ``Accept-Encoding`` that the browser did not refuse with ``q=0``."""
    accepted = set()
    for item in request.META.get("HTTP_ACCEPT_ENCODING", "").split(","):
        name, *params = (part.strip() for part in item.split(";"))
        refused = False
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    refused = float(value) <= 0
                except ValueError:
                    refused = True
        if name and not refused:
            accepted.add(name.lower())
    return accepted


def holds_a_secret(request, response) -> bool:
    """True when the response may carry something that belongs to this visitor only."""
    if response.cookies or response.has_header("Set-Cookie"):
        return True
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get(
        "CSRF_COOKIE_USED"
    ):
        return True
    if request.path_info.startswith(EXCLUDED_PATHS):
        return True
    if response.has_header("Cache-Control"):
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in cc_delim_re.split(response["Cache-Control"])
        }
        if directives & PRIVATE_CACHE_CONTROL:
            return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES and response.has_header("Vary"):
        varies = {v.strip().lower() for v in cc_delim_re.split(response["Vary"])}
        if "cookie" in varies or "*" in varies:
            return True
    return False


def is_compressible(response) -> bool:
    if response.streaming or response.has_header("Content-Encoding"):
        return False
    if response.status_code not in (200, 203, 404, 410):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type in COMPRESSIBLE_TYPES and len(response.content) >= MIN_LENGTH


def _weaken_etag(response) -> None:
    # A strong ETag names exact bytes; the compressed body is other bytes (RFC 9110 8.8.3).
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response["ETag"] = "W/" + etag


def _compress(body: bytes, coding: str) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return gzip.compress(body, GZIP_LEVEL, mtime=0)


class _Memo:
    """Compressed bodies by (hash of the plain body, coding), the least recently used
    dropped first."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[tuple[bytes, str], bytes] = OrderedDict()
        self.lock = threading.Lock()

    def compress(self, body: bytes, coding: str) -> bytes:
        key = (hashlib.blake2b(body, digest_size=16).digest(), coding)
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        compressed = _compress(body, coding)
        with self.lock:
            self.entries[key] = compressed
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return compressed


class CompressionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.memo = _Memo(MEMO_ENTRIES)

    def __call__(self, request):
        response = self.get_response(request)
        if not is_compressible(response) or holds_a_secret(request, response):
            return response
        # From here on the response differs by Accept-Encoding, compressed or not.
        patch_vary_headers(response, ("Accept-Encoding",))
        accepted = accepted_encodings(request)
        if "br" in accepted:
            coding = "br"
        elif "gzip" in accepted:
            coding = "gzip"
        else:
            return response
        if response.has_header(PAGE_CACHE_HEADER):
            # The same for every visitor, and likely to be served again.
            body = self.memo.compress(response.content, coding)
        else:
            body = _compress(response.content, coding)
        if len(body) >= len(response.content):
            return response
        response.content = body
        response["Content-Length"] = str(len(body))
        response["Content-Encoding"] = coding
        _weaken_etag(response)
        return response
