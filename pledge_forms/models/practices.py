"""A pledge's answer for one practice of its checklist: its status, a short note, and the
details that go with the status (a target month; evidence of a practice in place)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import model_from_serializable_data
from wagtail.admin.panels import FieldPanel

from pledge_forms import evidence
from pledge_forms.choices import PracticeStatus
from pledge_forms.models.checklists import ChecklistItem


class PledgePractice(models.Model):
    """Where one agency stands on one practice (in place, in progress, planned, not yet).

    A child row of the pledge, so its revisions keep it: an update waiting for review
    carries its own rows, and the rows in the database are the published ones. A practice
    without a row counts as not yet planned.

    Deleting a practice from the checklist deletes the statuses given for it (CASCADE): a
    status means nothing without its practice, and it is the only rule modelcluster can
    apply to stored revisions, which then drop the row (with PROTECT, a revision naming a
    practice deleted since could no longer be opened, compared or published).
    """

    pledge = ParentalKey(
        "pledge_forms.Pledge", on_delete=models.CASCADE, related_name="practices"
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("practice"),
        on_delete=models.CASCADE,
        related_name="pledge_practices",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PracticeStatus.choices,
        default=PracticeStatus.NOT_PLANNED,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # In progress / planned within 12 months: the month it should be in place (its 1st).
    target_month = models.DateField(_("target month"), null=True, blank=True)
    # In place: where to see it, and a file for the reviewers (private storage, never
    # public; pledge_forms.evidence).
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        storage=evidence.evidence_storage,
        upload_to="evidence/",
        max_length=255,
        blank=True,
    )

    panels = [
        FieldPanel("item"),
        FieldPanel("status"),
        FieldPanel("note"),
        FieldPanel("target_month"),
        FieldPanel("evidence_url"),
    ]

    class Meta:
        ordering = ["item__number"]
        verbose_name = _("practice status")
        verbose_name_plural = _("practice statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "item"], name="pledge_forms_practice_unique_item"
            )
        ]
        indexes = [
            # Adoption per practice: counted per item and status.
            models.Index(fields=["item", "status"], name="pledge_practice_status"),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.status}"

    @property
    def evidence_link(self) -> str:
        """The evidence link when it is an http(s) address, else ""."""
        return evidence.web_link(self.evidence_url)

    @property
    def evidence_name(self) -> str:
        """The stored evidence file's name ("" without one)."""
        name = self.evidence_file.name if self.evidence_file else ""
        return name if evidence.is_evidence_name(name) else ""

    @property
    def evidence_display_name(self) -> str:
        return evidence.display_name(self.evidence_name)

    @classmethod
    def rows_from_serializable_data(cls, rows_data, check_fks=True):
        """The rows of a stored revision, each with its practice, read in one query
        whatever their number.

        What modelcluster does row by row, done once for all rows: it would look each
        row's pledge and practice up to see that they still exist, then read each practice
        again to sort the rows by its number (``Meta.ordering``). Here the practices are
        read in one query and set on the rows, so sorting and showing them read nothing
        more. As modelcluster does for a CASCADE key, a row whose practice was deleted
        since is dropped. The pledge is not looked up: the rows are set on the pledge
        being built, which replaces it. Any other foreign key is still checked by
        modelcluster."""
        item_field = cls._meta.get_field("item")
        own_keys = {"item", "pledge"}
        rows = []
        for data in rows_data:
            row = model_from_serializable_data(
                cls,
                {key: value for key, value in data.items() if key not in own_keys},
                check_fks=check_fks,
                strict_fks=True,
            )
            if row is None:
                continue
            row.item_id = item_field.to_python(data.get("item"))
            rows.append(row)
        items = ChecklistItem._default_manager.in_bulk(
            {row.item_id for row in rows if row.item_id is not None}
        )
        kept = []
        for row in rows:
            item = items.get(row.item_id)
            if item is not None:
                row.item = item
            elif check_fks:
                continue
            kept.append(row)
        return kept
