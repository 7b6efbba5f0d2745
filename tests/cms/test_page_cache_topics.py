"""The page cache refreshes a page when what it shows changes, and keeps the others cached.

Every case on both shared backends of a real deployment: the embedded default (on local disk,
shared by the app servers of one host) and Redis (shared by every host).
"""

import os
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from cms.page_cache import HEADER
from pledge_forms.models import ChecklistItem
from pledge_forms.showcase.signals import showcase_changed
from tests.campaign_pages.conftest import build_site
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_backend(tmp_path):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but Redis at {REDIS_URL} is down: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {exc}")
    return {
        "BACKEND": "cms.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"tbc-test-{uuid.uuid4().hex[:12]}",
    }


def disk_backend(tmp_path):
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "pages"),
    }


@pytest.fixture(params=[disk_backend, redis_backend], ids=["disk", "redis"])
def cached(request, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    backend = request.param(tmp_path)
    settings.CACHES = {**settings.CACHES, "page_cache": backend}
    yield settings
    if "KEY_PREFIX" in backend:
        # Only this test's keys: clear() would empty the whole Redis database, under
        # the feet of the tests running beside this one.
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{backend['KEY_PREFIX']}:*"):
            client.delete(key)


@pytest.fixture
def site(db):
    built = build_site(resources=2, news=2)
    showcase_page()
    built.alpha = published_member(display_name="Alpha Police Department")
    built.beta = published_member(display_name="Beta Sheriff's Office")
    return built


def urls(site) -> dict[str, str]:
    return {
        "home": "/",
        "focus areas": site.focus_index.url,
        "a focus area": site.use_of_force.url,
        "resources": site.resource_index.url,
        "a resource": site.resources[0].url,
        "news": site.news_index.url,
        "a news post": site.posts[0].url,
        "a standard page": site.about.url,
        "showcase": "/members/",
        "map": "/members/map/",
        "statistics": "/members/statistics/",
        "sitemap": "/sitemap.xml",
        "alpha": f"/members/{site.alpha.slug}/",
        "alpha's badge": f"/members/{site.alpha.slug}/badge.svg",
        "beta": f"/members/{site.beta.slug}/",
    }


def warm(visitor, site) -> dict[str, str]:
    """Every page requested twice: the second answer comes from the cache."""
    pages = urls(site)
    for name, url in pages.items():
        visitor.get(url)
        response = visitor.get(url)
        assert response.status_code == 200, name
        assert response[HEADER] == "hit", name
    return pages


def refreshed(visitor, pages) -> set[str]:
    """The pages that the next visitor gets freshly rendered."""
    return {name for name, url in pages.items() if visitor.get(url)[HEADER] == "miss"}


# The pages that list members (the sitemap lists every page and every member).
MEMBER_LISTS = {"home", "showcase", "map", "statistics", "sitemap"}
EDITORIAL = {
    "focus areas",
    "a focus area",
    "resources",
    "a resource",
    "news",
    "a news post",
    "a standard page",
}


def test_approving_a_pledge_refreshes_what_shows_members_and_keeps_the_rest(
    cached, site
):
    from pledge_forms.services import review
    from pledge_forms.testing.factories import PledgeFactory

    visitor = Client()
    pages = warm(visitor, site)
    gamma = PledgeFactory(
        display_name="Gamma Police Department",
        verified_at=timezone.now(),
        review_status="awaiting_review",
    )
    gamma.save_revision()
    review.approve(gamma)

    assert refreshed(visitor, pages) == MEMBER_LISTS
    assert b"Gamma Police Department" in visitor.get("/members/").content
    assert visitor.get(f"/members/{gamma.slug}/").status_code == 200
    # The open data files stream: never stored, always current.
    for url in ("/members/data.csv", "/members/data.json"):
        body = b"".join(visitor.get(url).streaming_content)
        assert b"Gamma Police Department" in body, url
    api = visitor.get("/api/v2/members/", HTTP_ACCEPT="application/json")
    assert "Gamma Police Department" in api.content.decode()


def test_updating_a_member_refreshes_its_pages_and_the_lists_not_other_members(
    cached, site
):
    visitor = Client()
    pages = warm(visitor, site)
    alpha = site.alpha
    alpha.display_name = "Alpha Metro Police"
    alpha.save_revision().publish()

    assert refreshed(visitor, pages) == MEMBER_LISTS | {"alpha", "alpha's badge"}
    assert b"Alpha Metro Police" in visitor.get(pages["alpha"]).content


def test_a_renamed_members_old_address_is_refreshed_too(cached, site):
    visitor = Client()
    old = f"/members/{site.alpha.slug}/"
    visitor.get(old)
    assert visitor.get(old)[HEADER] == "hit"
    site.alpha.slug = "alpha-metro"
    site.alpha.save_revision().publish()
    assert visitor.get(old).status_code == 404
    assert visitor.get("/members/alpha-metro/").status_code == 200


def test_unpublishing_a_member_takes_it_out_at_once(cached, site):
    visitor = Client()
    pages = warm(visitor, site)
    site.beta.unpublish()

    assert refreshed(visitor, pages) == MEMBER_LISTS | {"beta"}
    assert visitor.get(pages["beta"]).status_code == 404
    assert b"Beta Sheriff" not in visitor.get("/members/").content


def test_curating_or_a_lapse_refreshes_that_member_and_the_lists(cached, site):
    from pledge_forms.models import Pledge

    visitor = Client()
    pages = warm(visitor, site)
    showcase_changed.send(sender=Pledge, pledges=[site.beta])
    assert refreshed(visitor, pages) == MEMBER_LISTS | {"beta"}


def test_publishing_a_news_post_refreshes_editorial_pages_not_member_pages(
    cached, site
):
    visitor = Client()
    pages = warm(visitor, site)
    post = site.posts[1]
    post.title = "A new listening session"
    post.save_revision().publish()

    assert refreshed(visitor, pages) == {"home", "sitemap"} | EDITORIAL
    assert b"A new listening session" in visitor.get(pages["news"]).content


def test_editing_a_practice_refreshes_what_shows_practices(cached, site):
    visitor = Client()
    pages = warm(visitor, site)
    practice = ChecklistItem.objects.filter(
        section=site.use_of_force.checklist_section
    ).first()
    practice.title = "De-escalation first, written down"
    practice.save()

    shows_practices = {"focus areas", "a focus area", "resources", "a resource"}
    member_pages = {"alpha", "alpha's badge", "beta"}
    assert refreshed(visitor, pages) == MEMBER_LISTS | shows_practices | member_pages
    assert b"De-escalation first, written down" in (
        visitor.get(pages["a focus area"]).content
    )


def test_a_page_in_the_menu_or_the_site_text_refreshes_every_page(cached, site):
    from cms.models import SiteText

    visitor = Client()
    pages = warm(visitor, site)
    site.about.title = "About the campaign"
    site.about.save_revision().publish()  # a page of the menu
    assert refreshed(visitor, pages) == set(pages)

    warm(visitor, site)
    text = SiteText.objects.get()
    text.footer_text = "Trust, built together."
    text.save()
    assert refreshed(visitor, pages) == set(pages)
    assert b"Trust, built together." in visitor.get(pages["beta"]).content
