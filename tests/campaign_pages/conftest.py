"""A small campaign site built with the factories: home, focus areas with the demo
checklist, resources, news, a standard page; and the demo content. Both are built once per
test process and copied back in later tests (tests/snapshots.py)."""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from campaign_pages import demo
from campaign_pages.testing.factories import (
    CampaignHomePageFactory,
    FocusAreaIndexPageFactory,
    FocusAreaPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
    ResourceIndexPageFactory,
    ResourcePageFactory,
    StandardPageFactory,
)
from cms.models import SiteSettings, SiteText
from cms.public_address import site_fields
from media.testing import DocumentFactory, ImageFactory
from tests.snapshots import built_once


@built_once
def load_demo_content() -> str:
    """What ``manage.py load_demo_content`` builds, and what it printed
    (tests/campaign_pages/test_demo.py tests the command itself)."""
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


@built_once
def build_site(resources: int = 3, news: int = 3) -> SimpleNamespace:
    Page.objects.filter(depth=2).delete()
    root = Page.get_first_root_node()
    image = ImageFactory(title="Listening session")
    home = CampaignHomePageFactory(parent=root, hero_image=image)
    site, _ = Site.objects.update_or_create(
        is_default_site=True,
        # Where `migrate` points it: the public address (PUBLIC_URL).
        defaults={**site_fields(), "root_page": home},
    )
    site_settings = SiteSettings.for_site(site)
    site_settings.logo = image
    SiteText.objects.update_or_create(
        locale=Locale.get_default(),
        defaults={
            "site_name": "Trust Building Campaign",
            "footer_text": "Building trust together.",
        },
    )
    site_settings.contact_email = "campaign@example.org"
    site_settings.save()
    checklist = demo.ensure_checklist()
    focus_index = FocusAreaIndexPageFactory(parent=home)
    sections = list(checklist.sections.order_by("sort_order"))
    areas = [
        FocusAreaPageFactory(
            parent=focus_index,
            title=section.title,
            slug=section.slug,
            checklist_section=section,
        )
        for section in sections
    ]
    resource_index = ResourceIndexPageFactory(parent=home)
    use_of_force = areas[1]
    practices = list(use_of_force.checklist_section.items.order_by("number"))
    document = DocumentFactory(title="De-escalation handbook")
    resource_pages = []
    for n in range(resources):
        resource_pages.append(
            ResourcePageFactory(
                parent=resource_index,
                title=f"Resource {n:03d}",
                resource_type=["guide", "toolkit", "training"][n % 3],
                document=document if n % 2 == 0 else None,
                featured=n < 4,
                focus_areas=[areas[n % len(areas)], use_of_force],
                practices=[practices[n % len(practices)]],
            )
        )
    news_index = NewsIndexPageFactory(parent=home)
    posts = [
        NewsPageFactory(parent=news_index, title=f"News {n:03d}", image=image)
        for n in range(news)
    ]
    about = StandardPageFactory(parent=home, title="About", slug="about")
    return SimpleNamespace(
        home=home,
        focus_index=focus_index,
        areas=areas,
        use_of_force=use_of_force,
        resource_index=resource_index,
        resources=resource_pages,
        news_index=news_index,
        posts=posts,
        about=about,
        document=document,
        image=image,
    )


@pytest.fixture
def campaign_site(db):
    return build_site()
