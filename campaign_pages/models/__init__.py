"""Page types of the campaign site, split by concept."""

from campaign_pages.models.focus_areas import FocusAreaIndexPage, FocusAreaPage
from campaign_pages.models.mixins import CampaignPageMixin
from campaign_pages.models.news import NewsIndexPage, NewsPage, NewsPageTag
from campaign_pages.models.pages import CampaignHomePage, StandardPage
from campaign_pages.models.resources import (
    ResourceIndexPage,
    ResourcePage,
    ResourceType,
)

__all__ = [
    "CampaignHomePage",
    "FocusAreaIndexPage",
    "FocusAreaPage",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "ResourceIndexPage",
    "ResourcePage",
    "ResourceType",
    "CampaignPageMixin",
    "StandardPage",
]
