"""Records of the 36 months: which reminder each pledge was sent, and which lapses the
showcase was told about (``pledge_forms.services.lapse``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PledgeReminder(models.Model):
    """The reminder ``months`` after the pledge date was sent for ``pledge``.

    The unique pair is what makes each reminder go out once: the row is created before the
    e-mail, in the same transaction, so a second worker running the same pass fails to
    create it and sends nothing."""

    pledge = models.ForeignKey(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    months = models.PositiveSmallIntegerField(_("months after the pledge date"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("pledge reminder")
        verbose_name_plural = _("pledge reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "months"], name="pledge_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.pledge_id}: {self.months} months"


class PledgeLapse(models.Model):
    """``pledge`` was seen lapsed and the showcase told (its cached pages invalidated).

    The lapsed stage itself is derived from the deadline (``services.lapse``); this row
    only makes the notice go out once. It is removed once the pledge is no longer lapsed
    (completed, or given a later deadline), so a later lapse is noticed again."""

    pledge = models.OneToOneField(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.CASCADE,
        related_name="lapse",
    )
    noticed_at = models.DateTimeField(_("noticed at"), default=timezone.now)

    class Meta:
        verbose_name = _("pledge lapse")
        verbose_name_plural = _("pledge lapses")

    def __str__(self):
        return str(self.pledge_id)
