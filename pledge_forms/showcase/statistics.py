"""Campaign statistics over the published pledges: the checklist's sections, progress per
member (now and over time), adoption per practice and focus area and over time, members per
quarter, members per place."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateTimeField, Q, When
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from pledge_forms import conf
from pledge_forms.choices import (
    PracticeStatus,
    Stage,
)
from pledge_forms.geography import country_name, region_name
from pledge_forms.localization import localized
from pledge_forms.models.checklists import Checklist, ChecklistItem
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.progress import PracticeChange
from pledge_forms.services import lapse
from pledge_forms.services.identity import local_date
from pledge_forms.showcase import history
from pledge_forms.showcase.figures import cached
from pledge_forms.showcase.history import ProgressPoint
from pledge_forms.showcase.members import (
    AreaCounts,
    PublicMember,
    area_counts,
    choice_label,
    published_pledges,
)

# --- Checklist and progress -------------------------------------------------------------------


@dataclass(frozen=True)
class Practice:
    code: str
    number: int
    title: str
    section_slug: str
    item_id: int = 0

    @property
    def url(self) -> str:
        return conf.practice_url(self.section_slug, self.number)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    practices: list[Practice]


def checklist_sections(checklist: Checklist | int | None = None) -> list[Section]:
    """Sections (focus areas) of the checklist with their practices, in one query; their
    titles in the active language (``pledge_forms.localization``)."""
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
    for item in localized(items):
        section = sections.get(item.section_id)
        if section is None:
            section = sections[item.section_id] = Section(
                item.section.slug, item.section.title, []
            )
        section.practices.append(
            Practice(item.code, item.number, item.title, item.section.slug, item.pk)
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
        return choice_label(PracticeStatus, self.status)


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


@dataclass(frozen=True)
class AreaTimeline:
    """One focus area of one member over time: practices in place and in progress at
    the end of each quarter since the pledge."""

    section: Section
    points: list[ProgressPoint]

    @property
    def total(self) -> int:
        return len(self.section.practices)


def member_timeline(
    member: PublicMember,
    sections: list[Section],
    today: datetime.date | None = None,
) -> list[AreaTimeline]:
    """Progress per focus area over time of one member, from its dated practice
    changes (one query); empty when it chose not to show its progress per practice, or
    has no dated change yet."""
    if not member.shows_practices:
        return []
    groups = {
        practice.item_id: index
        for index, section in enumerate(sections)
        for practice in section.practices
    }
    changes = list(
        PracticeChange.objects.filter(pledge_id=member.pk, item_id__in=list(groups))
        .order_by("changed_on", "pk")
        .values_list("item_id", "status_after", "changed_on")
    )
    if not changes:
        return []
    start = min(member.pledged_on or changes[0][2], changes[0][2])
    end = max(today or timezone.localdate(), changes[-1][2])
    series = history.replay(changes, groups, len(sections), start, end)
    return [
        AreaTimeline(section, points)
        for section, points in zip(sections, series, strict=True)
    ]


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
    pledged: int  # published members in the pledged stage, deadline not passed
    completed: int
    practices: list[Share]
    focus_areas: list[Share]
    periods: list[Period]
    lapsed: int = 0  # deadline passed, not completed (``services.lapse``)
    # Practices of the published members in place and in progress at the end of each
    # quarter, from their dated changes.
    adoption: list[ProgressPoint] = field(default_factory=list)

    @property
    def adoption_top(self) -> int:
        return max((p.in_place + p.in_progress for p in self.adoption), default=0)

    @property
    def completed_percent(self) -> float:
        return round(100 * self.completed / self.members, 1) if self.members else 0.0


def _quarter(value: datetime.datetime | None) -> tuple[int, int] | None:
    if value is None:
        return None
    return history.quarter_of(local_date(value))


def campaign_statistics(
    checklist: Checklist | int | None = None, sections: list[Section] | None = None
) -> CampaignStatistics:
    """Members by stage, adoption per practice and focus area, pledges per quarter.

    The checklist, a fingerprint of the published pledges and (when the fingerprint is
    new) three aggregations in SQL; the result is kept in the one cache of figures, so
    publishing or unpublishing a pledge shows at once. Measured with 2,000 members, the
    aggregation alone costs about 50 ms of CPU, hence the cache.
    """
    if sections is None:
        sections = checklist_sections(checklist)
    checklist = [
        (s.slug, s.title, [(p.code, p.number, p.title) for p in s.practices])
        for s in sections
    ]
    return cached("statistics", lambda: _compute_statistics(sections), checklist)


def _members_by_quarter() -> list[
    tuple[str, datetime.datetime | None, datetime.datetime | None, int]
]:
    """(stage, quarter pledged, quarter completed, members) of the published pledges, one
    query grouped in SQL (quarters in the site's time zone; completed ones only)."""
    completed = Q(stage=Stage.COMPLETED, completed_at__isnull=False)
    return list(
        published_pledges()
        .order_by()
        .annotate(
            pledged_quarter=TruncQuarter("pledged_at"),
            completed_quarter=Case(
                When(completed, then=TruncQuarter("completed_at")),
                default=None,
                output_field=DateTimeField(),
            ),
            public_stage=lapse.stage_expression(),
        )
        .values("public_stage", "pledged_quarter", "completed_quarter")
        .annotate(n=Count("pk"))
        .values_list("public_stage", "pledged_quarter", "completed_quarter", "n")
    )


def practice_counts(items: list[int]) -> dict[int, Counter]:
    """Published members per practice and status, counted in SQL (one query). A member
    without a row for a practice counts as not yet planned."""
    rows = (
        PledgePractice.objects.filter(
            pledge__in=published_pledges().order_by().values("pk"), item_id__in=items
        )
        .order_by()
        .values("item_id")
        .annotate(
            **{status: Count("pk", filter=Q(status=status)) for status in STATUS_ORDER}
        )
    )
    return {
        row.pop("item_id"): Counter({k: v for k, v in row.items() if v}) for row in rows
    }


def adoption_over_time(
    items: list[int], today: datetime.date | None = None
) -> list[ProgressPoint]:
    """Practices of the published pledges in place and in progress at the end of each
    quarter: their dated changes counted per quarter in SQL (one query), then added up.
    Each change adds one to the status it reaches and takes one from the status it
    leaves, so a quarter's total is the members' practices at its end."""
    in_place, in_progress = PracticeStatus.IN_PLACE, PracticeStatus.IN_PROGRESS
    rows = (
        PracticeChange.objects.filter(
            pledge__in=published_pledges().order_by().values("pk"), item_id__in=items
        )
        .order_by()
        .annotate(quarter=TruncQuarter("changed_on"))
        .values("quarter")
        .annotate(
            place_in=Count("pk", filter=Q(status_after=in_place)),
            place_out=Count("pk", filter=Q(status_before=in_place)),
            progress_in=Count("pk", filter=Q(status_after=in_progress)),
            progress_out=Count("pk", filter=Q(status_before=in_progress)),
        )
    )
    deltas = {
        history.quarter_of(row["quarter"]): (
            row["place_in"] - row["place_out"],
            row["progress_in"] - row["progress_out"],
        )
        for row in rows
        if row["quarter"] is not None
    }
    return history.accumulate(deltas, today or timezone.localdate())


def _compute_statistics(sections: list[Section]) -> CampaignStatistics:
    """Members by stage, adoption per practice and per focus area, members per
    quarter and adoption over time, aggregated in SQL: three queries whatever the
    number of members."""
    stages: Counter = Counter()
    pledged_quarters: Counter = Counter()
    completed_quarters: Counter = Counter()
    for stage, pledged, completed, n in _members_by_quarter():
        stages[stage] += n
        pledged_quarters[_quarter(pledged)] += n
        if completed is not None:
            completed_quarters[_quarter(completed)] += n
    members = sum(stages.values())
    counted = practice_counts([p.item_id for s in sections for p in s.practices])
    per_code: dict[str, Counter] = {}
    for section in sections:
        for practice in section.practices:
            counter = Counter(counted.get(practice.item_id, {}))
            counter[PracticeStatus.NOT_PLANNED] += members - sum(counter.values())
            per_code[practice.code] = counter

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
        running = pledged_quarters.get(None, 0)
        for quarter in history.quarter_range(quarters[0], quarters[-1]):
            running += pledged_quarters[quarter]
            periods.append(
                Period(
                    label=history.quarter_label(quarter),
                    pledged=pledged_quarters[quarter],
                    completed=completed_quarters[quarter],
                    members=running,
                )
            )
    return CampaignStatistics(
        members=members,
        pledged=stages[Stage.PLEDGED],
        completed=stages[Stage.COMPLETED],
        lapsed=stages[lapse.LAPSED],
        practices=practices,
        focus_areas=focus_areas,
        periods=periods,
        adoption=adoption_over_time([p.item_id for s in sections for p in s.practices]),
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
