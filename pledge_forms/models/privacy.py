"""Records of privacy housekeeping: which pledges had their personal data erased, and the
one pending run of the daily housekeeping task."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureReason(models.TextChoices):
    DECLINED = "declined", _("Declined, retention period over")
    UNVERIFIED = "unverified", _("Never confirmed, retention period over")
    LAPSED = "lapsed", _("Deadline passed without completion, retention period over")
    REQUEST = "request", _("Erased on request")


class PledgeErasure(models.Model):
    """The personal data of one pledge was erased (``pledge_forms.services.privacy``).

    Its presence is what makes the erasure run once: retention skips pledges that have it.
    The pledge row itself stays, so the campaign's counts stay the same."""

    pledge = models.OneToOneField(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.CASCADE,
        related_name="erasure",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ErasureReason.choices)
    erased_at = models.DateTimeField(_("erased at"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self):
        return f"{self.pledge_id}: {self.get_reason_display()}"


class ScheduledTask(models.Model):
    """The task enqueued for the next run of a recurring job (one row a job).

    A task that re-enqueues itself may otherwise multiply: every deploy, every ``make run``
    and every run would add one. Scheduling locks this row and enqueues only when the task
    it names is no longer waiting."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    run_after = models.DateTimeField(_("run after"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_result = models.TextField(_("last result"), blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("scheduled task")
        verbose_name_plural = _("scheduled tasks")

    def __str__(self):
        return self.name
