"""The showcase's filters, as django-filter filter sets: read from the query string (bad
values are left out, each with a notice), applied to the listed members, and the choices
and counts that go with them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField as FilterChoiceField

from pledge_forms.choices import (
    AgencyType,
    SizeBand,
    Stage,
)
from pledge_forms.geography import country_name, region_name
from pledge_forms.models.pledges import Pledge
from pledge_forms.services import lapse
from pledge_forms.showcase.members import AreaCounts, area_counts, listed_members

SORTS = {
    "name": ("display_name", "pk"),
    "newest": ("-pledged_at", "-pk"),
}
SORT_CHOICES = [("name", _("Name")), ("newest", _("Newest first"))]
DEFAULT_SORT = "name"
MAX_QUERY_LENGTH = 100
REGION_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}\Z")
COUNTRY_RE = re.compile(r"^[A-Z]{2}\Z")


# --- Filters ----------------------------------------------------------------------------------


def is_country(code: str) -> bool:
    return bool(COUNTRY_RE.match(code)) and country_name(code) != code


def is_region(code: str) -> bool:
    return bool(REGION_RE.match(code)) and region_name(code) != code


class PlaceField(FilterChoiceField):
    """A country or region code, upper-cased. Every known code is valid, so a link to a
    place keeps working when its last member leaves; the choices offered are only the
    places that have members."""

    def __init__(self, *args, is_known, **kwargs):
        self.is_known = is_known
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return super().to_python(value).strip().upper()

    def valid_value(self, value):
        return self.is_known(value)


class PlaceFilter(django_filters.ChoiceFilter):
    field_class = PlaceField


class SearchField(forms.CharField):
    """Words of a name: spaces collapsed, cut to ``MAX_QUERY_LENGTH`` characters (the
    filter set says so in a notice)."""

    def to_python(self, value):
        return " ".join(super().to_python(value).split())[:MAX_QUERY_LENGTH]


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class MemberFilterSet(django_filters.FilterSet):
    """Filters on fields every member shows (the members API uses these alone, so no
    filter can reveal a field an agency hid). Invalid values are left out of the query
    and explained in :attr:`notices`."""

    country = PlaceFilter(
        label=_("Country"),
        empty_label=_("All countries"),
        is_known=is_country,
        error_messages={"invalid_choice": _("The country filter was not recognised.")},
    )
    region = PlaceFilter(
        label=_("State / province"),
        empty_label=_("All states and provinces"),
        is_known=is_region,
        error_messages={
            "invalid_choice": _("The state or province filter was not recognised.")
        },
    )
    agency_type = django_filters.ChoiceFilter(
        label=_("Agency type"),
        choices=AgencyType.choices,
        empty_label=_("All types"),
        error_messages={
            "invalid_choice": _("The agency type filter was not recognised.")
        },
    )
    size_band = django_filters.ChoiceFilter(
        label=_("Sworn officers"),
        choices=SizeBand.choices,
        empty_label=_("All sizes"),
        error_messages={"invalid_choice": _("The size filter was not recognised.")},
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"),
        choices=lapse.public_stage_choices,
        empty_label=_("All stages"),
        error_messages={"invalid_choice": _("The stage filter was not recognised.")},
        method="filter_stage",
    )

    class Meta:
        model = Pledge
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, options=None, **kwargs):
        if data is not None:
            # Codes upper-cased before the form sees them, so it shows back what applies.
            data = data.copy()
            for name in ("country", "region"):
                if isinstance(data.get(name), str):
                    data[name] = data[name].strip().upper()
        super().__init__(data, queryset, **kwargs)
        if options is not None:
            self.filters["country"].extra["choices"] = options.countries
            self.filters["region"].extra["choices"] = options.regions
        self.filters["stage"].extra["choices"] = shown_stages()
        self.form.auto_id = "filter-%s"

    def filter_stage(self, queryset, name, value):
        """The public stage: "pledged" means not lapsed, "lapsed" the one rule."""
        if value == lapse.LAPSED:
            return queryset.filter(lapse.lapsed_q())
        if value == Stage.PLEDGED:
            return queryset.filter(stage=value).exclude(lapse.lapsed_q())
        return queryset.filter(stage=value)

    @cached_property
    def extra_notices(self) -> list[str]:
        """Notices that are no filter's error (a search shortened, a bad page number)."""
        return []

    @property
    def notices(self) -> list[str]:
        """Why a value was left out or changed: the filters' errors in the form's order,
        then the other notices."""
        errors = [str(message) for field in self.form for message in field.errors]
        return errors + self.extra_notices

    @cached_property
    def applied(self) -> dict[str, str]:
        """The filters in force: valid, non-empty values by name (the order aside)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if value and name != "sort"
        }

    @property
    def cleaned_data(self) -> dict:
        """The form's valid values (an invalid one is left out); empty if unbound."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    @property
    def active(self) -> bool:
        return bool(self.applied)


class ShowcaseFilterSet(MemberFilterSet):
    """The showcase list's filters: those of :class:`MemberFilterSet`, a search on the
    display name, and the order."""

    # The name only: searching other fields could reveal what an agency chose to hide.
    q = SearchFilter(
        label=_("Agency name"),
        field_name="display_name",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        empty_label=None,
        method="order",
        error_messages={"invalid_choice": _("The sort order was not recognised.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.order_fields(["q"])
        words = self.data.get("q", "")
        if isinstance(words, str) and len(" ".join(words.split())) > MAX_QUERY_LENGTH:
            self.extra_notices.append(
                str(_("The search was shortened to 100 characters."))
            )

    @property
    def ordering(self) -> str:
        """The order in force: the one asked for if valid, else the default."""
        return self.cleaned_data.get("sort") or DEFAULT_SORT

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.order_by(*SORTS[DEFAULT_SORT]))

    def order(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    def query_params(self, **overrides: str) -> dict[str, str]:
        """The filters in force as query parameters, in the order they are declared (the
        sort order only when not the default), with ``overrides``; empty values left
        out."""
        params = {name: self.applied.get(name, "") for name in self.filters}
        if self.ordering != DEFAULT_SORT:
            params["sort"] = self.ordering
        params.update(overrides)
        return {key: value for key, value in params.items() if value}


@dataclass(frozen=True)
class FilterOptions:
    countries: list[tuple[str, str]]
    regions: list[tuple[str, str]]


def filter_options(counts: AreaCounts | None = None) -> FilterOptions:
    """Choices for the filter form: countries and regions that have members."""
    if counts is None:
        counts = area_counts()
    pairs = {(country, region) for country, region, _stage, _n in counts}
    countries = sorted(
        {(c, country_name(c)) for c, _r in pairs if c}, key=lambda item: item[1]
    )
    regions = sorted(
        {(r, f"{region_name(r)} ({country_name(c)})") for c, r in pairs if r},
        key=lambda item: item[1],
    )
    return FilterOptions(countries=countries, regions=regions)


def stage_counts_for(
    applied: dict[str, str], counts: AreaCounts
) -> list[tuple[str, int]] | None:
    """Stage counts of the filtered list from :func:`area_counts` when the filters in
    force (``applied``) allow it (country, region and stage only), else None."""
    if set(applied) - {"country", "region", "stage"}:
        return None
    totals: Counter = Counter()
    for country, region, stage, members in counts:
        if applied.get("country", country) != country:
            continue
        if applied.get("region", region) != region:
            continue
        if applied.get("stage", stage) != stage:
            continue
        totals[stage] += members
    return [(str(label), totals.get(value, 0)) for value, label in shown_stages()]


def stage_counts(queryset: QuerySet[Pledge] | None = None) -> list[tuple[str, int]]:
    """Members per stage (of ``queryset``, all listed members by default), as (label, count)
    in the order of ``Stage``, in one query."""
    if queryset is None:
        queryset = listed_members()
    counts = dict(
        queryset.order_by()
        .annotate(public_stage=lapse.stage_expression())
        .values_list("public_stage")
        .annotate(n=Count("pk"))
        .values_list("public_stage", "n")
    )
    return [(str(label), counts.get(value, 0)) for value, label in shown_stages()]


def shown_stages() -> list[tuple[str, str]]:
    """The stages the showcase lists: "lapsed" too unless the policy hides lapsed
    members (``pledge_forms.services.lapse``)."""
    if lapse.hides_lapsed():
        return list(Stage.choices)
    return lapse.public_stage_choices()
