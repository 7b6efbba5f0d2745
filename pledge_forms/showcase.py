"""What the public sees of the pledges: the listed members, their filters and the statistics.

Everything public goes through :func:`public_member`, which reads the published row (never a
draft revision) and keeps only the fields the agency agreed to show. Pages, data files, the API,
badges and certificates all use it, so a private field cannot reach them by another path.

Published member (listed): ``live`` (its latest approved revision is published), not declined,
and consenting to a public listing. Campaign statistics count every published pledge, as
anonymous totals.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pledge_forms import conf
from pledge_forms.choices import (
    AgencyType,
    PracticeStatus,
    ReviewStatus,
    SizeBand,
    Stage,
)
from pledge_forms.geography import country_name, region_name
from pledge_forms.models import Checklist, ChecklistItem, Pledge

# Columns read from the database for anything public. Private fields (contacts, notes,
# review state) are never even loaded.
PUBLIC_COLUMNS = (
    "pk",
    "slug",
    "display_name",
    "agency_type",
    "country",
    "region",
    "city",
    "size_band",
    "website",
    "logo",
    "public_statement",
    "chief_name",
    "chief_title",
    "practice_statuses",
    "stage",
    "pledged_at",
    "deadline",
    "completed_at",
    "featured",
    "featured_order",
    "consent_show_city",
    "consent_show_website",
    "consent_show_logo",
    "consent_show_statement",
    "consent_show_chief",
    "consent_show_practices",
)

# Enough for a card in a list (no statement, practices or logo): lists sort narrow rows.
CARD_COLUMNS = (
    "slug",
    "display_name",
    "agency_type",
    "country",
    "region",
    "city",
    "consent_show_city",
    "size_band",
    "stage",
    "pledged_at",
    "completed_at",
    "deadline",
    "featured",
    "featured_order",
)

PRACTICE_STATUSES = frozenset(PracticeStatus.values)

SORTS = {
    "name": ("display_name", "pk"),
    "newest": ("-pledged_at", "-pk"),
}
DEFAULT_SORT = "name"
MAX_QUERY_LENGTH = 100
SLUG_RE = re.compile(r"^[-\w]+\Z")
REGION_RE = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}\Z")
COUNTRY_RE = re.compile(r"^[A-Z]{2}\Z")


# --- Querysets ----------------------------------------------------------------------------


def published_pledges() -> QuerySet[Pledge]:
    """Every published pledge (for anonymous statistics)."""
    return Pledge.objects.filter(live=True).exclude(review_status=ReviewStatus.DECLINED)


def listed_members() -> QuerySet[Pledge]:
    """Published pledges whose agency agreed to a public listing, public columns only."""
    return (
        published_pledges()
        .filter(consent_listed=True)
        .only(*(name for name in PUBLIC_COLUMNS if name != "pk"))
    )


def listed_cards() -> QuerySet[Pledge]:
    """Listed members with the columns a list card needs (see :func:`public_card`)."""
    return published_pledges().filter(consent_listed=True).only(*CARD_COLUMNS)


def listed_member(slug: str) -> Pledge | None:
    """The listed member with this slug, or None (unknown, unpublished, declined, unlisted)."""
    if not slug or not SLUG_RE.match(slug):
        return None
    return listed_members().filter(slug=slug).first()


# --- Public profile -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicMember:
    """The public fields of one member, with the agency's consent applied."""

    pk: int
    slug: str
    name: str
    agency_type: str
    agency_type_label: str
    country: str
    country_name: str
    region: str
    region_name: str
    city: str
    size_band: str
    size_band_label: str
    website: str
    logo_url: str
    statement: str
    chief_name: str
    chief_title: str
    stage: str
    stage_label: str
    pledged_on: datetime.date | None
    deadline: datetime.date | None
    completed_on: datetime.date | None
    featured: bool
    practices: dict[str, str] = field(default_factory=dict)
    shows_practices: bool = False

    @property
    def url(self) -> str:
        return conf.member_url(self.slug)

    @property
    def is_completed(self) -> bool:
        return self.stage == Stage.COMPLETED

    @property
    def location(self) -> str:
        """ "City, State/Province, Country" as sister campaigns list their members."""
        parts = [self.city, self.region_name, self.country_name]
        return ", ".join(part for part in parts if part)

    @property
    def in_place_count(self) -> int:
        return sum(1 for s in self.practices.values() if s == PracticeStatus.IN_PLACE)


def _date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def public_member(pledge: Pledge, *, card: bool = False) -> PublicMember:
    """The public profile of a published pledge row (never of a draft revision).

    Consent decides each optional field here and nowhere else. ``card=True`` builds the
    short form a list card needs from a row of :func:`listed_cards`, which loads only the
    card's columns (no practices, logo, statement or chief executive).
    """
    practices: dict[str, str] = {}
    logo_url = ""
    if not card:
        if pledge.consent_show_practices:
            for code, entry in sorted((pledge.practice_statuses or {}).items()):
                status = entry.get("status") if isinstance(entry, dict) else None
                if status in PRACTICE_STATUSES:
                    practices[str(code)] = status
        if pledge.consent_show_logo and pledge.logo:
            try:
                logo_url = pledge.logo.url
            except ValueError:
                logo_url = ""
    profile = not card
    show_chief = profile and pledge.consent_show_chief
    return PublicMember(
        pk=pledge.pk,
        slug=pledge.slug,
        name=pledge.display_name,
        agency_type=pledge.agency_type,
        agency_type_label=_label(AgencyType, pledge.agency_type),
        country=pledge.country,
        country_name=country_name(pledge.country),
        region=pledge.region,
        region_name=region_name(pledge.region),
        city=pledge.city if pledge.consent_show_city else "",
        size_band=pledge.size_band,
        size_band_label=_label(SizeBand, pledge.size_band),
        website=pledge.website if profile and pledge.consent_show_website else "",
        logo_url=logo_url,
        statement=(
            pledge.public_statement if profile and pledge.consent_show_statement else ""
        ),
        chief_name=pledge.chief_name if show_chief else "",
        chief_title=pledge.chief_title if show_chief else "",
        stage=pledge.stage,
        stage_label=_label(Stage, pledge.stage),
        pledged_on=_date(pledge.pledged_at),
        deadline=pledge.deadline,
        completed_on=(
            _date(pledge.completed_at) if pledge.stage == Stage.COMPLETED else None
        ),
        featured=pledge.featured,
        practices=practices,
        shows_practices=profile and pledge.consent_show_practices,
    )


def public_card(pledge: Pledge) -> PublicMember:
    """The public fields a list shows, from a row of :func:`listed_cards`."""
    return public_member(pledge, card=True)


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


@dataclass(frozen=True)
class Highlights:
    featured: list[PublicMember]
    recent: list[PublicMember]
    completed: list[PublicMember]


def _featured_queryset():
    return (
        listed_cards()
        .filter(featured=True)
        .order_by("featured_order", "display_name", "pk")
    )


def _recent_queryset():
    return listed_cards().order_by("-pledged_at", "-pk")


def _completed_queryset():
    return (
        listed_cards()
        .filter(stage=Stage.COMPLETED, completed_at__isnull=False)
        .order_by("-completed_at", "-pk")
    )


def highlights(featured: int = 6, recent: int = 5, completed: int = 5) -> Highlights:
    """Featured, recently pledged and recently completed members, in one query: the three
    small ordered queries joined with UNION ALL, each row tagged with its list."""
    lists = (
        ("featured", _featured_queryset(), featured),
        ("recent", _recent_queryset(), recent),
        ("completed", _completed_queryset(), completed),
    )
    parts, params = [], []
    for tag, queryset, limit in lists:
        sql, part_params = queryset[:limit].query.sql_with_params()
        # The tags are the constants above; values travel as parameters.
        parts.append(
            f"SELECT '{tag}' AS showcase_list, {tag}.* FROM ({sql}) AS {tag}"  # noqa: S608
        )
        params.extend(part_params)
    found: dict[str, list[Pledge]] = {tag: [] for tag, _qs, _limit in lists}
    for pledge in Pledge.objects.raw(" UNION ALL ".join(parts), params):
        found[pledge.showcase_list].append(pledge)
    far_past = timezone.make_aware(datetime.datetime(1900, 1, 1))
    return Highlights(
        featured=[
            public_card(p)
            for p in sorted(
                found["featured"],
                key=lambda p: (p.featured_order, p.display_name, p.pk),
            )
        ],
        recent=[
            public_card(p)
            for p in sorted(
                found["recent"],
                key=lambda p: (p.pledged_at or far_past, p.pk),
                reverse=True,
            )
        ],
        completed=[
            public_card(p)
            for p in sorted(
                found["completed"], key=lambda p: (p.completed_at, p.pk), reverse=True
            )
        ],
    )


def featured_members(limit: int = 6) -> list[PublicMember]:
    return [public_card(p) for p in _featured_queryset()[:limit]]


def recently_pledged(limit: int = 5) -> list[PublicMember]:
    return [public_card(p) for p in _recent_queryset()[:limit]]


def recently_completed(limit: int = 5) -> list[PublicMember]:
    return [public_card(p) for p in _completed_queryset()[:limit]]


# --- Checklist and progress -------------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    code: str
    number: int
    title: str
    section_slug: str

    @property
    def url(self) -> str:
        return conf.practice_url(self.section_slug, self.number)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    practices: list[Practice]


def checklist_sections(checklist: Checklist | int | None = None) -> list[Section]:
    """Sections (focus areas) of the checklist with their practices, in one query."""
    items = ChecklistItem.objects.select_related("section").order_by(
        "section__sort_order", "number"
    )
    if isinstance(checklist, int):
        items = items.filter(section__checklist_id=checklist)
    elif checklist is not None:
        items = items.filter(section__checklist=checklist)
    else:
        first = Checklist.objects.order_by("pk").values("pk")[:1]
        items = items.filter(section__checklist__in=first)
    sections: dict[int, Section] = {}
    for item in items:
        section = sections.get(item.section_id)
        if section is None:
            section = sections[item.section_id] = Section(
                item.section.slug, item.section.title, []
            )
        section.practices.append(
            Practice(item.code, item.number, item.title, item.section.slug)
        )
    return list(sections.values())


STATUS_ORDER = (
    PracticeStatus.IN_PLACE,
    PracticeStatus.IN_PROGRESS,
    PracticeStatus.PLANNED,
    PracticeStatus.NOT_PLANNED,
)


@dataclass(frozen=True)
class PracticeProgress:
    practice: Practice
    status: str

    @property
    def status_label(self) -> str:
        return _label(PracticeStatus, self.status)


@dataclass(frozen=True)
class SectionProgress:
    section: Section
    practices: list[PracticeProgress]
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return len(self.practices)


def member_progress(
    member: PublicMember, sections: list[Section]
) -> list[SectionProgress]:
    """Progress per focus area of one member (empty when it chose not to show it)."""
    if not member.shows_practices:
        return []
    result = []
    for section in sections:
        rows = [
            PracticeProgress(
                practice,
                member.practices.get(practice.code, PracticeStatus.NOT_PLANNED),
            )
            for practice in section.practices
        ]
        counts = Counter(row.status for row in rows)
        result.append(
            SectionProgress(section, rows, {s: counts.get(s, 0) for s in STATUS_ORDER})
        )
    return result


# --- Statistics -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """Adoption of one practice or focus area: shares of member×practice answers."""

    label: str
    url: str
    in_place: int
    in_progress: int
    planned: int
    total: int

    def percent(self, value: int) -> float:
        return round(100 * value / self.total, 1) if self.total else 0.0

    @property
    def in_place_percent(self) -> float:
        return self.percent(self.in_place)

    @property
    def in_progress_percent(self) -> float:
        return self.percent(self.in_progress)

    @property
    def planned_percent(self) -> float:
        return self.percent(self.planned)


@dataclass(frozen=True)
class Period:
    label: str
    pledged: int
    completed: int
    members: int  # cumulative published members at the end of the period


@dataclass(frozen=True)
class CampaignStatistics:
    members: int
    pledged: int  # published members still in the pledged stage
    completed: int
    practices: list[Share]
    focus_areas: list[Share]
    periods: list[Period]

    @property
    def completed_percent(self) -> float:
        return round(100 * self.completed / self.members, 1) if self.members else 0.0


def _quarter(value: datetime.datetime | None) -> tuple[int, int] | None:
    if value is None:
        return None
    value = _date(value)
    return value.year, (value.month - 1) // 3 + 1


STATISTICS_CACHE_SECONDS = 3600


def _statistics_key(sections: list[Section]) -> str:
    """Changes whenever a pledge is published, unpublished or changed, or the checklist."""
    state = published_pledges().aggregate(
        n=Count("pk"), revisions=Sum("live_revision_id"), changed=Max("updated_at")
    )
    checklist = [
        (s.slug, s.title, [(p.code, p.number, p.title) for p in s.practices])
        for s in sections
    ]
    digest = hashlib.sha256(repr((state, checklist)).encode()).hexdigest()[:32]
    return f"pledge_forms:statistics:{digest}"


def campaign_statistics(
    checklist: Checklist | int | None = None, sections: list[Section] | None = None
) -> CampaignStatistics:
    """Members by stage, adoption per practice and focus area, pledges per quarter.

    At most three queries whatever the number of members: the checklist, a fingerprint of
    the published pledges, and (when the fingerprint is new) one pass over their stage,
    dates and practice statuses. The result is cached under the fingerprint, so publishing
    or unpublishing a pledge shows at once.
    """
    if sections is None:
        sections = checklist_sections(checklist)
    key = _statistics_key(sections)
    stats = cache.get(key)
    if stats is None:
        stats = _compute_statistics(sections)
        cache.set(key, stats, STATISTICS_CACHE_SECONDS)
    return stats


def _compute_statistics(sections: list[Section]) -> CampaignStatistics:
    rows = published_pledges().values_list(
        "stage", "pledged_at", "completed_at", "practice_statuses"
    )
    codes = {p.code for s in sections for p in s.practices}
    per_code: dict[str, Counter] = {code: Counter() for code in codes}
    stages: Counter = Counter()
    pledged_quarters: Counter = Counter()
    completed_quarters: Counter = Counter()
    members = 0
    for stage, pledged_at, completed_at, statuses in rows.iterator(chunk_size=2000):
        members += 1
        stages[stage] += 1
        pledged_quarters[_quarter(pledged_at)] += 1
        if stage == Stage.COMPLETED and completed_at is not None:
            completed_quarters[_quarter(completed_at)] += 1
        statuses = statuses if isinstance(statuses, dict) else {}
        for code in codes:
            entry = statuses.get(code)
            status = entry.get("status") if isinstance(entry, dict) else None
            per_code[code][status or PracticeStatus.NOT_PLANNED] += 1

    def share(label: str, url: str, counters: list[Counter]) -> Share:
        total = Counter()
        for counter in counters:
            total.update(counter)
        return Share(
            label=label,
            url=url,
            in_place=total[PracticeStatus.IN_PLACE],
            in_progress=total[PracticeStatus.IN_PROGRESS],
            planned=total[PracticeStatus.PLANNED],
            total=sum(total.values()),
        )

    practices = [
        share(f"{p.number}. {p.title}", p.url, [per_code[p.code]])
        for s in sections
        for p in s.practices
    ]
    focus_areas = [
        share(
            s.title,
            conf.practice_url(s.slug, s.practices[0].number).split("#")[0]
            if s.practices
            else "",
            [per_code[p.code] for p in s.practices],
        )
        for s in sections
    ]
    periods: list[Period] = []
    quarters = sorted(q for q in set(pledged_quarters) | set(completed_quarters) if q)
    if quarters:
        year, quarter = quarters[0]
        last = quarters[-1]
        running = pledged_quarters.get(None, 0)
        while (year, quarter) <= last:
            running += pledged_quarters[(year, quarter)]
            periods.append(
                Period(
                    label=f"{year} Q{quarter}",
                    pledged=pledged_quarters[(year, quarter)],
                    completed=completed_quarters[(year, quarter)],
                    members=running,
                )
            )
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return CampaignStatistics(
        members=members,
        pledged=stages[Stage.PLEDGED],
        completed=stages[Stage.COMPLETED],
        practices=practices,
        focus_areas=focus_areas,
        periods=periods,
    )


# --- Map ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    members: int
    completed: int


@dataclass(frozen=True)
class MapData:
    regions: dict[str, Area]  # US states by ISO 3166-2 code
    countries: list[Area]  # by member count, then name


def map_data(counts: AreaCounts | None = None) -> MapData:
    """Listed members per US state and per country."""
    if counts is None:
        counts = area_counts()
    regions: dict[str, list[int]] = {}
    countries: dict[str, list[int]] = {}
    for country, region, stage, members in counts:
        done = members if stage == Stage.COMPLETED else 0
        totals = countries.setdefault(country, [0, 0])
        totals[0] += members
        totals[1] += done
        if country == "US" and region:
            totals = regions.setdefault(region, [0, 0])
            totals[0] += members
            totals[1] += done
    return MapData(
        regions={
            code: Area(code, region_name(code), m, c)
            for code, (m, c) in regions.items()
        },
        countries=sorted(
            (
                Area(code, country_name(code), m, c)
                for code, (m, c) in countries.items()
            ),
            key=lambda area: (-area.members, area.name),
        ),
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
