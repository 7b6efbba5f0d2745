"""`load_demo_content` builds the whole demo site once; loading again changes nothing."""

import io

import pytest
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from campaign_pages.models import (
    CampaignHomePage,
    FocusAreaPage,
    NewsPage,
    ResourcePage,
    StandardPage,
)
from pledge_forms.models import ChecklistItem
from tests.campaign_pages.conftest import load_demo_content

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Page.objects.count(),
        ChecklistItem.objects.count(),
        get_image_model().objects.count(),
        get_document_model().objects.count(),
    )


def test_demo_content_is_complete_and_loading_twice_adds_nothing(client):
    # The command's first load from an empty site, as the test process ran and kept it
    # (tests/snapshots.py): the same rows and files, and what it printed.
    assert "Demo content ready" in load_demo_content()
    first = snapshot()
    call_command("load_demo_content", stdout=io.StringIO())
    assert snapshot() == first

    home = CampaignHomePage.objects.get(locale__language_code="en")
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert FocusAreaPage.objects.live().count() == 6
    assert ChecklistItem.objects.filter(locale__language_code="en").count() == 25
    assert list(
        ChecklistItem.objects.filter(
            illustrative=True, locale__language_code="en"
        ).values_list("number", flat=True)
    ) == list(range(14, 26))
    codes = set(ChecklistItem.objects.values_list("code", flat=True))
    assert {"BF-1", "UF-1", "LC-1", "RH-1", "VS-1", "CR-1"} <= codes
    resources = ResourcePage.objects.live()
    assert resources.count() >= 20
    assert len(set(resources.values_list("resource_type", flat=True))) == 7
    for area in FocusAreaPage.objects.filter(locale__language_code="en"):
        assert area.checklist_section is not None
        assert resources.filter(focus_areas=area).exists(), area.title
    assert NewsPage.objects.live().count() >= 6
    assert NewsPage.objects.filter(title__icontains="listening session").exists()
    assert {"about", "faq", "contact", "press"} <= set(
        StandardPage.objects.values_list("slug", flat=True)
    )
    for url in ["/", "/focus-areas/use-of-force/", "/resources/", "/news/", "/faq/"]:
        assert client.get(url).status_code == 200, url

    # images drawn and documents generated locally, nothing downloaded
    image = get_image_model().objects.first()
    assert image.file.read(8) == b"\x89PNG\r\n\x1a\n"
    document = get_document_model().objects.first()
    with document.open_file() as handle:
        assert handle.read(5) == b"%PDF-"


def test_an_earlier_demo_site_gets_the_logo_and_toolkit_unless_an_editor_changed_them():
    """A site loaded before the campaign had its artwork shows a drawn placeholder logo
    and a one-paragraph press page: the next load replaces both, once, and never what an
    editor chose instead."""
    from campaign_pages import demo, demo_toolkit
    from cms.models import SiteSettings
    from media.testing import ImageFactory

    load_demo_content()  # the first load, as the test above has it
    site = Site.objects.get(is_default_site=True)

    def logo():
        return SiteSettings.objects.get(site=site).logo

    def press_blocks():
        page = StandardPage.objects.get(locale__language_code="en", slug="press")
        return [block.block_type for block in page.body]

    assert logo().title == demo.LOGO_IMAGE[0]
    assert "social_posts" in press_blocks()
    assert StandardPage.objects.get(
        locale__language_code="en", slug="press"
    ).social_image.title == ("Social share image")

    settings = SiteSettings.objects.get(site=site)
    settings.logo = ImageFactory(title=demo.PLACEHOLDER_LOGO_TITLE)
    settings.save()
    press = StandardPage.objects.get(locale__language_code="en", slug="press")
    press.body = demo_toolkit.PREVIOUS_PRESS_BODY
    press.save_revision().publish()
    before = snapshot()
    call_command("load_demo_content", stdout=io.StringIO())
    assert snapshot() == before, "the artwork and downloads were added again"
    assert logo().title == demo.LOGO_IMAGE[0]
    assert "social_posts" in press_blocks()

    own_logo = ImageFactory(title="Our own logo")
    settings = SiteSettings.objects.get(site=site)
    settings.logo = own_logo
    settings.save()
    press = StandardPage.objects.get(locale__language_code="en", slug="press")
    press.body = [("rich_text", "<p>Our own press page.</p>")]
    press.save_revision().publish()
    call_command("load_demo_content", stdout=io.StringIO())
    assert logo().pk == own_logo.pk
    assert press_blocks() == ["rich_text"]
