"""Logos that arrived while media storage was unreachable, kept until a worker stores them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingLogo(models.Model):
    """The re-encoded bytes of a logo whose pledge or update was stored without it.

    Media storage (S3) being down or hanging must not lose a pledge, so the pledge and its
    submission are stored at once and the logo waits here, in the database, until the
    ``store_pending_logo`` task puts it into media storage and onto the pledge
    (``pledge_forms.tasks``). ``for_update`` logos go into a new draft revision only, like
    the logo of an update that was stored at once. The row is deleted once the logo is
    stored (or superseded by a newer one).
    """

    pledge = models.ForeignKey(
        "pledge_forms.Pledge",
        verbose_name=_("pledge"),
        on_delete=models.CASCADE,
        related_name="pending_logos",
    )
    submission = models.ForeignKey(
        "pledge_forms.PledgeSubmission",
        verbose_name=_("submission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    for_update = models.BooleanField(_("sent with an update"), default=False)
    name = models.CharField(_("file name"), max_length=255)
    # The logo the pledge (or its draft) had when this one arrived: if a reviewer or a
    # later update has changed it since, this older logo is dropped, never put back.
    replaces = models.CharField(_("replaces"), max_length=255, blank=True)
    content = models.BinaryField(_("content"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pending logo")
        verbose_name_plural = _("pending logos")

    def __str__(self):
        return f"{self.name} ({self.created_at:%Y-%m-%d %H:%M})"
