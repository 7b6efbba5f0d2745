"""Filters of the pledge listing in the admin."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from pledge_forms.choices import AgencyType, ReviewStatus, Stage
from pledge_forms.geography import country_choices
from pledge_forms.models.pledges import Pledge, lapsed_q


class PledgeFilterSet(WagtailFilterSet):
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    review_status = django_filters.ChoiceFilter(
        label=_("Review status"), choices=ReviewStatus.choices
    )
    verified = django_filters.BooleanFilter(
        label=_("Verified"), method="filter_verified"
    )
    eligible = django_filters.BooleanFilter(label=_("Eligible"))
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=lambda: country_choices()
    )
    agency_type = django_filters.ChoiceFilter(
        label=_("Agency type"), choices=AgencyType.choices
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    def filter_verified(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(verified_at__isnull=not value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = lapsed_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    class Meta:
        model = Pledge
        fields = []
