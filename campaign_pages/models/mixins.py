"""What every campaign page shares: a social image for OpenGraph cards, and a view
restriction check in one query."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page, PageViewRestriction


class CampaignPageMixin(models.Model):
    """Adds a social-media image (the search description comes from Wagtail's Page) and
    looks up the view restrictions of the page and its ancestors in one query."""

    social_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("social image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown when the page is shared on social media (1200 × 630 works best)."
        ),
    )

    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel([FieldPanel("social_image")], heading=_("Social media")),
    ]

    class Meta:
        abstract = True

    def get_social_image(self):
        return self.social_image

    def get_view_restrictions(self):
        """The restrictions on this page and its ancestors, or on the pages they are
        aliases of, as Wagtail's own method finds them, in one query instead of two."""
        paths = [
            self.path[: self.steplen * depth] for depth in range(1, self.depth + 1)
        ]
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths, page__alias_of__isnull=True)
            | Q(page__aliases__path__in=paths)
        ).distinct()
