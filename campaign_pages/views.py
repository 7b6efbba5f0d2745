"""Public views that are not pages: site search and robots.txt."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Page, Site

from campaign_pages.queries import clean_search_query, search_terms
from cms.public_address import absolute

SEARCH_RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """Search every live, public page (resources included) with Wagtail search."""
    query = clean_search_query(request.GET.get("q", ""), MAX_QUERY_LENGTH)
    page_obj = None
    if query:
        site = Site.find_for_request(request)
        pages = Page.objects.live().public()
        if site:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        terms = search_terms(query)
        results = (
            pages.specific().search(terms, operator="and") if terms else pages.none()
        )
        page_obj = Paginator(results, SEARCH_RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return TemplateResponse(
        request,
        "campaign_pages/search.html",
        {
            "search_query": query,
            "search_query_string": urlencode({"q": query}),
            "page_obj": page_obj,
        },
    )


@require_GET
def robots_txt(request):
    """Allow everything public, keep crawlers out of the admin, point at the sitemap (on
    the public address, whatever host the crawler asked)."""
    sitemap_url = absolute(reverse("sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {sitemap_url}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
