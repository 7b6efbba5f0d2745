"""Factories for the campaign's page types (used by the tests and by the demo content)."""

import datetime

import factory
import wagtail_factories
from django.utils.text import slugify

from campaign_pages.models import (
    CampaignHomePage,
    FocusAreaIndexPage,
    FocusAreaPage,
    NewsIndexPage,
    NewsPage,
    ResourceIndexPage,
    ResourcePage,
    ResourceType,
    StandardPage,
)


class CampaignPageFactory(wagtail_factories.PageFactory):
    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:80])
    live = True


class CampaignHomePageFactory(CampaignPageFactory):
    class Meta:
        model = CampaignHomePage

    title = "Trust Building Campaign"
    slug = "home"
    intro = "Police agencies commit to 25 practices in six focus areas."
    show_in_menus = False


class StandardPageFactory(CampaignPageFactory):
    class Meta:
        model = StandardPage

    intro = factory.LazyAttribute(lambda o: f"About {o.title.lower()}.")


class FocusAreaIndexPageFactory(CampaignPageFactory):
    class Meta:
        model = FocusAreaIndexPage

    title = "Focus areas"
    slug = "focus-areas"
    show_in_menus = True


class FocusAreaPageFactory(CampaignPageFactory):
    class Meta:
        model = FocusAreaPage

    title = factory.Sequence(lambda n: f"Focus area {n}")
    summary = factory.LazyAttribute(lambda o: f"What {o.title} asks of agencies.")


class ResourceIndexPageFactory(CampaignPageFactory):
    class Meta:
        model = ResourceIndexPage

    title = "Resources"
    slug = "resources"
    show_in_menus = True


class ResourcePageFactory(CampaignPageFactory):
    class Meta:
        model = ResourcePage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Resource {n}")
    resource_type = ResourceType.GUIDE
    publisher = "Campaign team"
    summary = factory.LazyAttribute(lambda o: f"A short guide: {o.title}.")
    external_url = factory.LazyAttribute(
        lambda o: f"https://example.org/resources/{o.slug}"
    )

    @factory.post_generation
    def focus_areas(obj, create, extracted, **kwargs):
        if extracted:
            obj.focus_areas.set(extracted)
            if create:
                obj.save()

    @factory.post_generation
    def practices(obj, create, extracted, **kwargs):
        if extracted:
            obj.practices.set(extracted)
            if create:
                obj.save()


class NewsIndexPageFactory(CampaignPageFactory):
    class Meta:
        model = NewsIndexPage

    title = "News"
    slug = "news"
    show_in_menus = True


class NewsPageFactory(CampaignPageFactory):
    class Meta:
        model = NewsPage

    title = factory.Sequence(lambda n: f"News post {n}")
    # Within the year before 2026-11: a date in the future is not a published date.
    date = factory.Sequence(
        lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 300)
    )
    author = "Campaign team"
    summary = factory.LazyAttribute(lambda o: f"What happened: {o.title}.")
