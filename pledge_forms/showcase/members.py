"""What the public sees of the pledges: the listed members and their public profile.

Everything public goes through :func:`public_member`, which reads the published row (never a
draft revision) and keeps only the fields the agency agreed to show. Pages, data files, the API,
badges and certificates all use it, so a private field cannot reach them by another path.

Published member (listed): ``live`` (its latest approved revision is published), not declined,
and consenting to a public listing; with ``PLEDGE_FORMS_LAPSED_POLICY = "hidden"``, not
lapsed either (``pledge_forms.services.lapse``). Campaign statistics count every published
pledge, as anonymous totals. The stage shown is the public one: "lapsed" past the deadline.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from pledge_forms.choices import (
    AgencyType,
    PracticeStatus,
    ReviewStatus,
    SizeBand,
    Stage,
)
from pledge_forms.geography import country_name, region_name
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.services import lapse
from pledge_forms.services.identity import local_date
from pledge_forms.showcase.figures import cached

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

SLUG_RE = re.compile(r"^[-\w]+\Z")


# --- Querysets ----------------------------------------------------------------------------


def published_pledges() -> QuerySet[Pledge]:
    """Every published pledge (for anonymous statistics)."""
    return Pledge.objects.filter(live=True).exclude(review_status=ReviewStatus.DECLINED)


def showcase_pledges() -> QuerySet[Pledge]:
    """Published pledges whose agency agreed to a public listing, less the lapsed ones
    when the lapse policy hides them."""
    queryset = published_pledges().filter(consent_listed=True)
    if lapse.hides_lapsed():
        queryset = queryset.exclude(lapse.lapsed_q())
    return queryset


def listed_members() -> QuerySet[Pledge]:
    """The showcase's members (:func:`showcase_pledges`), public columns only."""
    return showcase_pledges().only(*(name for name in PUBLIC_COLUMNS if name != "pk"))


def listed_cards() -> QuerySet[Pledge]:
    """Listed members with the columns a list card needs (see :func:`public_card`)."""
    return showcase_pledges().only(*CARD_COLUMNS)


def public_practices() -> Prefetch:
    """The published practice rows of the pledges, with their codes, in one query."""
    return Prefetch(
        "practices",
        queryset=PledgePractice.objects.annotate(code=F("item__code")).only(
            "pledge", "item", "status"
        ),
    )


def listed_profiles() -> QuerySet[Pledge]:
    """Listed members with what their full profile needs, practice statuses included
    (one more query per evaluation, whatever the number of members)."""
    return listed_members().prefetch_related(public_practices())


def listed_member(slug: str) -> Pledge | None:
    """The listed member with this slug, or None (unknown, unpublished, declined, unlisted)."""
    if not slug or not SLUG_RE.match(slug):
        return None
    return listed_profiles().filter(slug=slug).first()


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


def choice_label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def stage_label(stage: str) -> str:
    """The label of a public stage ("lapsed" included)."""
    return str(dict(lapse.public_stage_choices()).get(stage, stage))


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
            # The rows of the pledge in the database: the published ones, never a
            # draft revision's.
            rows = sorted(
                (getattr(row, "code", None) or row.item.code, row.status)
                for row in pledge.practices.all()
            )
            for code, status in rows:
                if status in PRACTICE_STATUSES:
                    practices[code] = status
        if pledge.consent_show_logo and pledge.logo:
            try:
                logo_url = pledge.logo.url
            except ValueError:
                logo_url = ""
    profile = not card
    show_chief = profile and pledge.consent_show_chief
    stage = lapse.public_stage(pledge)
    return PublicMember(
        pk=pledge.pk,
        slug=pledge.slug,
        name=pledge.display_name,
        agency_type=pledge.agency_type,
        agency_type_label=choice_label(AgencyType, pledge.agency_type),
        country=pledge.country,
        country_name=country_name(pledge.country),
        region=pledge.region,
        region_name=region_name(pledge.region),
        city=pledge.city if pledge.consent_show_city else "",
        size_band=pledge.size_band,
        size_band_label=choice_label(SizeBand, pledge.size_band),
        website=pledge.website if profile and pledge.consent_show_website else "",
        logo_url=logo_url,
        statement=(
            pledge.public_statement if profile and pledge.consent_show_statement else ""
        ),
        chief_name=pledge.chief_name if show_chief else "",
        chief_title=pledge.chief_title if show_chief else "",
        stage=stage,
        stage_label=stage_label(stage),
        pledged_on=local_date(pledge.pledged_at),
        deadline=pledge.deadline,
        completed_on=(
            local_date(pledge.completed_at) if pledge.stage == Stage.COMPLETED else None
        ),
        featured=pledge.featured,
        practices=practices,
        shows_practices=profile and pledge.consent_show_practices,
    )


def public_card(pledge: Pledge) -> PublicMember:
    """The public fields a list shows, from a row of :func:`listed_cards`."""
    return public_member(pledge, card=True)


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
    """Featured, recently pledged and recently completed members, from the one cache of
    figures (when the members changed, one query: the three small ordered queries joined
    with UNION ALL, each row tagged with its list)."""
    return cached(
        "highlights",
        lambda: _highlights(featured, recent, completed),
        featured,
        recent,
        completed,
    )


def _highlights(featured: int, recent: int, completed: int) -> Highlights:
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


AreaCounts = list[tuple[str, str, str, int]]


def area_counts() -> AreaCounts:
    """(country, region, stage, members) of the listed members, from the one cache of
    figures (one grouped query when the members changed); the filter choices, the
    unfiltered stage counts and the map are all computed from it."""
    return cached("area_counts", _area_counts)


def _area_counts() -> AreaCounts:
    return list(
        listed_members()
        .order_by()
        .annotate(public_stage=lapse.stage_expression())
        .values_list("country", "region", "public_stage")
        .annotate(n=Count("pk"))
        .values_list("country", "region", "public_stage", "n")
    )


# --- Site search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberSearch:
    """The listed members a site search found: the first ``members`` and the ``count``."""

    members: list[PublicMember]
    count: int


def _region_codes_named(words: list[str]) -> dict[str, set[str]]:
    """For each word, the codes of the regions where listed members are whose name holds
    it (the regions in use, a few hundred at most, from the members per area kept in the
    one cache of figures, matched in Python since the names live in pycountry)."""
    regions = {
        region: region_name(region).casefold()
        for _country, region, _stage, _members in area_counts()
        if region
    }
    return {
        word: {code for code, name in regions.items() if word in name} for word in words
    }


def search_members(terms: str, limit: int = 10) -> MemberSearch:
    """Listed members matching every word of ``terms`` on what they show: the display
    name, the city (only when the agency shows it) and the state or province's name.

    Nothing else is searched, so a search cannot reveal a field an agency hid or a
    pledge that is not public: the same rows and consents as :func:`public_card`.
    One query, whatever the number of members (with the members per area cached)."""
    words = [word.casefold() for word in terms.split()][:20]
    if not words:
        return MemberSearch(members=[], count=0)
    region_codes = _region_codes_named(words)
    queryset = listed_cards()
    for word in words:
        queryset = queryset.filter(
            Q(display_name__icontains=word)
            | Q(consent_show_city=True, city__icontains=word)
            | Q(region__in=region_codes[word])
        )
    # The total comes with the first rows (a window over every match), so a search costs
    # the same queries however many members it finds.
    rows = list(
        queryset.annotate(search_total=Window(Count("pk"))).order_by(
            "display_name", "pk"
        )[:limit]
    )
    count = rows[0].search_total if rows else 0
    return MemberSearch(members=[public_card(row) for row in rows], count=count)
