"""Anonymous visitors get public pages from the page cache; nobody ever gets a stale or private one."""

import contextlib

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from wagtail import signals as wagtail_signals
from wagtail.models import Page, Site

from cms import page_cache
from cms.page_cache import HEADER, PageCacheMiddleware

pytestmark = pytest.mark.django_db

CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def cached(settings):
    """Page cache on, in a fresh local-memory cache of its own."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.CACHES = {
        **settings.CACHES,
        "page_cache": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "page-cache-tests",
        },
    }
    page_cache.get_cache().clear()
    yield settings
    with contextlib.suppress(Exception):
        page_cache.get_cache().clear()


@pytest.fixture
def home():
    return Site.objects.get(is_default_site=True).root_page.specific


def publish_new_title(page, title):
    page.title = title
    page.save_revision().publish()


def test_second_anonymous_visit_is_served_from_the_cache(client, cached, home):
    first = client.get("/")
    second = client.get("/")
    assert first.status_code == second.status_code == 200
    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_head_request_is_answered_from_the_cache(client, cached, home):
    client.get("/")
    assert client.head("/")[HEADER] == "hit"


def test_cache_off_when_seconds_is_zero(client, cached, home):
    cached.PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert HEADER not in client.get("/")


def test_logged_in_editor_never_gets_or_fills_the_cache(
    client, cached, home, django_user_model
):
    client.get("/")  # an anonymous copy is in the cache
    editor = django_user_model.objects.create_user("editor", password="pw-12345678")
    client.force_login(editor)
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert HEADER not in response
    client.logout()
    client.cookies.clear()
    assert client.get("/")[HEADER] == "hit"


def test_page_seen_while_logged_in_is_not_stored_for_visitors(
    client, cached, home, django_user_model
):
    editor = django_user_model.objects.create_user("editor", password="pw-12345678")
    client.force_login(editor)
    client.get("/")
    client.logout()
    client.cookies.clear()
    assert client.get("/")[HEADER] == "miss"


def test_post_is_never_answered_from_the_cache(client, cached, home):
    client.get("/")
    response = client.post("/", {"anything": "1"})
    assert response.get(HEADER) != "hit"
    assert HEADER not in response


def test_publishing_a_page_shows_the_new_version_at_once(client, cached, home):
    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    publish_new_title(home, "Fresh headline")
    response = client.get("/")
    assert response[HEADER] == "miss"
    assert b"Fresh headline" in response.content


def test_unpublishing_a_page_invalidates(client, cached, home):
    child = home.add_child(instance=Page(title="Short-lived", slug="short-lived"))
    child.save_revision().publish()
    assert client.get("/short-lived/").status_code == 200
    assert client.get("/short-lived/")[HEADER] == "hit"
    child.unpublish()
    assert client.get("/short-lived/").status_code == 404


def test_deleting_a_page_invalidates(client, cached, home):
    child = home.add_child(instance=Page(title="Doomed", slug="doomed"))
    child.save_revision().publish()
    client.get("/doomed/")
    assert client.get("/doomed/")[HEADER] == "hit"
    child.delete()
    assert client.get("/doomed/").status_code == 404


def test_moving_a_page_invalidates(client, cached, home):
    section = home.add_child(instance=Page(title="Section", slug="section"))
    child = home.add_child(instance=Page(title="Mover", slug="mover"))
    client.get("/mover/")
    assert client.get("/mover/")[HEADER] == "hit"
    child.move(section, pos="last-child")
    assert client.get("/mover/").status_code != 200  # gone, or redirected
    assert client.get("/section/mover/").status_code == 200


def test_a_published_snippet_invalidates_every_page(client, cached, home):
    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    # Any model with draft state (a pledge, for instance) sends these when published.
    wagtail_signals.published.send(sender=Site, instance=Site.objects.first())
    assert client.get("/")[HEADER] == "miss"
    assert client.get("/")[HEADER] == "hit"
    wagtail_signals.unpublished.send(sender=Site, instance=Site.objects.first())
    assert client.get("/")[HEADER] == "miss"


def test_saving_the_checklist_invalidates(client, cached, home):
    from django.apps import apps

    try:
        checklist_model = apps.get_model("pledge_forms", "Checklist")
    except LookupError:
        pytest.skip("pledge_forms.Checklist is not installed")
    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    checklist_model.objects.create(name="25 practices", slug="practices")
    assert client.get("/")[HEADER] == "miss"


def test_changing_the_site_invalidates(client, cached, home):
    client.get("/")
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Renamed"
    site.save()
    assert client.get("/")[HEADER] == "miss"


def test_each_query_string_is_its_own_entry(client, cached, home):
    client.get("/?page=2")
    assert client.get("/?page=2")[HEADER] == "hit"
    assert client.get("/?page=3")[HEADER] == "miss"


def test_overlong_query_strings_are_not_cached(client, cached, home):
    url = "/?q=" + "x" * 2000
    client.get(url)
    assert HEADER not in client.get(url)


def test_admin_and_health_check_are_never_cached(client, cached, home):
    for url in ("/admin/login/", "/healthz/"):
        client.get(url)
        assert HEADER not in client.get(url)


def test_not_found_is_not_cached(client, cached, home):
    client.get("/nowhere/")
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert response[HEADER] == "miss"


def _run(middleware, method="get", **cookies):
    request = getattr(RequestFactory(), method)("/form/")
    request.COOKIES.update(cookies)
    return middleware(request)


def test_responses_that_set_a_cookie_are_not_cached(cached):
    def view(request):
        response = HttpResponse("hello")
        response.set_cookie("tracking", "1")
        return response

    middleware = PageCacheMiddleware(view)
    _run(middleware)
    assert _run(middleware)[HEADER] == "miss"


def test_pages_with_a_csrf_token_are_not_cached_so_forms_keep_working(cached):
    calls = []

    def view(request):
        calls.append(1)
        return HttpResponse(
            f"<input name=csrfmiddlewaretoken value={get_token(request)}>"
        )

    middleware = PageCacheMiddleware(view)
    _run(middleware, csrftoken="a" * 32)
    second = _run(middleware, csrftoken="b" * 32)
    assert second[HEADER] == "miss"
    assert len(calls) == 2


@pytest.mark.parametrize(
    "cache_control", ["private", "no-store", "no-cache", "max-age=0, private"]
)
def test_private_responses_are_not_cached(cached, cache_control):
    def view(request):
        response = HttpResponse("mine")
        response["Cache-Control"] = cache_control
        return response

    middleware = PageCacheMiddleware(view)
    _run(middleware)
    assert _run(middleware)[HEADER] == "miss"


def test_visitor_with_a_flash_message_is_not_served_from_the_cache(cached):
    middleware = PageCacheMiddleware(lambda request: HttpResponse("page"))
    _run(middleware)
    assert _run(middleware)[HEADER] == "hit"
    assert HEADER not in _run(middleware, messages="x")


def test_site_stays_up_with_redis_down(client, settings, home):
    """Both caches on a closed port: pages are served uncached, never an error page."""
    dead = {
        "BACKEND": "cms.cache.FailOpenRedisCache",
        "LOCATION": CLOSED_PORT_REDIS,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    settings.CACHES = {"default": dead, "page_cache": dead}
    settings.PAGE_CACHE_SECONDS = 60
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200
        assert response[HEADER] == "miss"
    publish_new_title(home, "Published during the outage")
    assert b"Published during the outage" in client.get("/").content


def test_page_cache_on_a_plain_redis_backend_that_is_down_fails_open(
    client, cached, home
):
    cached.CACHES = {
        **cached.CACHES,
        "page_cache": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    response = client.get("/")
    assert response.status_code == 200
    assert response[HEADER] == "miss"


def test_cdn_may_keep_shared_pages_only_when_configured(client, cached, home):
    assert "Cache-Control" not in client.get("/")
    cached.PAGE_CACHE_CDN_SECONDS = 60
    for response in (client.get("/?cdn"), client.get("/?cdn")):
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=60"
    client.get("/admin/login/")
    assert "s-maxage" not in client.get("/admin/login/").get("Cache-Control", "")


def test_unknown_host_is_refused_not_cached(client, cached, home, settings):
    settings.ALLOWED_HOSTS = ["campaign.example.org"]
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400
    assert client.get("/", HTTP_HOST="campaign.example.org").status_code == 200


def test_uploading_an_image_invalidates(client, cached, home):
    from media.testing import ImageFactory

    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    ImageFactory()
    assert client.get("/")[HEADER] == "miss"


def test_saving_site_settings_invalidates_but_reading_them_first_does_not(
    client, cached, home
):
    from cms.models import SiteSettings

    site = Site.objects.get(is_default_site=True)
    SiteSettings.objects.filter(site=site).delete()
    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    settings_row = SiteSettings.for_site(site)  # created with defaults on first read
    assert client.get("/")[HEADER] == "hit"
    settings_row.footer_text = "New footer"
    settings_row.save()
    assert client.get("/")[HEADER] == "miss"
