from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignPagesConfig(AppConfig):
    name = "campaign_pages"
    label = "campaign_pages"
    verbose_name = _("Campaign pages")
