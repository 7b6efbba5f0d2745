"""Where each page type may be created, so editors cannot build a broken site tree."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from campaign_pages.models import (
    CampaignHomePage,
    FocusAreaIndexPage,
    FocusAreaPage,
    NewsIndexPage,
    NewsPage,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
)


class PageTreeRulesTests(WagtailPageTestCase):
    def test_the_home_page_sits_at_the_top_and_there_is_only_one(self):
        self.assertCanCreateAt(Page, CampaignHomePage)
        self.assertCanNotCreateAt(StandardPage, CampaignHomePage)
        self.assertEqual(CampaignHomePage.max_count, 1)

    def test_sections_live_under_the_home_page(self):
        for model in (FocusAreaIndexPage, ResourceIndexPage, NewsIndexPage):
            self.assertCanCreateAt(CampaignHomePage, model)
            self.assertCanNotCreateAt(StandardPage, model)
            self.assertEqual(model.max_count, 1)

    def test_focus_areas_live_only_in_the_focus_area_index(self):
        self.assertAllowedSubpageTypes(FocusAreaIndexPage, {FocusAreaPage})
        self.assertAllowedParentPageTypes(FocusAreaPage, {FocusAreaIndexPage})
        self.assertAllowedSubpageTypes(FocusAreaPage, set())

    def test_resources_live_only_in_the_resource_library(self):
        self.assertAllowedSubpageTypes(ResourceIndexPage, {ResourcePage})
        self.assertAllowedParentPageTypes(ResourcePage, {ResourceIndexPage})
        self.assertAllowedSubpageTypes(ResourcePage, set())

    def test_news_posts_live_only_in_the_news_index(self):
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})

    def test_standard_pages_nest_under_home_or_each_other(self):
        self.assertAllowedParentPageTypes(
            StandardPage, {CampaignHomePage, StandardPage}
        )
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_the_home_page_leaves_room_for_the_pledge_plugin_pages(self):
        allowed = set(CampaignHomePage.allowed_subpage_models())
        assert {FocusAreaIndexPage, ResourceIndexPage, NewsIndexPage, StandardPage} <= (
            allowed
        )
        try:
            from pledge_forms.models import PledgeFormPage
        except ImportError:  # pragma: no cover - plugin without a form page
            return
        assert PledgeFormPage in allowed


@pytest.mark.django_db
def test_a_resource_needs_a_document_or_a_link(campaign_site):
    """Saving a resource with neither an uploaded document nor a link gives a field error."""
    from django.core.exceptions import ValidationError

    resource = campaign_site.resources[1]
    resource.document = None
    resource.external_url = ""
    with pytest.raises(ValidationError) as error:
        resource.full_clean()
    assert "external_url" in error.value.message_dict
