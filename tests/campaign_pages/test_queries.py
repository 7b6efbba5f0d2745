"""Each public page runs a bounded number of SQL queries that does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from campaign_pages.demo_translations import demo_objects, translate
from cms import topics
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import Pledge
from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.testing.factories import PledgeFactory
from tests.campaign_pages.conftest import build_site

# Once a process has served a page (its route, the site settings, the menu, the page's
# translations and the parts of templates that are kept: cms/topics.py), the search runs
# the most (its own queries over pages and members: 7 on SQLite, 8 on PostgreSQL, whose
# search backend counts the results in a query of its own); a page served by Wagtail at most 5.
MAX_QUERIES = 8
MAX_PAGE_QUERIES = 5
# The first visit after a change to the content, before anything is remembered.
MAX_QUERIES_FIRST_VISIT = 14


def public_urls(site):
    return {
        "home": "/",
        "focus area index": "/focus-areas/",
        "focus area": site.use_of_force.url,
        "resource index": "/resources/",
        "resource index, filtered": "/resources/?focus_area=use-of-force&type=guide&q=resource",
        "resource": site.resources[0].url,
        "news index": "/news/",
        "news post": site.posts[0].url,
        "standard page": "/about/",
        "search": "/search/?q=resource",
        "news feed": "/news/feed/",
    }


def with_pledge_button(site):
    """The home page's call to action points at a page, as in the demo content; the member
    showcase is published, so the home page shows its members and statistics."""
    site.home.cta_page = site.about
    site.home.save()
    ensure_showcase_page(site.home)
    return site


def count_queries(client, urls, first_visit=False):
    """The queries of each page's second visit (or, ``first_visit``, of its first one
    after a change to the content)."""
    counts = {}
    for name, url in urls.items():
        client.get(url)  # warm the per-process caches (site root paths, content types)
        if first_visit:
            topics.invalidate(topics.SITE)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(captured)
    return counts


@pytest.mark.django_db
def test_public_pages_stay_within_the_query_budget_whatever_the_amount_of_content(
    client, settings
):
    """Every public page type runs at most 8 queries, the same with 3 or 40 resources,
    3 or 25 news posts, no member or 15."""
    settings.PAGE_CACHE_SECONDS = 0
    few = count_queries(
        client, public_urls(with_pledge_button(build_site(resources=3, news=3)))
    )
    many_site = with_pledge_button(build_site(resources=40, news=25))
    PledgeFactory.create_batch(
        15,
        live=True,
        statuses={"BF-1": PracticeStatus.IN_PLACE},
    )
    Pledge.objects.filter(pk__in=Pledge.objects.order_by("pk")[:6].values("pk")).update(
        featured=True
    )
    many = count_queries(client, public_urls(many_site))
    print("\nqueries per page (few / many):")
    for name in few:
        print(f"  {name:28} {few[name]:3} / {many[name]:3}")
    assert few == many
    over = {name: count for name, count in many.items() if count > MAX_QUERIES}
    assert not over, over
    pages = {name: count for name, count in many.items() if name != "search"}
    assert max(pages.values()) <= MAX_PAGE_QUERIES, pages
    first = count_queries(client, public_urls(many_site), first_visit=True)
    print("first visit after a change:", first)
    over = {name: n for name, n in first.items() if n > MAX_QUERIES_FIRST_VISIT}
    assert not over, over


# With more than one language, the page's translations (the language switcher and the
# hreflang alternates) and, in a language other than the default, Wagtail's routing
# through the home page's translation are remembered like the rest: no more queries.
MAX_QUERIES_WITH_LANGUAGES = MAX_QUERIES
MAX_QUERIES_IN_ANOTHER_LANGUAGE = MAX_QUERIES


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_language_keeps_the_query_budget(
    client, settings, language, django_capture_on_commit_callbacks
):
    """The same pages in Spanish and French run a bounded number of queries, whatever
    the content: the checklist's words come from one query kept per process."""
    settings.PAGE_CACHE_SECONDS = 0
    site = with_pledge_button(build_site(resources=3, news=3))
    PledgeFactory.create_batch(3, live=True, statuses={"BF-1": PracticeStatus.IN_PLACE})
    one_language = count_queries(client, public_urls(site))
    locale = Locale.objects.get(language_code=language)
    # wagtail-localize publishes a translation once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        translate(demo_objects(site.home), locale, {})
    english = count_queries(client, public_urls(site))
    urls = {name: f"/{language}{url}" for name, url in public_urls(site).items()}
    translated = count_queries(client, urls)
    print(f"\nqueries per page (en alone / en / {language}):")
    for name in translated:
        print(
            f"  {name:28} {one_language[name]:3} / {english[name]:3} / "
            f"{translated[name]:3}"
        )
    assert not {
        name: count
        for name, count in english.items()
        if count > MAX_QUERIES_WITH_LANGUAGES
    }
    assert not {
        name: count
        for name, count in translated.items()
        if count > MAX_QUERIES_IN_ANOTHER_LANGUAGE
    }
    # Nothing else grows with a language: each page costs at most the two lookups more.
    assert all(translated[name] <= one_language[name] + 2 for name in translated)
