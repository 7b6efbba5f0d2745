"""A pledge's answer for one practice of its checklist: its status and a short note."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel

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

    panels = [FieldPanel("item"), FieldPanel("status"), FieldPanel("note")]

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
