"""Progress over time, by quarter, from the dated practice changes
(``pledge_forms.models.PracticeChange``): the calendar of quarters and the two ways the
showcase counts them. A member's progress replays its own changes (how many of a focus
area's practices were in place, and in progress, at the end of each quarter); the
campaign's adoption adds up, per quarter, the changes of every published member, counted
in SQL by ``pledge_forms.showcase.statistics``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pledge_forms.choices import PracticeStatus

Quarter = tuple[int, int]  # (year, 1-4)


@dataclass(frozen=True)
class ProgressPoint:
    """Practices in place and in progress at the end of one quarter."""

    label: str
    in_place: int
    in_progress: int


def quarter_of(day: datetime.date) -> Quarter:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(quarter: Quarter) -> str:
    """ "2025 Q3", as the statistics' other quarters are named."""
    return f"{quarter[0]} Q{quarter[1]}"


def quarter_end(quarter: Quarter) -> datetime.date:
    year, number = quarter
    if number == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * number + 1, 1) - datetime.timedelta(days=1)


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from ``first`` to ``last``, both included."""
    quarters = []
    year, number = first
    while (year, number) <= last:
        quarters.append((year, number))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return quarters


def replay(
    changes: Iterable[tuple[int, str, datetime.date]],
    groups: Mapping[int, int],
    group_count: int,
    start: datetime.date,
    end: datetime.date,
) -> list[list[ProgressPoint]]:
    """For each of ``group_count`` groups (focus areas), a point per quarter from the one
    of ``start`` to the one of ``end``: its items in place and in progress at the end of
    the quarter, each item at its last change on or before that day.

    ``changes``: (item, status after, day), by day; ``groups``: the group of each item
    (items of no group are left out)."""
    ordered = sorted(
        (change for change in changes if change[0] in groups), key=lambda c: c[2]
    )
    status: dict[int, str] = {}
    series: list[list[ProgressPoint]] = [[] for _group in range(group_count)]
    position = 0
    for quarter in quarter_range(quarter_of(start), quarter_of(end)):
        last_day = quarter_end(quarter)
        while position < len(ordered) and ordered[position][2] <= last_day:
            item, after, _day = ordered[position]
            status[item] = after
            position += 1
        counts = [[0, 0] for _group in range(group_count)]
        for item, value in status.items():
            if value == PracticeStatus.IN_PLACE:
                counts[groups[item]][0] += 1
            elif value == PracticeStatus.IN_PROGRESS:
                counts[groups[item]][1] += 1
        for group, (in_place, in_progress) in enumerate(counts):
            series[group].append(
                ProgressPoint(quarter_label(quarter), in_place, in_progress)
            )
    return series


def accumulate(
    deltas: Mapping[Quarter, tuple[int, int]], end: datetime.date
) -> list[ProgressPoint]:
    """Running totals from per-quarter changes (in place, in progress) from the first
    quarter with a change to the one of ``end``; empty without any change."""
    if not deltas:
        return []
    first = min(deltas)
    last = max(max(deltas), quarter_of(end))
    in_place = in_progress = 0
    points = []
    for quarter in quarter_range(first, last):
        place, progress = deltas.get(quarter, (0, 0))
        in_place += place
        in_progress += progress
        points.append(ProgressPoint(quarter_label(quarter), in_place, in_progress))
    return points
