"""The showcase's filters: read from the query string (bad values are dropped with a
notice), applied to the listed members, and the choices and counts that go with them."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from pledge_forms.choices import (
    AgencyType,
    SizeBand,
    Stage,
)
from pledge_forms.geography import country_name, region_name
from pledge_forms.models.pledges import Pledge
from pledge_forms.showcase.members import (
    listed_cards,
    listed_members,
)

SORTS = {
    "name": ("display_name", "pk"),
    "newest": ("-pledged_at", "-pk"),
}
DEFAULT_SORT = "name"
MAX_QUERY_LENGTH = 100
REGION_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}\Z")
COUNTRY_RE = re.compile(r"^[A-Z]{2}\Z")


# --- Filters ----------------------------------------------------------------------------------


@dataclass
class Filters:
    """The showcase's filters as read from the query string; bad values are dropped with a
    notice instead of failing."""

    country: str = ""
    region: str = ""
    agency_type: str = ""
    size_band: str = ""
    stage: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT
    notices: list[str] = field(default_factory=list)

    FILTER_NAMES = ("country", "region", "agency_type", "size_band", "stage", "q")

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.FILTER_NAMES)

    def as_params(self, **overrides: str) -> dict[str, str]:
        params = {name: getattr(self, name) for name in self.FILTER_NAMES}
        if self.sort != DEFAULT_SORT:
            params["sort"] = self.sort
        params.update(overrides)
        return {key: value for key, value in params.items() if value}


def _single(params, name: str) -> str:
    value = params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def parse_filters(params) -> Filters:
    """Read filters from a QueryDict (or dict); unknown or malformed values are ignored and
    explained in ``notices``."""
    filters = Filters()
    country = _single(params, "country").upper()
    if country:
        if COUNTRY_RE.match(country) and country_name(country) != country:
            filters.country = country
        else:
            filters.notices.append(_("The country filter was not recognised."))
    region = _single(params, "region").upper()
    if region:
        if REGION_RE.match(region) and region_name(region) != region:
            filters.region = region
        else:
            filters.notices.append(
                _("The state or province filter was not recognised.")
            )
    for name, choices, message in (
        ("agency_type", AgencyType, _("The agency type filter was not recognised.")),
        ("size_band", SizeBand, _("The size filter was not recognised.")),
        ("stage", Stage, _("The stage filter was not recognised.")),
    ):
        value = _single(params, name)
        if value:
            if value in choices.values:
                setattr(filters, name, value)
            else:
                filters.notices.append(message)
    q = " ".join(_single(params, "q").split())
    if len(q) > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH]
        filters.notices.append(_("The search was shortened to 100 characters."))
    filters.q = q
    sort = _single(params, "sort")
    if sort in SORTS:
        filters.sort = sort
    elif sort:
        filters.notices.append(_("The sort order was not recognised."))
    return filters


def filter_members(filters: Filters) -> QuerySet[Pledge]:
    """Listed members matching every active filter, in the chosen order (card columns)."""
    queryset = listed_cards()
    if filters.country:
        queryset = queryset.filter(country=filters.country)
    if filters.region:
        queryset = queryset.filter(region=filters.region)
    if filters.agency_type:
        queryset = queryset.filter(agency_type=filters.agency_type)
    if filters.size_band:
        queryset = queryset.filter(size_band=filters.size_band)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.q:
        # The name only: searching other fields could reveal what an agency chose to hide.
        queryset = queryset.filter(display_name__icontains=filters.q)
    return queryset.order_by(*SORTS[filters.sort])


@dataclass(frozen=True)
class FilterOptions:
    countries: list[tuple[str, str]]
    regions: list[tuple[str, str]]
    agency_types: list[tuple[str, str]]
    size_bands: list[tuple[str, str]]
    stages: list[tuple[str, str]]


AreaCounts = list[tuple[str, str, str, int]]


def area_counts() -> AreaCounts:
    """(country, region, stage, members) of the listed members, in one query; the filter
    choices, the unfiltered stage counts and the map are all computed from it."""
    return list(
        listed_members()
        .order_by()
        .values_list("country", "region", "stage")
        .annotate(n=Count("pk"))
        .values_list("country", "region", "stage", "n")
    )


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
    return FilterOptions(
        countries=countries,
        regions=regions,
        agency_types=[(str(v), str(label)) for v, label in AgencyType.choices],
        size_bands=[(str(v), str(label)) for v, label in SizeBand.choices],
        stages=[(str(v), str(label)) for v, label in Stage.choices],
    )


def stage_counts_for(
    filters: Filters, counts: AreaCounts
) -> list[tuple[str, int]] | None:
    """Stage counts of the filtered list from :func:`area_counts` when the filters allow
    it (country, region and stage only), else None."""
    if filters.agency_type or filters.size_band or filters.q:
        return None
    totals: Counter = Counter()
    for country, region, stage, members in counts:
        if filters.country and country != filters.country:
            continue
        if filters.region and region != filters.region:
            continue
        if filters.stage and stage != filters.stage:
            continue
        totals[stage] += members
    return [(str(label), totals.get(value, 0)) for value, label in Stage.choices]


def stage_counts(queryset: QuerySet[Pledge] | None = None) -> list[tuple[str, int]]:
    """Members per stage (of ``queryset``, all listed members by default), as (label, count)
    in the order of ``Stage``, in one query."""
    if queryset is None:
        queryset = listed_members()
    counts = dict(
        queryset.order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    return [(str(label), counts.get(value, 0)) for value, label in Stage.choices]
