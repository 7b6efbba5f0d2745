"""Page types of the campaign site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class CampaignHomePage(Page):
    """The campaign's home page: purpose, focus areas, call to pledge, live figures."""

    intro = models.TextField(_("purpose statement"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "campaign_pages/campaign_home_page.html"

    class Meta:
        verbose_name = _("campaign home page")
