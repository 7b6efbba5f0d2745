"""Members in the Wagtail API (``/api/v2/members/``): the same public fields as the open data.

Only listed members appear; filters are limited to fields every member shows (country,
region, agency type, size band, stage), so a filter cannot reveal a field an agency hid.
"""

from __future__ import annotations

from django.http import Http404
from rest_framework import serializers
from rest_framework.response import Response
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from pledge_forms.models.pledges import Pledge
from pledge_forms.showcase.filters import MemberFilterSet
from pledge_forms.showcase.members import listed_profiles, public_member
from pledge_forms.showcase.models import showcase_page
from pledge_forms.showcase.opendata import member_record

FILTER_PARAMETERS = frozenset(MemberFilterSet.base_filters)
# Far beyond any listing here, and offset + limit still fits PostgreSQL's bigint and
# SQLite's 64-bit integer.
MAX_OFFSET = 1_000_000_000


class BoundedPagination(WagtailPagination):
    """Wagtail's ``limit``/``offset`` pagination with an upper bound on the offset."""

    def paginate_queryset(self, queryset, request, view=None):
        try:
            offset = int(request.GET.get("offset", 0))
        except ValueError:
            offset = 0  # Wagtail's own check gives the message
        if offset > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class MemberSerializer(serializers.BaseSerializer):
    def to_representation(self, instance):
        record = member_record(public_member(instance), self.context["member_url"])
        return {
            "id": record.pop("id"),
            "meta": {"type": "pledge_forms.Member", "html_url": record["url"]},
            **record,
        }


class MembersAPIViewSet(BaseAPIViewSet):
    """Listed members with their public fields; ``?country=US&stage=completed`` filter."""

    model = Pledge
    name = "members"
    known_query_parameters = frozenset(["limit", "offset", "format", "_"]).union(
        FILTER_PARAMETERS
    )
    filter_backends = []
    pagination_class = BoundedPagination

    def get_queryset(self):
        return listed_profiles().order_by("pk")

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised field: "
                + ", ".join(sorted(unknown))
            )

    def filter_queryset(self, queryset):
        filters = MemberFilterSet(self.request.GET, queryset=queryset)
        if filters.notices:
            raise BadRequestError("; ".join(filters.notices))
        return filters.qs

    def get_serializer_class(self):
        return MemberSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = showcase_page()
        context["member_url"] = (
            page.member_url_builder(self.request) if page else (lambda slug: "")
        )
        return context

    def detail_view(self, request, pk):
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise Http404("not found")
        return Response(self.get_serializer(instance).data)

    def find_view(self, request):
        raise Http404("not found")
