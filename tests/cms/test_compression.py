"""Pages come compressed when they hold nothing of one visitor (no CSRF token, no session):
compressing those next to text an attacker chooses would leak the secret (BREACH)."""

import gzip

import brotli
import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from cms import page_cache
from cms.compression import CompressionMiddleware, accepted_encodings
from cms.page_cache import HEADER
from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
from tests.campaign_pages.conftest import build_site

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}
BROTLI = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def site():
    return build_site()


def varies_on(response, header):
    return header.lower() in {v.strip().lower() for v in response["Vary"].split(",")}


def test_public_pages_come_back_gzipped_to_a_browser_that_accepts_gzip(client, site):
    for url in ("/", "/news/", site.posts[0].url, "/resources/", "/search/?q=news"):
        plain = client.get(url)
        packed = client.get(url, **GZIP)
        assert packed.status_code == 200, url
        assert packed["Content-Encoding"] == "gzip", url
        assert varies_on(packed, "Accept-Encoding"), url
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
        unpacked = gzip.decompress(packed.content)
        # The same page (a post's modified time may tick between the two requests).
        assert len(unpacked) == len(plain.content), url
        assert unpacked.startswith(b"<!DOCTYPE html>") and unpacked.endswith(
            b"</html>\n"
        )
        # Caches must not hand the compressed copy to a browser that did not ask for it.
        assert "Content-Encoding" not in plain
        assert varies_on(plain, "Accept-Encoding"), url


def test_brotli_is_preferred_when_the_browser_accepts_it(client, site):
    plain = client.get("/")
    packed = client.get("/", **BROTLI)
    assert packed["Content-Encoding"] == "br"
    assert brotli.decompress(packed.content) == plain.content


def test_a_refused_coding_is_not_used(client, site):
    response = client.get("/", HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0")
    assert "Content-Encoding" not in response
    assert accepted_encodings(
        RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip;q=0.5, br;q=0")
    ) == {"gzip"}
    assert accepted_encodings(
        RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip;q=zero")
    ) == (set())


def test_the_pledge_form_and_its_steps_holding_a_csrf_token_are_never_compressed(
    client, settings
):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    build_site()
    from wagtail.models import Site

    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, checklist=make_checklist())
    form = client.get(page.url, **BROTLI)
    assert form.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in form.content
    assert "Content-Encoding" not in form
    # The next step, for a visitor who already has the CSRF cookie and a session.
    from tests.pledge_forms.steps_walk import step_answers, step_url

    posted = client.post(step_url(page, "agency"), step_answers(page, "agency"))
    assert posted.status_code == 303, posted.content[:500]
    step = client.get(posted["Location"], **BROTLI)
    assert step.status_code == 200
    assert b'name="csrfmiddlewaretoken"' in step.content
    assert "Content-Encoding" not in step


def test_admin_pages_are_not_compressed(client, site):
    admin = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw-x")
    client.force_login(admin)
    for url in ("/admin/", "/admin/pages/"):
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url


def test_a_page_built_from_a_signed_in_editors_session_is_not_compressed(client, site):
    """The public page an editor sees carries Wagtail's user bar, for that editor."""
    admin = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw-x")
    client.force_login(admin)
    response = client.get("/", **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_pages_from_the_page_cache_are_served_compressed(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "page_cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "compression-tests",
        },
    }
    page_cache.get_cache().clear()
    plain = client.get("/news/")
    assert plain[HEADER] == "miss"
    hit = client.get("/news/", **GZIP)
    assert hit[HEADER] == "hit"
    assert hit["Content-Encoding"] == "gzip"
    assert varies_on(hit, "Accept-Encoding")
    assert gzip.decompress(hit.content) == plain.content
    # The cache keeps the plain page: a browser without gzip still gets it.
    again = client.get("/news/")
    assert again[HEADER] == "hit"
    assert again.content == plain.content
    page_cache.get_cache().clear()


def _respond(request, make):
    return CompressionMiddleware(make)(request)


def _page(request):
    return HttpResponse("<p>" + "a public page " * 50 + "</p>")


@pytest.mark.parametrize(
    "what",
    ["csrf token used", "cookie set", "private", "no-store", "session read"],
)
def test_responses_that_carry_a_visitors_secret_stay_uncompressed(what, settings):
    request = RequestFactory().get("/", **GZIP)

    def view(request):
        response = _page(request)
        if what == "csrf token used":
            get_token(request)
        elif what == "cookie set":
            response.set_cookie("sessionid", "abc")
        elif what in {"private", "no-store"}:
            response["Cache-Control"] = what
        elif what == "session read":
            request.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
            response["Vary"] = "Cookie"
        return response

    assert "Content-Encoding" not in _respond(request, view)
    # The same page without it is compressed.
    assert _respond(RequestFactory().get("/", **GZIP), _page)["Content-Encoding"] == (
        "gzip"
    )


def test_small_binary_and_already_encoded_responses_are_left_alone():
    request = RequestFactory().get("/", **GZIP)
    small = _respond(request, lambda r: HttpResponse("<p>short</p>"))
    image = _respond(
        request, lambda r: HttpResponse(b"\x89PNG" * 100, content_type="image/png")
    )

    def encoded(r):
        response = HttpResponse(gzip.compress(b"x" * 1000))
        response["Content-Encoding"] = "gzip"
        return response

    twice = _respond(request, encoded)
    assert "Content-Encoding" not in small
    assert "Content-Encoding" not in image
    assert gzip.decompress(twice.content) == b"x" * 1000


def test_a_strong_etag_becomes_weak_when_the_body_is_compressed():
    def view(request):
        response = _page(request)
        response["ETag"] = '"abc"'
        return response

    response = _respond(RequestFactory().get("/", **GZIP), view)
    assert response["ETag"] == 'W/"abc"'


def test_a_page_served_again_from_the_cache_is_compressed_once(
    client, site, settings, monkeypatch
):
    from cms import compression

    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "page_cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "compression-memo-tests",
        },
    }
    page_cache.get_cache().clear()
    calls = []
    real = compression._compress
    monkeypatch.setattr(
        compression,
        "_compress",
        lambda body, coding: calls.append(coding) or real(body, coding),
    )
    bodies = {client.get("/resources/", **GZIP).content for _ in range(4)}
    assert len(bodies) == 1
    assert calls == ["gzip"]
    client.get("/resources/", **BROTLI)
    assert calls == ["gzip", "br"]
    # A changed page is compressed anew.
    site.resources[0].title = "A new title"
    site.resources[0].save_revision().publish()
    changed = client.get("/resources/", **GZIP)
    assert b"A new title" in gzip.decompress(changed.content)
    assert calls == ["gzip", "br", "gzip"]
    page_cache.get_cache().clear()
