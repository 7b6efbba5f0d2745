"""Public views that are not pages: site search and robots.txt."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Page, PageViewRestriction, Site

from campaign_pages.queries import clean_search_query, search_terms
from cms import languages, topics
from cms.public_address import absolute
from pledge_forms.showcase.members import search_members
from pledge_forms.showcase.models import showcase_page

SEARCH_RESULTS_PER_PAGE = 10
MEMBER_RESULTS = 10
MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """Search every live, public page (resources included) with Wagtail search, and the
    listed member agencies on what they show (first page of results only)."""
    query = clean_search_query(request.GET.get("q", ""), MAX_QUERY_LENGTH)
    page_obj = None
    members = None
    if query:
        # The pages in the language of the search's own address (/es/search/: Spanish).
        pages = Page.objects.live()
        root, private = search_tree(request)
        if root is not None:
            pages = pages.filter(tree_q(root))
        for restricted in private:
            pages = pages.exclude(tree_q(restricted))
        terms = search_terms(query)
        results = (
            pages.specific().search(terms, operator="and") if terms else pages.none()
        )
        page_obj = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        if page_obj.number == 1:
            members = member_results(request, terms)
    return TemplateResponse(
        request,
        "campaign_pages/search.html",
        {
            "search_query": query,
            "search_query_string": urlencode({"q": query}),
            "page_obj": page_obj,
            "members": members,
            "result_count": (page_obj.paginator.count if page_obj else 0)
            + (members["count"] if members else 0),
            # Its metadata (cms/metadata.py): every query names the search page as canonical.
            "page_title": _("Search: %(query)s") % {"query": query}
            if query
            else _("Search"),
            "meta_description": _(
                "Search the campaign's pages, resources, news and member agencies."
            ),
            "canonical_url": reverse("search"),
        },
    )


def search_tree(request) -> tuple[tuple[str, int] | None, list[tuple[str, int]]]:
    """The tree path and depth of the home page in the language of the request's address,
    and of every page with a view restriction (its tree is private), remembered by the
    process until pages or their privacy change (cms/topics.py). Search backends take
    filters on fields, not subqueries: these become ``path`` and ``depth`` filters, as in
    Wagtail's ``public()``."""
    site = Site.find_for_request(request)
    home = languages.home_url_path(site) if site else None
    return topics.memo.get(
        request,
        ("search tree", home),
        (topics.SITE, topics.PAGES),
        lambda: (
            Page.objects.filter(url_path=home).values_list("path", "depth").first()
            if home
            else None,
            list(PageViewRestriction.objects.values_list("page__path", "page__depth")),
        ),
    )


def tree_q(page: tuple[str, int]) -> Q:
    """A page (its path and depth) and its descendants."""
    path, depth = page
    return Q(path__startswith=path, depth__gte=depth)


def member_results(request, terms: str) -> dict | None:
    """The member agencies matching ``terms``, each with the address of its page, or
    None when the site has no live showcase (a member then has no page to link to)."""
    showcase = showcase_page() if terms else None
    if showcase is None:
        return None
    found = search_members(terms, limit=MEMBER_RESULTS)
    if not found.count:
        return None
    url = showcase.member_url_builder(request)
    return {
        "results": [(member, url(member.slug)) for member in found.members],
        "count": found.count,
        "more": found.count > len(found.members),
        "directory_url": showcase.get_url(request),
    }


@require_GET
def robots_txt(request):
    """Allow everything public, keep crawlers out of the admin, point at the sitemap (on
    the public address, whatever host the crawler asked). Search results may be crawled:
    each names the search page as its canonical address, so none is indexed on its own."""
    sitemap_url = absolute(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
