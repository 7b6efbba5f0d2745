"""The pledge form: the fixed sections of the pledge plus the questions editors add.

``PledgeFormBuilder`` turns editors' ``PledgeFormField`` rows into Django fields (one
``create_<type>_field`` per type, inherited from Wagtail's form builder), prefixed so they
never clash with the fixed fields.
"""

import hashlib
import logging
from dataclasses import dataclass
from types import SimpleNamespace

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import FormBuilder

from pledge_forms import conf, evidence
from pledge_forms.choices import AgencyType, FormStep, PracticeStatus, SizeBand
from pledge_forms.geography import (
    all_region_choices,
    country_choices,
    region_choices,
    region_fits_country,
)
from pledge_forms.logos import process_logo
from pledge_forms.models.pledges import IDENTITY_FIELDS
from pledge_forms.services.claims import claim_once, release_claim
from pledge_forms.services.identity import add_months
from pledge_forms.steps import build_steps, step_by_slug

logger = logging.getLogger(__name__)

EXTRA_PREFIX = "extra_"
STARTED_SALT = "pledge_forms.started"
# How long a start token stays valid (a form left open over a weekend still works).
STARTED_MAX_AGE = 7 * 86400
HONEYPOT_FIELD = "fax_number"
# What the pledge's EmailFields store (Django's default); a form field allowing more (the
# form default is 320) would accept an address the database then refuses.
EMAIL_MAX_LENGTH = 254
EMAIL_TOO_LONG = _("An e-mail address can have at most 254 characters.")
EVIDENCE_FILE_PREFIX = "evidence_file_"
# Statuses that ask for a target month.
TARGETED_STATUSES = (PracticeStatus.IN_PROGRESS, PracticeStatus.PLANNED)


class PledgeFormBuilder(FormBuilder):
    """Wagtail's form builder; help text always escaped, names prefixed."""

    def get_field_options(self, field):
        options = super().get_field_options(field)
        options["help_text"] = field.help_text  # rendered escaped by the template
        return options

    def get_formatted_field_choices(self, field):
        """The source's values, shown with a translation's labels when it gives one for
        each (``pledge_forms.localization.form_questions``)."""
        choices = super().get_formatted_field_choices(field)
        labels = getattr(field, "choice_labels", None)
        if labels:
            shown = super().get_formatted_field_choices(SimpleNamespace(choices=labels))
            if len(shown) == len(choices):
                return [
                    (value, label)
                    for (value, _value), (label, _label) in zip(
                        choices, shown, strict=True
                    )
                ]
        return choices

    @property
    def formfields(self):
        return {
            f"{EXTRA_PREFIX}{name}": value for name, value in super().formfields.items()
        }


def country_options() -> list:
    """The country choices, a blank one first (Django calls this on each use)."""
    return [("", _("Choose…")), *country_choices()]


def region_options() -> list:
    """Every country's states and provinces, grouped by country, a blank one first."""
    return [("", _("None / not applicable")), *all_region_choices()]


def place_choices(
    country: str, region: str, *, for_update: bool
) -> tuple[list | None, list | None]:
    """The choices of the country and the state/province questions of the whole pledge
    once ``country`` (and, updating, ``region``) is answered; None leaves a question's
    own. Without a country, a region is checked against every country's list."""
    if for_update:
        countries = [
            (code, name) for code, name in country_choices() if code == country
        ] or country_options()
        regions = [
            ("", _("None / not applicable")),
            *[(code, name) for code, name in region_choices(country) if code == region],
        ]
        return countries, regions
    if not country:
        return None, None
    return None, [("", _("Choose…")), *region_choices(country)]


@dataclass
class PracticeRow:
    item: object
    status: forms.BoundField
    note: forms.BoundField
    url: str
    target: forms.BoundField
    evidence_url: forms.BoundField
    evidence_file: forms.BoundField
    kept_file: str = ""  # the name of a file already sent with the draft

    def rendering_key(self) -> tuple:
        """Everything its markup (``includes/practice.html``) is made of: the practice,
        its wording and link, and each field's name, label, help, choices, value and
        errors, and the file kept. Two rows with the same key render alike."""
        fields = (
            self.status,
            self.note,
            self.target,
            self.evidence_url,
            self.evidence_file,
        )
        return (
            self.item.pk,
            self.url,
            self.kept_file,
            *(
                (
                    field.html_name,
                    str(field.label),
                    str(field.help_text),
                    field.field.required,
                    field.field.disabled,
                    repr(getattr(field.field, "choices", ())),
                    repr(field.value()),
                    tuple(map(str, field.errors)),
                )
                for field in fields
            ),
        )


@dataclass
class ChecklistSectionRows:
    section: object
    rows: list[PracticeRow]


def started_token(seconds_ago: float = 0) -> str:
    """The signed time the form was shown (``seconds_ago`` earlier, when given)."""
    return signing.dumps(timezone.now().timestamp() - seconds_ago, salt=STARTED_SALT)


class MonthField(forms.DateField):
    """A month, typed or picked as YEAR-MONTH; cleaned to its first day. The format goes
    in the field's help text: HTML allows no placeholder on a month input."""

    input_formats = ["%Y-%m"]

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        )
        super().__init__(**kwargs)


class ErrorSummaryMixin:
    """The links of a form's error summary (``includes/error_summary.html``)."""

    def error_links(self):
        """(anchor, label, message) for the error summary, in form order."""
        links = []
        for name, errors in self.errors.items():
            if name == "__all__":
                for message in errors:
                    links.append(("#pledge-form", "", message))
                continue
            field = self[name]
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor = f"{anchor}_0"
            for message in errors:
                links.append((f"#{anchor}", field.label, message))
        return links


class PledgeForm(ErrorSummaryMixin, forms.Form):
    # 1. Agency
    legal_name = forms.CharField(label=_("Legal name of the agency"), max_length=255)
    agency_type = forms.ChoiceField(
        label=_("Agency type"), choices=[("", _("Choose…")), *AgencyType.choices]
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=country_options,
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    region = forms.ChoiceField(
        label=_("State / province"),
        required=False,
        choices=region_options,
        help_text=_("Choose the state or province in the country you chose."),
        error_messages={
            "invalid_choice": _("Choose a state or province from the list.")
        },
    )
    # The two long lists (about 250 countries, 3,600 states and provinces) render the
    # same markup for the same answer and language: the template keeps it in the cache
    # (pledge_forms/includes/field.html), keyed by what changes it.
    country.cache_rendering = True
    region.cache_rendering = True
    city = forms.CharField(label=_("City"), max_length=255)
    size_band = forms.ChoiceField(
        label=_("Number of sworn officers"),
        choices=[("", _("Choose…")), *SizeBand.choices],
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=500, assume_scheme="https"
    )
    logo = forms.FileField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp"}
        ),
    )
    # 2. Chief executive and second contact
    chief_name = forms.CharField(label=_("Chief executive's name"), max_length=255)
    chief_title = forms.CharField(label=_("Chief executive's title"), max_length=255)
    chief_email = forms.EmailField(
        label=_("Chief executive's e-mail"),
        help_text=_("We send the confirmation link to this address."),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"max_length": EMAIL_TOO_LONG},
    )
    chief_phone = forms.CharField(label=_("Chief executive's phone"), max_length=40)
    contact_name = forms.CharField(
        label=_("Second contact's name"), max_length=255, required=False
    )
    contact_email = forms.EmailField(
        label=_("Second contact's e-mail"),
        required=False,
        max_length=EMAIL_MAX_LENGTH,
        error_messages={"max_length": EMAIL_TOO_LONG},
    )
    contact_phone = forms.CharField(
        label=_("Second contact's phone"), max_length=40, required=False
    )
    # 4. Commitment
    committed_all_areas = forms.BooleanField(
        label=_("We pledge to prioritise action in all six focus areas."),
        required=False,
    )
    signatory_name = forms.CharField(label=_("Name of the signatory"), max_length=255)
    signatory_title = forms.CharField(label=_("Title of the signatory"), max_length=255)
    signed_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    consent_listed = forms.BooleanField(
        label=_("List our agency publicly as a member once the pledge is approved."),
        required=False,
    )
    consent_show_city = forms.BooleanField(
        label=_("City"), required=False, initial=True
    )
    consent_show_website = forms.BooleanField(
        label=_("Website"), required=False, initial=True
    )
    consent_show_logo = forms.BooleanField(
        label=_("Logo"), required=False, initial=True
    )
    consent_show_statement = forms.BooleanField(
        label=_("Public statement"), required=False, initial=True
    )
    consent_show_chief = forms.BooleanField(
        label=_("Chief executive's name and title"), required=False
    )
    consent_show_practices = forms.BooleanField(
        label=_("Progress per practice"), required=False, initial=True
    )
    # 5. Statement
    public_statement = forms.CharField(
        label=_("Public statement (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Up to 1,000 characters, shown on your member page."),
    )
    # Spam protection
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    fax_number = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=100
    )

    AGENCY_FIELDS = (
        "legal_name",
        "agency_type",
        "country",
        "region",
        "city",
        "size_band",
        "website",
        "logo",
    )
    CHIEF_FIELDS = ("chief_name", "chief_title", "chief_email", "chief_phone")
    CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
    SIGNATURE_FIELDS = (
        "committed_all_areas",
        "signatory_name",
        "signatory_title",
        "signed_on",
    )
    CONSENT_FIELDS = (
        "consent_show_city",
        "consent_show_website",
        "consent_show_logo",
        "consent_show_statement",
        "consent_show_chief",
        "consent_show_practices",
    )
    # Fields that are not part of a pledge's data.
    NOT_DATA = ("started", "fax_number", "logo")
    # The fixed steps' questions (``pledge_forms.steps``): the country before its states
    # and provinces; the spam-trap and start fields travel with the first step.
    STEP_FIELDS = {
        FormStep.AGENCY: (
            *AGENCY_FIELDS[:3],
            "size_band",
            "started",
            HONEYPOT_FIELD,
        ),
        FormStep.LOCATION: ("region", "city", "website", "logo"),
        FormStep.CONTACTS: (*CHIEF_FIELDS, *CONTACT_FIELDS),
        FormStep.COMMITMENT: (
            *SIGNATURE_FIELDS,
            "consent_listed",
            *CONSENT_FIELDS,
            "public_statement",
        ),
    }

    def __init__(
        self,
        *args,
        page,
        items=(),
        for_update=False,
        check_timing=True,
        step: str | None = None,
        answers: dict | None = None,
        questions: list | None = None,
        **kwargs,
    ):
        """The whole pledge, or with ``step`` (a step's slug) only that step's questions.

        ``answers`` are the answers of the other steps (a draft's), which the checks that
        look across steps read (the region of the country chosen before)."""
        super().__init__(*args, **kwargs)
        self.page = page
        self.items = list(items)
        self.for_update = for_update
        self.check_timing = check_timing
        self.answers = answers or {}
        # Uploads a draft keeps (field -> {"name", "original"}), shown beside their field.
        self.kept_files: dict = {}
        self.spam = False
        self.processed_logo = None
        self.started_at: float | None = None
        self._claimed = False
        questions = list(page.form_fields.all()) if questions is None else questions
        extras = PledgeFormBuilder(questions).formfields
        extra_steps: dict[str, list[str]] = {}
        for question, name in zip(questions, extras, strict=True):
            extra_steps.setdefault(question.step, []).append(name)
        self.steps = build_steps(self.STEP_FIELDS, self.items, extra_steps)
        self.step = step_by_slug(self.steps, step) if step else None
        keep = set(self.step.fields) if self.step else None
        if keep is not None:
            for name in list(self.fields):
                if name not in keep:
                    del self.fields[name]
        if "signed_on" in self.fields:
            self.fields["signed_on"].initial = timezone.localdate
        if "started" in self.fields:
            self.fields["started"].initial = started_token
        for item in self.items:
            if keep is None or f"practice_{item.pk}" in keep:
                self._add_practice_fields(item)
        for name, field in extras.items():
            if keep is None or name in keep:
                self.fields[name] = field
        self._narrow_places()
        if for_update:
            for name in IDENTITY_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
            if "logo" in self.fields:
                self.fields["logo"].label = _("New logo (optional)")
                self.fields["logo"].help_text = _(
                    "PNG, JPEG or WebP, at most 2 MB. Leave empty to keep the current "
                    "logo."
                )
        autocomplete = {
            "legal_name": "organization",
            "city": "address-level2",
            "website": "url",
            "chief_name": "name",
            "chief_email": "email",
            "chief_phone": "tel",
            "contact_name": "name",
            "contact_email": "email",
            "contact_phone": "tel",
        }
        for name, value in autocomplete.items():
            if name in self.fields:
                self.fields[name].widget.attrs["autocomplete"] = value
        if HONEYPOT_FIELD in self.fields:
            self.fields[HONEYPOT_FIELD].widget.attrs.update(
                {"tabindex": "-1", "autocomplete": "off"}
            )

    def _add_practice_fields(self, item) -> None:
        pk = item.pk
        self.fields[f"practice_{pk}"] = forms.ChoiceField(
            label=str(item),
            choices=PracticeStatus.choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("Choose a status for this practice.")},
        )
        self.fields[f"note_{pk}"] = forms.CharField(
            label=_("Note on practice %(number)s (optional)") % {"number": item.number},
            required=False,
            max_length=500,
        )
        self.fields[f"target_{pk}"] = MonthField(
            label=_("Target month for practice %(number)s") % {"number": item.number},
            required=False,
            help_text=_(
                "If it is in progress or planned: the month by which it will be in "
                "place, as year and month (for example 2027-03)."
            ),
            error_messages={
                "invalid": _("Give the month as year and month, for example 2027-03.")
            },
        )
        self.fields[f"{EVIDENCE_FILE_PREFIX}{pk}"] = evidence.create_evidence_field(
            label=_("Evidence file for practice %(number)s (optional)")
            % {"number": item.number},
        )
        self.fields[f"evidence_url_{pk}"] = forms.URLField(
            label=_("Evidence link for practice %(number)s (optional)")
            % {"number": item.number},
            required=False,
            max_length=500,
            assume_scheme="https",
            help_text=_(
                "If it is in place: a page where the policy or practice is published."
            ),
        )

    def _answer(self, name: str):
        """What the pledge answers to ``name``: posted in this step, else given earlier."""
        if name in self.fields:
            if self.is_bound and not (self.for_update and name in IDENTITY_FIELDS):
                return self.data.get(self.add_prefix(name))
            return self.initial.get(name, self.fields[name].initial)
        return self.answers.get(name)

    def _narrow_places(self) -> None:
        """The state/province list is that of the country chosen (in an earlier step);
        a country without any leaves the question out of its step. The update form
        shows only the country and region the pledge has (they cannot change)."""
        country = self._answer("country") or ""
        region = (self._answer("region") or "") if self.for_update else ""
        if (
            not self.for_update
            and "region" in self.fields
            and country
            and self.step is not None
            and not region_choices(country)
        ):
            del self.fields["region"]
            return
        countries, regions = place_choices(country, region, for_update=self.for_update)
        if countries is not None and "country" in self.fields:
            self.fields["country"].choices = countries
        if regions is not None and "region" in self.fields:
            self.fields["region"].choices = regions
            if not self.for_update:
                self.fields["region"].help_text = _(
                    "The states or provinces of the country you chose in the first "
                    "step."
                )

    # --- Structure for the template ---

    def _bound(self, names):
        return [self[name] for name in names if name in self.fields]

    @cached_property
    def agency_fields(self):
        return self._bound(self.AGENCY_FIELDS)

    @cached_property
    def chief_fields(self):
        return self._bound(self.CHIEF_FIELDS)

    @cached_property
    def contact_fields(self):
        return self._bound(self.CONTACT_FIELDS)

    @cached_property
    def signature_fields(self):
        return self._bound(self.SIGNATURE_FIELDS)

    @cached_property
    def consent_fields(self):
        return self._bound(self.CONSENT_FIELDS)

    @cached_property
    def extra_fields(self):
        return [self[name] for name in self.fields if name.startswith(EXTRA_PREFIX)]

    @cached_property
    def checklist_sections(self) -> list[ChecklistSectionRows]:
        sections: dict[int, ChecklistSectionRows] = {}
        for item in self.items:
            if f"practice_{item.pk}" not in self.fields:
                continue
            section = item.section
            entry = sections.setdefault(section.pk, ChecklistSectionRows(section, []))
            entry.rows.append(
                PracticeRow(
                    item,
                    self[f"practice_{item.pk}"],
                    self[f"note_{item.pk}"],
                    conf.practice_url(section.slug, item.number),
                    self[f"target_{item.pk}"],
                    self[f"evidence_url_{item.pk}"],
                    self[f"{EVIDENCE_FILE_PREFIX}{item.pk}"],
                    (self.kept_files.get(f"{EVIDENCE_FILE_PREFIX}{item.pk}") or {}).get(
                        "original", ""
                    ),
                )
            )
        return list(sections.values())

    # --- Validation ---

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            self.processed_logo = process_logo(upload)
        return upload

    def clean_legal_name(self):
        return " ".join(self.cleaned_data["legal_name"].split())

    def clean(self):
        data = super().clean()
        if data.get(HONEYPOT_FIELD):
            self.spam = True
        if self.check_timing and "started" in self.fields:
            self._check_started(data.get("started") or "")
        self._check_practice_details(data)
        country = data.get("country") if "country" in self.fields else None
        country = country or self.answers.get("country")
        region = data.get("region") or ""
        if country and "region" in self.fields and not self.for_update:
            if region and not region_fits_country(region, country):
                self.add_error(
                    "region",
                    _("Choose a state or province of the country you chose, or none."),
                )
            elif not region and region_choices(country):
                self.add_error("region", _("Choose the state or province."))
        for name in ("contact_email", "contact_phone"):
            if (
                "contact_name" in self.fields
                and data.get(name)
                and not data.get("contact_name")
            ):
                self.add_error("contact_name", _("Give the second contact's name too."))
                break
        return data

    def _check_practice_details(self, data: dict) -> None:
        """A practice in progress or planned needs the month it will be in place by."""
        this_month = timezone.localdate().replace(day=1)
        for item in self.items:
            name = f"target_{item.pk}"
            if name not in self.fields or name in self.errors:
                continue
            status = data.get(f"practice_{item.pk}")
            target = data.get(name)
            if status not in TARGETED_STATUSES:
                continue
            if not target:
                self.add_error(
                    name, _("Give the month by which this practice will be in place.")
                )
            elif target < this_month:
                self.add_error(name, _("Choose this month or a later one."))
            elif status == PracticeStatus.PLANNED and target > add_months(
                this_month, 12
            ):
                self.add_error(
                    name,
                    _(
                        "“Planned within 12 months” needs a month in the next 12 "
                        "months; otherwise choose “Not yet planned”."
                    ),
                )
            elif target > add_months(this_month, self.page.period_months):
                self.add_error(
                    name,
                    _("Choose a month within the %(months)d months of the pledge.")
                    % {"months": self.page.period_months},
                )

    def _check_started(self, token: str) -> None:
        try:
            started = float(
                signing.loads(token, salt=STARTED_SALT, max_age=STARTED_MAX_AGE)
            )
        except (signing.BadSignature, TypeError, ValueError):
            self.add_error(
                None,
                _("The form had expired. Please check your answers and send it again."),
            )
            return
        self.started_at = started
        if timezone.now().timestamp() - started < conf.get("MIN_FILL_SECONDS"):
            self.add_error(
                None,
                _(
                    "That was very fast. Please check your answers and send the form again."
                ),
            )

    # --- The start token is good for one accepted post ---

    def _started_key(self) -> str:
        token = self.cleaned_data.get("started") or ""
        digest = hashlib.sha256(token.encode()).hexdigest()[:40]
        return f"pledge_forms:started:{digest}"

    def claim_started(self) -> bool:
        """Mark this form's start token used; False when an earlier post already did.

        Called once the post is accepted, so a form sent back with errors keeps its token.
        The mark is shared by every process (``claim_once``, where the rate limit
        counts) until the token would have expired anyway. A store outage lets the post
        through (fails open, like the rate limit): the duplicate key still stops a second
        pledge.
        """
        if not self.check_timing or self.started_at is None:
            return True
        remaining = int(self.started_at + STARTED_MAX_AGE - timezone.now().timestamp())
        self._claimed = claim_once(self._started_key(), max(remaining, 1) + 60)
        return self._claimed

    def release_started(self) -> None:
        """Make a token this form claimed usable again (its post could not be stored)."""
        if not self._claimed:
            return
        self._claimed = False
        release_claim(self._started_key())

    def refuse_replay(self) -> None:
        """A post whose start token was used: ask for the form again, answers kept.

        A double click lands here (the first click was stored, the second must not make
        another pledge), and so does a form sent again with the browser's Back button."""
        self.add_error(
            None,
            _(
                "This form was already sent once, and that sending has arrived. If you "
                "meant to send it again (for another agency, say), check your answers "
                "below and send it once more."
            ),
        )
        self.renew_started()

    def renew_started(self) -> None:
        """The form shown again carries a fresh start token (the typed answers stay).

        Dated as if shown ``MIN_FILL_SECONDS`` ago: this person has filled the form in."""
        data = self.data.copy()
        data["started"] = started_token(conf.get("MIN_FILL_SECONDS"))
        self.data = data

    def pledge_data(self) -> dict:
        """The answers as the services expect them (no spam fields, no file: an
        evidence file is named once stored, see :meth:`store_evidence_files`)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.NOT_DATA and not name.startswith(EVIDENCE_FILE_PREFIX)
        }

    def evidence_uploads(self) -> dict[str, evidence.CheckedEvidence]:
        """The evidence files this post sent that passed their checks, by field."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name.startswith(EVIDENCE_FILE_PREFIX)
            and isinstance(value, evidence.CheckedEvidence)
        }

    def store_evidence_files(self) -> dict[str, str]:
        """Store the evidence files of this post in private storage; their names by
        field, as the services take them with the answers."""
        return {
            name: evidence.store_evidence(checked)
            for name, checked in self.evidence_uploads().items()
        }

    def labels(self) -> dict[str, str]:
        return {
            name: str(field.label)
            for name, field in self.fields.items()
            if name not in self.NOT_DATA
        }
