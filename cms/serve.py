"""Wagtail's page view, with the site and the route of each address remembered per process
(``RouteMemoMiddleware``).

Finding the page costs Wagtail five queries (the site, the active locale, the home page and
its specific row, the page and its specific row). Both answers change only when pages are
published, unpublished, moved or deleted, or the site changes, which increment the ``site``
or ``pages`` topic (cms/topics.py): until then this process answers from ``topics.memo``.
Wagtail reads them from the request (``_wagtail_site``, ``_wagtail_route_for_request``): the
middleware sets them before Wagtail's ``serve`` view runs, and everything after (its hooks,
view restrictions, the page's own ``serve``) runs as before.

Addresses that lead nowhere are not remembered: junk URLs cannot fill the memo. What is kept
is a pickled copy made before the page is served: each request gets page objects of its own,
as from the database.
"""

import pickle

from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from cms import topics

SHOWS = (topics.SITE, topics.PAGES)


def _kept(found):
    """What is remembered of a site or a route: a copy made before any request used it,
    which every request unpickles into objects of its own. Models keep what a request
    worked out on them (``cached_property``, related objects): shared, one request's
    would be the next one's."""
    return None if found is None else pickle.dumps(found, pickle.HIGHEST_PROTOCOL)


def _site(request):
    host, port = request._get_raw_host(), request.get_port()
    kept = topics.memo.get(
        request,
        ("site", host, port),
        (topics.SITE,),
        lambda: _kept(Site._find_for_request(request)),
    )
    return None if kept is None else pickle.loads(kept)  # noqa: S301 (made by _kept)


def _route(request, path: str):
    site = request._wagtail_site
    if site is None:
        return None
    key = ("route", site.pk, get_language(), path)
    kept = topics.memo.get(request, key, SHOWS, lambda: _find_route(request, path))
    return None if kept is None else pickle.loads(kept)  # noqa: S301 (made by _kept)


def _find_route(request, path):
    try:
        found = Page.route_for_request(request, path)
    except Http404:
        return None
    # Wagtail's own memo of this request holds the objects pickled: this request, too,
    # serves the copy.
    del request._wagtail_route_for_request
    return _kept(found)


class RouteMemoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Lookups given no request (a plugin's hook) read this one's generations.
        with topics.serving(request):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_views.serve or not view_args:
            return None
        if not hasattr(request, "_wagtail_site"):
            request._wagtail_site = _site(request)
        if not hasattr(request, "_wagtail_route_for_request"):
            route = _route(request, view_args[0])
            if route is not None:
                request._wagtail_route_for_request = route
        return None
