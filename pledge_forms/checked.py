"""What "check your answers" may take as checked, and the whole form it lists them by.

Each step's answers are checked when the step is sent (``wizard``). When they pass, a
fingerprint of everything those checks read (:func:`step_stamp`: the draft, the step's
questions and answers, the country chosen (the states and provinces offered are its
own), the pledge's period and this month (a target month must be this month or later))
is noted in the cache (:func:`remember`). When every step of the form as it stands has
a note under the fingerprint its answers and the form give now, the whole pledge passes
as well (the whole form asks the same questions with the same checks), and "check your
answers" shows it without checking it again (:func:`all_checked`). Anything else (a
practice added or an editor's question changed since, another country, a new month, a
step never sent, a note the cache let go) checks the whole pledge as before; "Send the
pledge" checks it in full whatever the notes. A note only ever says that these very
inputs passed, so none is ever wrong, however old.

The answers are listed by a whole form kept per process (:func:`kept_form`), unbound,
under everything its fields are made of: the language, the flow, the checklist's items
and the editors' questions as the request reads them.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from django import forms
from django.core.cache import cache
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import get_language

from pledge_forms import conf
from pledge_forms.forms import PledgeForm, place_choices
from pledge_forms.models.pledges import IDENTITY_FIELDS
from pledge_forms.steps import CHECK, Step
from pledge_forms.templatetags.pledge_parts import Kept

logger = logging.getLogger(__name__)

NO_FILES = MultiValueDict()


def step_stamp(
    page, draft, step: Step, answers: MultiValueDict, *, for_update: bool
) -> str:
    """The cache key that notes that ``step`` of ``draft`` passed its checks with these
    answers: a fingerprint of everything the checks read (see the module)."""
    _items, questions = page.form_parts
    parts = (
        draft.key,
        step.slug,
        step.fields,
        for_update,
        [
            (q.clean_name, q.field_type, q.required, q.choices)
            for q in questions
            if q.step == step.slug
        ],
        [(name, answers.getlist(name)) for name in step.fields],
        answers.get("country"),
        page.period_months,
        timezone.localdate().strftime("%Y-%m"),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"pledge_forms:checked:{digest}"


def remember(page, draft, form, *, for_update: bool) -> None:
    """Note that the step ``form`` passed with the draft's answers as kept; nothing when
    the whole form would check an answer the step left out (a state or province given
    for a country that has none)."""
    answers = MultiValueDict(dict(draft.answers))
    step = form.step
    answered = (name for name in step.fields if any(answers.getlist(name)))
    if any(name not in form.fields for name in answered):
        return
    key = step_stamp(page, draft, step, answers, for_update=for_update)
    try:
        cache.set(key, True, conf.get("DRAFT_UNSAVED_HOURS") * 3600)
    except Exception:  # a cache outage: the whole pledge is checked again
        logger.warning("cache unreachable: a step's check not noted", exc_info=True)


def all_checked(page, draft, steps: list[Step], *, for_update: bool) -> bool:
    """Whether every question step of ``steps`` passed with the answers and the form as
    they are now."""
    answers = MultiValueDict(dict(draft.answers))
    questions = [step for step in steps if step.slug != CHECK]
    if any(step.slug not in draft.done_steps for step in questions):
        return False
    keys = [
        step_stamp(page, draft, step, answers, for_update=for_update)
        for step in questions
    ]
    try:
        return len(cache.get_many(keys)) == len(keys)
    except Exception:  # a cache outage is never an error page
        return False


@dataclass
class KeptForm:
    """An unbound whole form: its steps, its fields and their choices' labels."""

    form: PledgeForm
    labels: dict = field(default_factory=dict)

    @property
    def steps(self) -> list[Step]:
        return self.form.steps

    def choice_labels(self, name: str) -> dict:
        if name not in self.labels:
            self.labels[name] = choice_labels(self.form.fields[name].choices)
        return self.labels[name]

    def answered(self, answers: MultiValueDict, *, for_update: bool):
        """The draft's ``answers`` to each field, as ``form[name]`` of the whole form
        bound to them shows them; None for a name that is no field."""
        countries, regions = place_choices(
            answers.get("country") or "",
            (answers.get("region") or "") if for_update else "",
            for_update=for_update,
        )
        places = {
            "country": choice_labels(countries) if countries is not None else None,
            "region": choice_labels(regions) if regions is not None else None,
        }

        def answer(name: str) -> Answer | None:
            if name not in self.form.fields:
                return None
            labels = places.get(name)
            if labels is None and isinstance(self.form.fields[name], forms.ChoiceField):
                labels = self.choice_labels(name)
            initial = (
                answers.get(name) if for_update and name in IDENTITY_FIELDS else None
            )
            return Answer(self.form[name], answers, initial, labels)

        return answer


@dataclass
class Answer:
    """What a bound field shows (label, id, field, ``value()``), without a bound form."""

    unbound: forms.BoundField
    answers: MultiValueDict
    initial: object
    labels: dict | None

    @property
    def field(self) -> forms.Field:
        return self.unbound.field

    @property
    def label(self):
        return self.unbound.label

    @property
    def auto_id(self) -> str:
        return self.unbound.auto_id

    def value(self):
        """``BoundField.value()`` of a form bound to the answers (no files)."""
        field = self.field
        name = self.unbound.html_name
        initial = self.initial if field.disabled else field.initial
        if callable(initial):
            initial = initial()
        data = field.widget.value_from_datadict(self.answers, NO_FILES, name)
        return field.prepare_value(field.bound_data(data, initial))


def choice_labels(choices) -> dict[str, object]:
    """The label of each choice by its value as text, groups opened."""
    labels = {}
    for key, label in choices:
        if isinstance(label, list | tuple):
            labels.update({str(k): v for k, v in label})
        else:
            labels[str(key)] = label
    return labels


# A few forms per language and flow (a new checklist or question makes a new one).
_forms = Kept(32)


def kept_form(page, *, for_update: bool) -> KeptForm:
    """The whole form of ``page`` as this request reads its checklist and questions."""
    items, questions = page.form_parts
    key = (
        get_language(),
        for_update,
        tuple(
            (i.pk, i.number, str(i), i.section_id, i.section.slug, i.section.title)
            for i in items
        ),
        tuple(
            (
                q.pk,
                q.clean_name,
                str(q.label),
                q.field_type,
                q.required,
                q.choices,
                getattr(q, "choice_labels", None),
                q.default_value,
                str(q.help_text),
                q.step,
            )
            for q in questions
        ),
    )
    return _forms.get(
        key,
        lambda: KeptForm(page.get_form(check_timing=False, for_update=for_update)),
    )
