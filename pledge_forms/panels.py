"""The pledge's edit form in the admin: its panels and the form class behind them."""

from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)

from pledge_forms.choices import PracticeStatus
from pledge_forms.models.checklists import ChecklistItem
from pledge_forms.models.pledges import CONTACT_FIELDS, CONTACTS_PERMISSION, Pledge
from pledge_forms.services.identity import normalise_key, unique_slug


class FixedSlugPanel(FieldPanel):
    """The member page address, shown read-only and only once the pledge exists.

    The slug is chosen when the pledge is created (by the submission service, or by
    PledgeAdminForm for a pledge added here) and never changes afterwards: embedded badges
    and shared links point at /members/<slug>/.
    """

    def __init__(self, field_name="slug", **kwargs):
        kwargs["read_only"] = True
        super().__init__(field_name, **kwargs)

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            if self.instance is None or self.instance.pk is None:
                return False
            return super().is_shown()


class PracticeFormSet(BaseChildFormSet):
    """The pledge's practice rows, plus one prepared row for each practice of the
    checklist that has none yet, so reviewers see every practice and choose its status.

    A prepared row left as it is saves nothing (a practice without a row counts as not
    yet planned)."""

    def __init__(self, *args, instance=None, **kwargs):
        self.items = {}
        super().__init__(*args, instance=instance, **kwargs)
        if self.is_bound:
            return
        answered = {row.item_id for row in self.get_queryset()}
        checklist = getattr(getattr(instance, "form_page", None), "checklist_id", None)
        items = ChecklistItem.objects.order_by("section__checklist_id", "number")
        if checklist is not None:
            items = items.filter(section__checklist_id=checklist)
        # Read once: each row's practice chooser shows its practice from here.
        self.items = {item.pk: item for item in items}
        self.initial_extra = [
            {"item": pk, "status": PracticeStatus.NOT_PLANNED}
            for pk in self.items
            if pk not in answered
        ]
        self.extra = len(self.initial_extra)

    # Fields left out of every row, for a user who may not see them (``hide_fields``).
    hidden_fields: tuple[str, ...] = ()

    def hide_fields(self, names):
        """Leave ``names`` out of every row: not shown, and not saved either, so the stored
        value stays as it is (a row form without the field does not touch it)."""
        self.hidden_fields = tuple(names)
        for form in self.__dict__.get("forms", ()):
            for name in self.hidden_fields:
                form.fields.pop(name, None)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name in self.hidden_fields:
            form.fields.pop(name, None)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        widget = form.fields["item"].widget
        if hasattr(widget, "known"):
            widget.known = self.items
        return form


class PracticesPanel(InlinePanel):
    """One row per practice of the checklist: the practice, its status, a note, the
    target month and the evidence link.

    The note and the evidence link are never public (the agency's own words to the
    reviewers): like contact details they need ``CONTACTS_PERMISSION``, here in the form,
    the revision comparison and (``PledgeAdminForm``) the rows' forms. The evidence file
    is not edited here; reviewers download it from the pledge's page (docs/evidence.md)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "panels",
            [
                FieldPanel("item"),
                FieldPanel("status"),
                FieldPanel("note", permission=CONTACTS_PERMISSION),
                FieldPanel("target_month"),
                FieldPanel("evidence_url", permission=CONTACTS_PERMISSION),
            ],
        )
        super().__init__(*args, **kwargs)

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = PracticeFormSet
        options["formsets"][self.relation_name]["extra"] = 0
        return options


class PledgeAdminForm(WagtailAdminModelForm):
    """Admin form for pledges: a pledge added here gets its address and duplicate key as if
    it had been submitted, so it neither clashes with another agency nor with the showcase.

    Practice notes are only in the form of a user allowed to see them (``CONTACTS_PERMISSION``);
    for others the rows keep their notes untouched."""

    # Fields of the practice rows that only users with CONTACTS_PERMISSION see and edit.
    private_practice_fields = ("note", "evidence_url")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        practices = self.formsets.get("practices")
        if practices is not None and not (user and user.has_perm(CONTACTS_PERMISSION)):
            practices.hide_fields(self.private_practice_fields)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            legal_name = cleaned_data.get("legal_name") or ""
            display_name = cleaned_data.get("display_name") or legal_name
            country = cleaned_data.get("country") or ""
            region = cleaned_data.get("region") or ""
            key = normalise_key(legal_name, country, region)
            if not legal_name or not country:
                # The duplicate key needs both; a field error, never a clash on save.
                for name in ("legal_name", "country"):
                    if not cleaned_data.get(name) and name not in self.errors:
                        self.add_error(name, _("This field is required."))
            elif Pledge.objects.filter(normalised_key=key).exists():
                self.add_error(
                    "legal_name" if "legal_name" in self.fields else None,
                    _(
                        "This agency already has a pledge in this country and "
                        "state/province; edit that pledge instead."
                    ),
                )
            self.instance.normalised_key = key
            self.instance.slug = unique_slug(display_name, region or country)
        return cleaned_data


PLEDGE_PANELS = [
    MultiFieldPanel(
        [
            FieldPanel("legal_name"),
            FieldPanel("display_name"),
            FixedSlugPanel(
                help_text=_(
                    "Address of the member page: /members/<slug>/. It is set from the "
                    "display name when the pledge is created and stays fixed, so "
                    "badges and links keep working."
                )
            ),
            FieldRowPanel([FieldPanel("agency_type"), FieldPanel("size_band")]),
            FieldRowPanel(
                [FieldPanel("country"), FieldPanel("region"), FieldPanel("city")]
            ),
            FieldPanel("website"),
            FieldPanel("logo"),
        ],
        heading=_("Agency"),
    ),
    MultiFieldPanel(
        [FieldPanel(name, permission=CONTACTS_PERMISSION) for name in CONTACT_FIELDS],
        heading=_("Contacts"),
    ),
    PracticesPanel(
        "practices",
        heading=_("Practices"),
        label=_("Practice"),
        help_text=_("The status of each practice of the checklist, with a note."),
    ),
    MultiFieldPanel(
        [
            FieldPanel("committed_all_areas"),
            FieldRowPanel(
                [FieldPanel("signatory_name"), FieldPanel("signatory_title")]
            ),
            FieldPanel("signed_on"),
        ],
        heading=_("Commitment"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("public_statement"),
            FieldPanel("consent_listed"),
            FieldPanel("consent_show_city"),
            FieldPanel("consent_show_website"),
            FieldPanel("consent_show_logo"),
            FieldPanel("consent_show_statement"),
            FieldPanel("consent_show_chief"),
            FieldPanel("consent_show_practices"),
        ],
        heading=_("Public profile"),
    ),
    MultiFieldPanel(
        [
            FieldPanel("stage"),
            FieldRowPanel([FieldPanel("pledged_at"), FieldPanel("deadline")]),
            FieldPanel("completed_at"),
        ],
        heading=_("Stage"),
    ),
    # Featuring and its order are curated in "Showcase curation", not here.
]


def pledge_edit_handler() -> ObjectList:
    """The pledge's edit form, as the pledge viewset shows it."""
    return ObjectList(PLEDGE_PANELS, base_form_class=PledgeAdminForm)
