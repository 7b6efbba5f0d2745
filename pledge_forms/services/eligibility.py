"""Where a pledge stands against the rules: the recognition rule of its form page and the
rule for completion (every practice of its checklist in place)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.apps import apps

from pledge_forms.choices import EligibilityRule, PracticeStatus
from pledge_forms.models.checklists import Checklist, ChecklistItem

if TYPE_CHECKING:
    from pledge_forms.models.pages import PledgeFormPage
    from pledge_forms.models.pledges import Pledge


@dataclass
class AreaResult:
    slug: str
    title: str
    counted: int
    required: int
    total: int

    @property
    def ok(self) -> bool:
        return self.counted >= self.required


@dataclass
class Eligibility:
    eligible: bool
    committed: bool
    commitment_required: bool
    areas: list[AreaResult] = field(default_factory=list)


def checklist_of(pledge: Pledge) -> Checklist | None:
    """The checklist a pledge answers: its form page's, else the first one."""
    page = pledge.form_page
    if page is not None:
        return page.checklist
    return Checklist.objects.order_by("pk").first()


def evaluate_eligibility(
    pledge: Pledge, page: PledgeFormPage | None = None
) -> Eligibility:
    """The recognition rule of ``page`` (default SPEC §5), with a breakdown per focus area."""
    page = page or pledge.form_page
    checklist = page.checklist if page else Checklist.objects.first()
    require_commitment = page.rule_require_commitment if page else True
    minimum = page.rule_min_per_area if page else 1
    counted_statuses = {PracticeStatus.IN_PLACE}
    if (page.rule_statuses if page else EligibilityRule.IN_PLACE_OR_PROGRESS) == (
        EligibilityRule.IN_PLACE_OR_PROGRESS
    ):
        counted_statuses.add(PracticeStatus.IN_PROGRESS)
    areas = []
    if checklist is not None:
        statuses = pledge.statuses_by_item()
        for section in checklist.sections.prefetch_related("items"):
            items = list(section.items.all())
            counted = sum(
                1 for item in items if statuses.get(item.pk) in counted_statuses
            )
            areas.append(
                AreaResult(
                    section.slug,
                    section.title,
                    counted,
                    min(minimum, len(items)),
                    len(items),
                )
            )
    committed = bool(pledge.committed_all_areas)
    eligible = (
        (committed or not require_commitment)
        and bool(areas)
        and all(area.ok for area in areas)
    )
    return Eligibility(eligible, committed, require_commitment, areas)


def _checklist_items(pledge: Pledge) -> list[tuple[int, str]]:
    """(id, code) of the practices the pledge answers, in the checklist's order."""
    checklist = checklist_of(pledge)
    if checklist is None:
        return []
    return list(
        ChecklistItem.objects.filter(section__checklist=checklist)
        .order_by("section__sort_order", "number")
        .values_list("pk", "code")
    )


def practice_ids_by_form_page(
    page_ids: Iterable[int | None],
) -> dict[int | None, list[int]]:
    """The ids of the practices a pledge of each form page answers (:func:`checklist_of`:
    its page's checklist; no page, or a page gone since: the first checklist), for many
    form pages in at most three queries."""
    page_ids = set(page_ids)
    checklists = dict(
        apps.get_model("pledge_forms", "PledgeFormPage")
        ._base_manager.filter(pk__in=page_ids - {None})
        .values_list("pk", "checklist_id")
    )
    if page_ids - checklists.keys():
        first = Checklist.objects.order_by("pk").values_list("pk", flat=True).first()
        checklists.update(dict.fromkeys(page_ids - checklists.keys(), first))
    items: dict[int, list[int]] = {}
    for checklist_id, pk in ChecklistItem.objects.filter(
        section__checklist__in={pk for pk in checklists.values() if pk is not None}
    ).values_list("section__checklist_id", "pk"):
        items.setdefault(checklist_id, []).append(pk)
    return {page: items.get(checklist, []) for page, checklist in checklists.items()}


def all_in_place(item_ids: list[int], statuses: dict[int, str]) -> bool:
    """:func:`can_complete` from the practices' ids and the pledge's statuses by id."""
    return bool(item_ids) and all(
        statuses.get(pk) == PracticeStatus.IN_PLACE for pk in item_ids
    )


def _not_in_place(pledge: Pledge, items: list[tuple[int, str]]) -> list[str]:
    statuses = pledge.statuses_by_item()
    return [code for pk, code in items if statuses.get(pk) != PracticeStatus.IN_PLACE]


def practices_not_in_place(pledge: Pledge) -> list[str]:
    """Codes of the pledge's practices that are not in place, read from its practice
    rows (``pledge`` may be a draft revision's object, with that revision's rows)."""
    return _not_in_place(pledge, _checklist_items(pledge))


def can_complete(pledge: Pledge) -> bool:
    """The one rule for completion: the pledge's checklist has practices and every one of
    them is in place."""
    items = _checklist_items(pledge)
    return bool(items) and not _not_in_place(pledge, items)
