"""The dated history of a pledge's practices: one row each time an approved publication
changed the status of a practice (``pledge_forms.services.progress`` writes them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from pledge_forms.choices import PracticeStatus
from pledge_forms.models.checklists import ChecklistItem


class PracticeChange(models.Model):
    """On ``changed_on``, ``pledge``'s status for ``item`` went from ``status_before``
    (blank: the first approval, which dates every status at the pledge's date) to
    ``status_after``.

    Written when a publication is approved, by comparing the newly published practice
    rows with the history so far, so publishing the same statuses again writes nothing.
    Not a child of the revisioned pledge (a plain key, not a ``ParentalKey``): reverting
    or publishing a revision never rewrites the past. One row per practice and day: two
    approvals on one day leave the day's last status. No personal data (no notes).
    Deleting a practice deletes its history (CASCADE, as for ``PledgePractice``)."""

    pledge = models.ForeignKey(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.CASCADE,
        related_name="practice_changes",
    )
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("practice"),
        on_delete=models.CASCADE,
        related_name="practice_changes",
    )
    status_before = models.CharField(
        _("status before"),
        max_length=20,
        choices=PracticeStatus.choices,
        blank=True,
        help_text=_("Blank for the statuses of the first approval."),
    )
    status_after = models.CharField(
        _("status after"), max_length=20, choices=PracticeStatus.choices
    )
    changed_on = models.DateField(_("changed on"))
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["changed_on", "item__number"]
        verbose_name = _("practice change")
        verbose_name_plural = _("practice changes")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "item", "changed_on"],
                name="pledge_forms_practice_change_per_day",
            )
        ]
        indexes = [
            # Adoption over time: counted per day across the published pledges.
            models.Index(
                fields=["changed_on", "status_after"], name="practice_change_day"
            ),
        ]

    def __str__(self):
        before = self.status_before or "-"
        return f"{self.item_id}: {before} → {self.status_after} ({self.changed_on})"
