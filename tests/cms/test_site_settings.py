"""Site settings edited by communications staff appear on every public page."""

import re

import pytest
from wagtail.models import Locale, Site

from cms.models import SiteSettings, SiteText
from tests.campaign_pages.conftest import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_tree(db):
    return build_site(resources=1, news=1)


def site_words(footer_text: str, site_name: str = "Trust Building Campaign"):
    """The default language's site text (Snippets → Site text), as an editor saves it."""
    words, _ = SiteText.objects.update_or_create(
        locale=Locale.get_default(),
        defaults={"site_name": site_name, "footer_text": footer_text},
    )
    return words


def test_footer_shows_contact_email_footer_text_and_social_links(client, site_tree):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.contact_email = "press@example.org"
    site_words("Trust is built together.")
    settings.linkedin_url = "https://www.linkedin.com/company/example"
    settings.save()
    for url in ["/", "/resources/", "/news/"]:
        page = client.get(url).content.decode()
        footer = page.split('<footer class="usa-footer')[1]
        assert 'href="mailto:press@example.org"' in footer
        assert "Trust is built together." in footer
        assert 'href="https://www.linkedin.com/company/example"' in footer


def test_the_logo_is_shown_in_the_header(client, site_tree):
    page = client.get("/").content.decode()
    header = page.split('<header class="usa-header')[1].split("</header>")[0]
    assert re.search(r'<img [^>]*src="[^"]+\.png"', header)


def test_without_settings_the_site_still_renders(client, site_tree):
    SiteSettings.objects.all().delete()
    page = client.get("/").content.decode()
    assert "mailto:" not in page


def test_footer_text_is_escaped(client, site_tree):
    site_words("<img src=x onerror=alert(1)>")
    page = client.get("/").content.decode()
    assert "<img src=x onerror" not in page
