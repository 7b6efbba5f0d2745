"""Plausible dated histories for fictional members (the demo and ``generate_members``):
practice changes that lead, step by step, to the statuses a member has now."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Mapping

from pledge_forms.choices import PracticeStatus
from pledge_forms.models.progress import PracticeChange

LADDER = (
    PracticeStatus.NOT_PLANNED,
    PracticeStatus.PLANNED,
    PracticeStatus.IN_PROGRESS,
    PracticeStatus.IN_PLACE,
)


def plausible_changes(
    statuses: Mapping[int, str],
    start: datetime.date,
    end: datetime.date,
    rng: random.Random,
) -> Iterator[tuple[int, str, str, datetime.date]]:
    """The changes of one pledge (item id → status now) as ``(item id, status before,
    status after, day)``: at ``start`` (the pledge date) each practice stood up to two
    steps behind where it is now, and it moved up a step at a time on distinct days
    until ``end``."""
    span = (end - start).days
    for item_id, status in statuses.items():
        level = LADDER.index(status) if status in LADDER else 0
        back = min(rng.choice((0, 0, 1, 1, 2)), level, max(span, 0))
        before = LADDER[level - back]
        yield item_id, "", before, start
        if not back:
            continue  # (a sample of none draws nothing)
        for step, offset in enumerate(sorted(rng.sample(range(1, span + 1), back))):
            after = LADDER[level - back + step + 1]
            yield item_id, before, after, start + datetime.timedelta(days=offset)
            before = after


def plausible_history(
    pledge_id: int,
    statuses: Mapping[int, str],
    start: datetime.date,
    end: datetime.date,
    rng: random.Random,
) -> list[PracticeChange]:
    """:func:`plausible_changes` as unsaved rows of the pledge ``pledge_id``."""
    return [
        PracticeChange(
            pledge_id=pledge_id,
            item_id=item_id,
            status_before=before,
            status_after=after,
            changed_on=day,
        )
        for item_id, before, after, day in plausible_changes(statuses, start, end, rng)
    ]
