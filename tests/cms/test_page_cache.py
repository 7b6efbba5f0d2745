"""Anonymous visitors get public pages from the page cache; nobody ever gets a stale or private one."""

import contextlib

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from wagtail import signals as wagtail_signals
from wagtail.models import Page, Site

from cms import page_cache, topics
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


def test_each_known_query_string_is_its_own_entry(cached):
    middleware = PageCacheMiddleware(listing_view)
    assert _get(middleware, "/list/?page=2")[HEADER] == "miss"
    assert _get(middleware, "/list/?page=2")[HEADER] == "hit"
    assert _get(middleware, "/list/?page=3")[HEADER] == "miss"
    assert _get(middleware, "/list/?page=2&stage=pledged")[HEADER] == "miss"
    assert _get(middleware, "/list/?page=2&stage=pledged")[HEADER] == "hit"


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


def listing_view(request):
    """A Django view that reads two query parameters."""
    page_cache.accept_query_parameters(request, ("page", "stage"))
    return HttpResponse(f"list {request.GET.urlencode()}")


def _get(middleware, url):
    return middleware(RequestFactory().get(url))


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
    for response in (client.get("/"), client.get("/")):
        assert response["Cache-Control"] == (
            "public, max-age=0, s-maxage=60, "
            "stale-while-revalidate=60, stale-if-error=86400"
        )
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
    settings_row.contact_email = "new@example.org"
    settings_row.save()
    assert client.get("/")[HEADER] == "miss"


def test_saving_the_site_text_invalidates(client, cached, home):
    from wagtail.models import Locale

    from cms.models import SiteText

    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    SiteText.objects.update_or_create(
        locale=Locale.get_default(),
        defaults={"site_name": "Trust Building Campaign", "footer_text": "New footer"},
    )
    assert client.get("/")[HEADER] == "miss"


# --- Query strings: only those the page knows --------------------------------------------


def stored_pages(cache) -> int:
    """Pages in the local-memory page cache (its counters aside)."""
    return sum(
        1
        for key in cache._cache
        if ":page-cache:" in key
        and ":generation" not in key
        and ":variants:" not in key
    )


def test_junk_query_strings_are_served_but_never_stored(cached):
    cache = page_cache.get_cache()
    middleware = PageCacheMiddleware(listing_view)
    _get(middleware, "/list/")
    assert stored_pages(cache) == 1
    for number in range(300):
        response = _get(middleware, f"/list/?junk{number}=1")
        assert response.status_code == 200
        assert response[HEADER] == "miss"
    assert stored_pages(cache) == 1


@pytest.mark.parametrize(
    "query",
    ["utm_source=mail", "page=2&utm_source=mail", "page=2&page=3", "fbclid=x"],
)
def test_a_query_string_with_an_unknown_or_repeated_parameter_is_not_cached(
    cached, query
):
    middleware = PageCacheMiddleware(listing_view)
    _get(middleware, f"/list/?{query}")
    assert _get(middleware, f"/list/?{query}")[HEADER] == "miss"


def test_known_parameters_with_endless_values_make_a_bounded_number_of_entries(cached):
    cached.PAGE_CACHE_MAX_VARIANTS = 5
    cache = page_cache.get_cache()
    middleware = PageCacheMiddleware(listing_view)
    _get(middleware, "/list/")
    for number in range(300):
        _get(middleware, f"/list/?stage=s{number}")
    assert stored_pages(cache) == 1 + 5
    assert _get(middleware, "/list/?stage=s0")[HEADER] == "hit"
    assert _get(middleware, "/list/?stage=s299")[HEADER] == "miss"
    assert _get(middleware, "/list/")[HEADER] == "hit"  # the path itself always is
    # A new generation (something was published) starts a new count.
    page_cache.invalidate()
    assert _get(middleware, "/list/?stage=s299")[HEADER] == "miss"
    assert _get(middleware, "/list/?stage=s299")[HEADER] == "hit"


def test_a_page_without_declared_parameters_is_cached_only_without_a_query_string(
    client, cached, home
):
    client.get("/?utm_campaign=spring")
    assert client.get("/?utm_campaign=spring")[HEADER] == "miss"
    client.get("/")
    assert client.get("/")[HEADER] == "hit"


# --- Nonces ---------------------------------------------------------------------------------


def test_a_response_that_used_a_csp_nonce_is_never_cached(cached):
    from cms.headers import ContentSecurityPolicyMiddleware

    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">go()</script>')

    stack = ContentSecurityPolicyMiddleware(PageCacheMiddleware(view))
    first, second = (stack(RequestFactory().get("/nonce/")) for _ in range(2))
    assert first[HEADER] == second[HEADER] == "miss"
    assert first.content != second.content
    for response in (first, second):
        nonce = response.content.decode().split('nonce="')[1].split('"')[0]
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]

    plain = ContentSecurityPolicyMiddleware(
        PageCacheMiddleware(lambda request: HttpResponse("<p>no script</p>"))
    )
    plain(RequestFactory().get("/plain/"))
    hit = plain(RequestFactory().get("/plain/"))
    assert hit[HEADER] == "hit"
    assert "nonce-" not in hit["Content-Security-Policy"]


# --- Privacy ----------------------------------------------------------------------------------


@pytest.fixture
def section(home):
    """A published section with a published child page, both public for now."""
    section = home.add_child(instance=Page(title="Members area", slug="members-area"))
    section.add_child(instance=Page(title="Minutes", slug="minutes"))
    return section


def cache_both(client):
    for url in ("/members-area/", "/members-area/minutes/"):
        client.get(url)
        assert client.get(url)[HEADER] == "hit"


def test_making_a_cached_page_private_stops_serving_it_at_once(client, cached, section):
    from wagtail.models import PageViewRestriction

    cache_both(client)
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.LOGIN
    )
    for url in ("/members-area/", "/members-area/minutes/"):  # the page and below it
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 302
            assert "/login/" in response["Location"]
            assert response.get(HEADER) != "hit"


def test_a_password_protected_page_is_never_served_from_the_cache(
    client, cached, section
):
    from wagtail.models import PageViewRestriction

    cache_both(client)
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    for _ in range(2):
        response = client.get("/members-area/minutes/")
        assert response.status_code == 200
        assert response[HEADER] == "miss"
        assert b'name="password"' in response.content


def test_changing_or_deleting_a_restriction_invalidates(client, cached, section):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    def site_generation():
        return topics.read(page_cache.get_cache(), [topics.SITE])[topics.SITE]

    generation = site_generation()

    def bumped() -> bool:
        nonlocal generation
        now = site_generation()
        changed, generation = now != generation, now
        return changed

    restriction = PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.GROUPS
    )
    assert bumped()
    restriction.groups.add(Group.objects.create(name="Board"))
    assert bumped()
    restriction.groups.clear()
    assert bumped()
    restriction.restriction_type = PageViewRestriction.LOGIN
    restriction.save()
    assert bumped()
    restriction.delete()
    assert bumped()
    # Public again: served and cached as before.
    cache_both(client)


def test_a_restricted_page_is_not_stored_even_when_a_visitor_may_see_it(
    cached, section
):
    """A visitor who unlocked the page sees it, but what they see is never stored, whatever
    path through the middleware led there."""
    from wagtail.models import PageViewRestriction

    child = section.get_children().get().specific
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )

    def serve_unlocked(request):
        page_cache.note_page(request, child)
        return HttpResponse("the minutes")

    middleware = PageCacheMiddleware(serve_unlocked)
    for _ in range(2):
        assert _get(middleware, "/members-area/minutes/")[HEADER] == "miss"
    assert stored_pages(page_cache.get_cache()) == 0


def test_the_showcase_caches_its_filters_but_not_junk(client, cached):
    from pledge_forms.testing.factories import make_checklist
    from tests.pledge_forms.showcase.showcase_helpers import showcase_page

    make_checklist()
    showcase_page()
    cache = page_cache.get_cache()
    assert client.get("/members/?stage=pledged&sort=newest")[HEADER] == "miss"
    assert client.get("/members/?stage=pledged&sort=newest")[HEADER] == "hit"
    stored = stored_pages(cache)
    for number in range(20):
        response = client.get(f"/members/?junk{number}=1")
        assert response.status_code == 200
        assert response[HEADER] == "miss"
    assert stored_pages(cache) == stored


def test_a_new_release_never_serves_the_pages_stored_by_the_last_one(
    client, cached, home
):
    """A deploy with new templates or a new stylesheet: the pages the old release stored
    (which name the old stylesheet) are not served."""
    cached.PAGE_CACHE_RELEASE = "release-1"
    page_cache.release.cache_clear()
    client.get("/")
    assert client.get("/")[HEADER] == "hit"
    cached.PAGE_CACHE_RELEASE = "release-2"
    page_cache.release.cache_clear()
    assert client.get("/")[HEADER] == "miss"
    assert client.get("/")[HEADER] == "hit"
    page_cache.release.cache_clear()


def test_without_a_configured_release_it_is_a_digest_of_the_sites_files(
    cached, tmp_path
):
    cached.PAGE_CACHE_RELEASE = ""
    cached.BASE_DIR = tmp_path
    template = tmp_path / "cms" / "templates" / "base.html"
    template.parent.mkdir(parents=True)
    template.write_text("<html>one</html>")
    page_cache.release.cache_clear()
    first = page_cache.release()
    assert page_cache.release() == first  # read once per process
    template.write_text("<html>two</html>")
    page_cache.release.cache_clear()
    assert page_cache.release() != first
    page_cache.release.cache_clear()
