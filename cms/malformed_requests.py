"""Answer 400, with a message that says why, to requests no view could read safely.

One rule for every URL, checked before any view, cache or database sees the request:

- the path and the query string must be UTF-8 without a NUL character (PostgreSQL
  refuses NUL in text, so a NUL that reached a query was a server error there and
  nothing on SQLite); an urlencoded body must be UTF-8;
- a form body (``application/x-www-form-urlencoded`` or ``multipart/form-data``) must
  declare no charset, or UTF-8 (Django would decode a ``charset=utf-16`` body into
  nonsense, or fail on a charset it does not know);
- a form body must parse (a multipart body without its boundary, or cut short, is the
  client's mistake, not the server's).

A NUL in a form value is left to the form: Django's text fields refuse it with a
field-level message, and the visitor keeps the other answers.

Requests under ``/api/`` get the Wagtail API's JSON error shape, ``{"message": ...}``;
the others the site's 400 page.
"""

from __future__ import annotations

import codecs
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

FORM_CONTENT_TYPES = frozenset(
    ["application/x-www-form-urlencoded", "multipart/form-data"]
)
ACCEPTED_CHARSETS = frozenset(["utf-8", "ascii"])
API_PREFIX = "/api/"


class MalformedRequest(Exception):
    """The request cannot be read; ``str(error)`` is the message for the client."""


def decode_form_encoded(
    raw: bytes, *, not_utf8: str, nul: str | None
) -> list[tuple[str, str]]:
    """The ``name=value`` pairs of a query string or an urlencoded body, decoded strictly
    as UTF-8 (where Django would quietly put U+FFFD in place of bytes it cannot read).

    Raises :class:`MalformedRequest` with the message ``not_utf8``, or ``nul`` on a NUL
    character unless ``nul`` is None."""
    pairs = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _equals, value = part.partition(b"=")
        decoded = []
        for piece in (name, value):
            try:
                decoded.append(unquote_to_bytes(piece.replace(b"+", b" ")).decode())
            except UnicodeDecodeError:
                raise MalformedRequest(not_utf8) from None
        if nul is not None and any("\x00" in text for text in decoded):
            raise MalformedRequest(nul)
        pairs.append((decoded[0], decoded[1]))
    return pairs


def wsgi_bytes(value: str) -> bytes:
    """The bytes of a WSGI environ string (PEP 3333 gives them as ISO-8859-1)."""
    try:
        return value.encode("iso-8859-1")
    except UnicodeEncodeError:  # a server or test client that gave real text
        return value.encode()


def check_path(request: HttpRequest) -> None:
    if "\x00" in request.path_info:
        raise MalformedRequest(_("The address contains a null character."))


def check_query_string(request: HttpRequest) -> None:
    decode_form_encoded(
        wsgi_bytes(request.META.get("QUERY_STRING", "")),
        not_utf8=_("The address's query string is not valid UTF-8."),
        nul=_("The address's query string contains a null character."),
    )


def check_form_body(request: HttpRequest) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if request.content_type not in FORM_CONTENT_TYPES:
        return
    charset = request.content_params.get("charset")
    if charset is not None:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            name = None
        if name not in ACCEPTED_CHARSETS:
            raise MalformedRequest(
                _("Form data must be sent as UTF-8 (the request says “%(charset)s”).")
                % {"charset": charset[:40]}
            )
    if request.content_type == "application/x-www-form-urlencoded":
        decode_form_encoded(
            request.body,
            not_utf8=_("The form data is not valid UTF-8."),
            nul=None,  # left to the form, as in a multipart body
        )
        return
    try:
        fields = request.POST
    except MultiPartParserError:
        raise MalformedRequest(
            _("The form data could not be read: the multipart body is malformed.")
        ) from None
    except (LookupError, UnicodeDecodeError):
        raise MalformedRequest(
            _("The form data could not be read: a part is in an unknown encoding.")
        ) from None
    del fields  # parsed: the form reads the values


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"message": message}, status=400)
    return HttpResponse(
        render_to_string("400.html", {"message": message}),
        status=400,
        content_type="text/html; charset=utf-8",
    )


class MalformedRequestMiddleware:
    """Runs :func:`check_path`, :func:`check_query_string` and :func:`check_form_body`;
    the first that fails answers 400 with its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_path(request)
            check_query_string(request)
            check_form_body(request)
        except MalformedRequest as error:
            return bad_request(request, str(error))
        return self.get_response(request)
