"""The steps of the pledge form: which questions each one asks, in which order.

The agency's details come first (the country before its states and provinces), then the
chief executive and contacts, one step per focus area with its practices, the commitment
and consent, and a last page to check every answer before sending. Editors place their
own questions in a fixed step (``PledgeFormField.step``). ``PledgeForm`` names the fields
of each fixed step (``PledgeForm.STEP_FIELDS``), builds only the fields of the step it is
given, and all of them to check a whole pledge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from pledge_forms.choices import FormStep

CHECK = "check"

# The answers given for one practice (``<prefix><item pk>``).
PRACTICE_PREFIXES = ("practice_", "note_", "target_", "evidence_url_", "evidence_file_")


def practice_fields(item_pk: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{item_pk}" for prefix in PRACTICE_PREFIXES)


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]
    # The template kind: "agency", "location", "contacts", "practices", "commitment".
    kind: str
    section: object | None = None
    items: tuple = field(default=(), compare=False)
    number: int = 0


def build_steps(
    fixed_fields: dict[str, tuple[str, ...]],
    items: Iterable,
    extra_steps: dict[str, list[str]],
) -> list[Step]:
    """Every step of the form, numbered: the fixed steps with their fields
    (``fixed_fields``, by ``FormStep``), one per section of the checklist ``items``
    (with their sections, in order), editors' extra fields by step (``extra_steps``)."""
    by_section: dict[int, list] = {}
    sections = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(item)
        sections[item.section_id] = item.section

    def fixed(step: FormStep) -> Step:
        names = fixed_fields[step] + tuple(extra_steps.get(step, ()))
        return Step(step.value, step.label, names, kind=step.value)

    steps = [fixed(FormStep.AGENCY), fixed(FormStep.LOCATION), fixed(FormStep.CONTACTS)]
    for section_id, section_items in by_section.items():
        section = sections[section_id]
        names = tuple(
            name for item in section_items for name in practice_fields(item.pk)
        )
        steps.append(
            Step(
                f"practices-{section.slug}",
                section.title,
                names,
                kind="practices",
                section=section,
                items=tuple(section_items),
            )
        )
    steps.append(fixed(FormStep.COMMITMENT))
    steps.append(Step(CHECK, _("Check your answers"), (), kind=CHECK))
    return [
        Step(s.slug, s.title, s.fields, s.kind, s.section, s.items, number)
        for number, s in enumerate(steps, start=1)
    ]


def step_by_slug(steps: list[Step], slug: str) -> Step | None:
    return next((step for step in steps if step.slug == slug), None)


def neighbours(steps: list[Step], step: Step) -> tuple[Step | None, Step | None]:
    """The steps before and after ``step``."""
    index = steps.index(step)
    before = steps[index - 1] if index > 0 else None
    after = steps[index + 1] if index + 1 < len(steps) else None
    return before, after
