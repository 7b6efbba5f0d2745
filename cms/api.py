"""The public read-only API at /api/v2/: pages, images, documents and campaign members.

Every endpoint reads its query parameters through :class:`ValidatedQueryMixin`, so a
value Wagtail's API would pass to the database as it came (an offset beyond what SQLite
and PostgreSQL count with, ``find/?id=abc``, a stray quote in ``search``, which SQLite's
full-text search reads as syntax) is a 400 with a message, never a server error.
"""

import re

from django.conf import settings
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError

from campaign_pages.queries import clean_search_query, search_terms
from pledge_forms.showcase.api import BoundedPagination, MembersAPIViewSet

MAX_SEARCH_LENGTH = 200
SEARCH_OPERATORS = ("and", "or")
ID_RE = re.compile(r"[0-9]{1,18}\Z")


class WordSearchFilter(SearchFilter):
    """``?search=`` on the words of the query only (control characters, quotes and
    operators dropped, at most 200 characters), as the site search reads it, and
    ``?search_operator=`` checked."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            raise BadRequestError("search is disabled")
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError(
                "filtering by tag with a search query is not supported"
            )
        operator = request.GET.get("search_operator") or None
        if operator not in (None, *SEARCH_OPERATORS):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        words = search_terms(
            clean_search_query(request.GET["search"], MAX_SEARCH_LENGTH)
        )
        if not words:  # punctuation only: nothing to look for, nothing found
            return queryset.none()
        try:
            return get_search_backend().search(
                words,
                queryset,
                operator=operator,
                order_by_relevance="order" not in request.GET,
            )
        except FilterFieldError as error:
            raise BadRequestError(
                f"cannot filter by '{error.field_name}' while searching "
                "(field is not indexed)"
            ) from error
        except OrderByFieldError as error:
            raise BadRequestError(
                f"cannot order by '{error.field_name}' while searching "
                "(field is not indexed)"
            ) from error


def with_word_search(backends: list) -> list:
    return [WordSearchFilter if b is SearchFilter else b for b in backends]


class ValidatedQueryMixin:
    """The query parameter checks every endpoint shares: the bounded offset and
    ``find/?id=`` a whole number."""

    pagination_class = BoundedPagination

    def find_object(self, queryset, request):
        if "id" in request.GET and not ID_RE.match(request.GET["id"]):
            raise BadRequestError("id must be a positive integer")
        return super().find_object(queryset, request)


class SitePagesAPIViewSet(ValidatedQueryMixin, PagesAPIViewSet):
    filter_backends = with_word_search(PagesAPIViewSet.filter_backends)


class SiteImagesAPIViewSet(ValidatedQueryMixin, ImagesAPIViewSet):
    filter_backends = with_word_search(ImagesAPIViewSet.filter_backends)


class SiteDocumentsAPIViewSet(ValidatedQueryMixin, DocumentsAPIViewSet):
    filter_backends = with_word_search(DocumentsAPIViewSet.filter_backends)


class SiteMembersAPIViewSet(ValidatedQueryMixin, MembersAPIViewSet):
    pass


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", SitePagesAPIViewSet)
api_router.register_endpoint("images", SiteImagesAPIViewSet)
api_router.register_endpoint("documents", SiteDocumentsAPIViewSet)
api_router.register_endpoint("members", SiteMembersAPIViewSet)
