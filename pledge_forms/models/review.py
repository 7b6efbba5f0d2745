"""Reason codes reviewers choose from when they decline a pledge."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class DeclineReason(models.Model):
    """A reason for declining a pledge, chosen from a list instead of typed each time.

    Reviewers pick one of the active reasons in the decline form (with or without words
    of their own); the agency's e-mail carries its text, and the pledge keeps its code so
    that the listing, the history and exports say why it was declined. Editors keep the
    list: a reason no longer used is made inactive rather than deleted, so the code that
    pledges declined with it carry keeps its meaning.
    """

    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Short and stable; stored with each pledge declined for it."),
    )
    label = models.CharField(
        _("label"), max_length=120, help_text=_("What reviewers choose from.")
    )
    text = models.TextField(
        _("text for the agency"),
        help_text=_("Sent to the agency in the decline e-mail. Text only."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Offered in the decline form.")
    )

    panels = [
        FieldPanel("label"),
        FieldPanel("code"),
        FieldPanel("text"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = _("decline reason")
        verbose_name_plural = _("decline reasons")

    def __str__(self):
        return self.label
