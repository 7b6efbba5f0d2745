"""Progress over time: every approved publication dates each practice change.

**When.** :func:`record_changes` runs from ``services.review`` each time a publication of
a pledge is approved (any button, scheduled publishing, "Mark as completed"). The
practice rows in the database are then the newly published ones; they are compared with
the history so far (the last status of each practice in :class:`PracticeChange`), and a
row is written for each practice whose status differs. Publishing the same statuses again
writes nothing, so a repeated publication, a retried task or a re-approved withdrawal
leaves the history as it was.

**Dates.** The first approval dates every status at the pledge's date (``pledged_at``,
the day the agency made its commitment); later approvals date their changes on the day of
the approval. Two approvals on one day keep one row per practice for that day, with the
day's last status (a change undone the same day leaves no row).

**Reading.** :func:`pledge_history` gives the agency its own history (its update page);
the showcase draws members' progress and the campaign's adoption over time from the
same rows (``pledge_forms.showcase.history``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Revision

from pledge_forms.choices import PracticeStatus
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.progress import PracticeChange
from pledge_forms.services.identity import local_date


def last_statuses(pledge: Pledge) -> dict[int, PracticeChange]:
    """The latest change of each practice of ``pledge`` (one query)."""
    latest: dict[int, PracticeChange] = {}
    for change in PracticeChange.objects.filter(pledge=pledge).order_by(
        "changed_on", "pk"
    ):
        latest[change.item_id] = change
    return latest


def record_changes(
    pledge: Pledge,
    revision: Revision | None = None,
    today: datetime.date | None = None,
) -> list[PracticeChange]:
    """Date the changes of ``pledge``'s newly published practice rows (see the module's
    docstring); returns the rows written or changed. The caller holds the pledge's row
    lock (``services.review``)."""
    latest = last_statuses(pledge)
    if latest:
        day = today or timezone.localdate()
    else:
        day = local_date(pledge.pledged_at or timezone.now())
    current = dict(
        PledgePractice.objects.filter(pledge=pledge).values_list("item_id", "status")
    )
    for item_id in latest:
        current.setdefault(item_id, PracticeStatus.NOT_PLANNED)
    created: list[PracticeChange] = []
    written: list[PracticeChange] = []
    for item_id, status in sorted(current.items()):
        last = latest.get(item_id)
        if last is not None and last.status_after == status:
            continue
        # Never before the last change (a pledge date moved later, say).
        on = max(day, last.changed_on) if last is not None else day
        if last is not None and last.changed_on == on:
            # A second approval the same day: the day keeps its last status.
            if last.status_before == status:
                last.delete()
                continue
            last.status_after = status
            last.revision = revision
            last.save(update_fields=["status_after", "revision"])
            written.append(last)
            continue
        created.append(
            PracticeChange(
                pledge=pledge,
                item_id=item_id,
                status_before=last.status_after if last else "",
                status_after=status,
                changed_on=on,
                revision=revision,
            )
        )
    PracticeChange.objects.bulk_create(created)
    return written + created


@dataclass(frozen=True)
class HistoryDay:
    """The practice changes of one pledge approved on one day."""

    day: datetime.date
    changes: list[PracticeChange]
    is_first: bool = False  # the day of the first approval: the oldest day


def pledge_history(pledge: Pledge) -> list[HistoryDay]:
    """The dated practice changes of ``pledge``, newest day first, each day's changes in
    the checklist's order, with their practices (one query)."""
    days: dict[datetime.date, list[PracticeChange]] = {}
    changes = (
        PracticeChange.objects.filter(pledge=pledge)
        .select_related("item")
        .order_by("-changed_on", "item__number", "pk")
    )
    for change in changes:
        days.setdefault(change.changed_on, []).append(change)
    oldest = min(days, default=None)
    return [HistoryDay(day, rows, is_first=day == oldest) for day, rows in days.items()]
