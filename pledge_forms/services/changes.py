"""What a pending update changes against the live entry, field by field and practice by
practice, for the reviewer who is about to publish it.

One function (:func:`pending_changes`) compares the pledge's latest revision with its
live row; the admin's templates only show the result. Unchanged fields and practices are
left out. The practice row fields compared are :data:`PRACTICE_FIELDS`: a field added to
``PledgePractice`` is compared once it is named there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import localize
from django.utils.translation import gettext as _

from pledge_forms import evidence
from pledge_forms.choices import PracticeStatus
from pledge_forms.models.pledges import CONTACT_FIELDS, Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.services.submission import PLEDGE_FIELDS

# The pledge's fields an update may change (what the submit service copies, the public
# profile's name and logo).
PLEDGE_CHANGE_FIELDS = ("display_name", *PLEDGE_FIELDS, "logo")
# The practice row fields compared, in this order. Private ones are shown only to users
# who may see contact details, as in the practice table.
PRACTICE_FIELDS = ("status", "target_month", "note", "evidence_url", "evidence_file")
PRIVATE_PRACTICE_FIELDS = frozenset({"note", "evidence_url", "evidence_file"})


@dataclass(frozen=True)
class Change:
    """One value that differs: its label, the live value and the pending one (as shown)."""

    label: str
    before: str
    after: str


@dataclass(frozen=True)
class PracticeDiff:
    code: str
    title: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class PendingChanges:
    fields: list[Change]
    practices: list[PracticeDiff]

    @property
    def empty(self) -> bool:
        return not self.fields and not self.practices


def _raw(obj: models.Model, name: str) -> Any:
    value = getattr(obj, name)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return "" if value is None else value


def _shown(obj: models.Model, name: str) -> str:
    model_field = obj._meta.get_field(name)
    value = _raw(obj, name)
    if isinstance(model_field, models.FileField):
        return evidence.display_name(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(localize(value))


def _compare(before: models.Model, after: models.Model, names) -> list[Change]:
    return [
        Change(
            label=str(before._meta.get_field(name).verbose_name),
            before=_shown(before, name),
            after=_shown(after, name),
        )
        for name in names
        if _raw(before, name) != _raw(after, name)
    ]


def has_pending_update(pledge: Pledge) -> bool:
    """Whether ``pledge`` is live and its latest revision is newer than the live one."""
    return bool(
        pledge.live
        and pledge.latest_revision_id
        and pledge.latest_revision_id != pledge.live_revision_id
    )


def pending_changes(
    pledge: Pledge, *, show_private: bool = False
) -> PendingChanges | None:
    """What the latest revision of ``pledge`` changes against its live entry; None when
    nothing is pending (not live, or the latest revision is the live one).

    ``show_private``: compare contact details and private practice fields too (reviewers
    with the contacts permission)."""
    if not has_pending_update(pledge):
        return None
    live = Pledge.objects.get(pk=pledge.pk)
    pending = live.get_latest_revision_as_object()
    names = [
        name
        for name in PLEDGE_CHANGE_FIELDS
        if show_private or name not in CONTACT_FIELDS
    ]
    row_fields = [
        name
        for name in PRACTICE_FIELDS
        if show_private or name not in PRIVATE_PRACTICE_FIELDS
    ]
    before_rows = {row.item_id: row for row in live.practices.select_related("item")}
    after_rows = {row.item_id: row for row in pending.practices.all()}
    practices = []
    items = {
        row.item_id: row.item for row in [*before_rows.values(), *after_rows.values()]
    }
    for item in sorted(items.values(), key=lambda item: (item.number, item.pk)):
        # A practice without a row counts as not yet planned.
        default = PledgePractice(item=item, status=PracticeStatus.NOT_PLANNED)
        changes = _compare(
            before_rows.get(item.pk, default),
            after_rows.get(item.pk, default),
            row_fields,
        )
        if changes:
            practices.append(PracticeDiff(item.code, item.title, changes))
    return PendingChanges(fields=_compare(live, pending, names), practices=practices)
