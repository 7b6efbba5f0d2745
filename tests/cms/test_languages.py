"""The site in three languages (cms/languages.py, docs/i18n.md): English at today's URLs,
Spanish under /es/, French under /fr/, each page linking to its translations."""

import re

import pytest
from wagtail.models import Locale, Page, PageViewRestriction, Site

from cms import page_cache
from cms.models import SiteSettings
from tests.campaign_pages.conftest import build_site
from tests.cms.test_page_cache import cached  # noqa: F401, F811 (a fixture)

pytestmark = pytest.mark.django_db

PUBLIC = "http://testserver"


def translate(page, code: str, **fields):
    """``page`` translated into ``code`` (its parents first) and published."""
    locale = Locale.objects.get(language_code=code)
    translation = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return translation


def alternates(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    )


def switcher(html: str) -> list[tuple[str, str]]:
    nav = html.split('class="site-languages"', 1)[1].split("</nav>", 1)[0]
    return re.findall(
        r'<a class="site-languages__link" href="([^"]*)" lang="([a-z]+)"', nav
    )


@pytest.fixture
def site():
    built = build_site(resources=1, news=1)
    translate(built.home, "es", title="Campaña para Fortalecer la Confianza")
    return built


def test_every_content_language_has_a_locale():
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {
        "en",
        "es",
        "fr",
    }


def test_english_stays_at_its_address_and_spanish_is_under_es(client, site):
    english = client.get("/")
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    spanish = client.get("/es/")
    assert spanish.status_code == 200
    html = spanish.content.decode()
    assert '<html lang="es">' in html
    assert "Campaña para Fortalecer la Confianza" in html
    assert spanish["Content-Language"] == "es"
    # The site's own words are in Spanish too.
    assert "Asuma el compromiso" in html or "Saltar al contenido principal" in html


def test_each_page_names_its_translations_and_the_default(client, site):
    html = client.get("/").content.decode()
    assert alternates(html) == {
        "en": PUBLIC + "/",
        "es": PUBLIC + "/es/",
        "x-default": PUBLIC + "/",
    }
    assert alternates(client.get("/es/").content.decode())["es"] == PUBLIC + "/es/"
    # No translation, no alternates: one language is not a choice.
    assert alternates(client.get(site.posts[0].url).content.decode()) == {}


def test_the_switcher_links_the_same_page_or_the_languages_home(client, site):
    focus = site.areas[0]
    spanish = translate(focus, "es", title="Política sin prejuicios")
    links = switcher(client.get(focus.url).content.decode())
    assert links == [(focus.url, "en"), (spanish.url, "es")]
    assert spanish.url.startswith("/es/")
    # A page not translated yet links to the Spanish home page; French has no home page
    # yet, so it is not offered.
    links = switcher(client.get(site.posts[0].url).content.decode())
    assert links == [(site.posts[0].url, "en"), ("/es/", "es")]
    # From a Spanish page too, each language's home is its own.
    translate(site.home, "fr", title="Campagne pour bâtir la confiance")
    links = switcher(client.get(spanish.url).content.decode())
    assert links == [(focus.url, "en"), (spanish.url, "es"), ("/fr/", "fr")]


def test_a_private_translation_is_not_offered(client, site):
    """A translation behind a view restriction (its own or an ancestor's) is linked as if
    missing: the language's home page instead."""
    focus = site.areas[0]
    spanish = translate(focus, "es", title="Política sin prejuicios")
    PageViewRestriction.objects.create(
        page=spanish.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    links = switcher(client.get(focus.url).content.decode())
    assert links == [(focus.url, "en"), ("/es/", "es")]
    assert alternates(client.get(focus.url).content.decode()) == {}


def test_a_page_asked_for_in_a_language_it_is_not_in_is_shown_in_its_own(client, site):
    post = site.posts[0]
    response = client.get("/es" + post.url + "?ref=x")
    assert response.status_code == 302
    assert response["Location"] == post.url + "?ref=x"


def test_english_pages_stay_shareable_by_caches(client, site, cached):  # noqa: F811
    first = client.get("/")
    assert "Accept-Language" not in first.get("Vary", "")
    assert first["Content-Language"] == "en"
    assert client.get("/")[page_cache.HEADER] == "hit"
    # Spanish is stored apart, under its own language.
    assert client.get("/es/")[page_cache.HEADER] == "miss"
    assert client.get("/es/")[page_cache.HEADER] == "hit"
    digest = "d" * 64
    assert page_cache.cache_key(digest, "es") != page_cache.cache_key(digest, "en")


def test_search_looks_in_the_language_of_its_address(client, site):
    translate(site.areas[0], "es", title="Vigilancia sin prejuicios")
    english = client.get("/search/?q=prejuicios").content.decode()
    spanish = client.get("/es/search/?q=prejuicios").content.decode()
    assert "Vigilancia sin prejuicios" not in english
    assert "Vigilancia sin prejuicios" in spanish


def test_the_sitemap_lists_every_language_with_alternates(client, site):
    spanish = translate(site.areas[0], "es", title="Vigilancia sin prejuicios")
    xml = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{PUBLIC}{spanish.url}</loc>" in xml
    english_entry = xml.split(f"<loc>{PUBLIC}{site.areas[0].url}</loc>", 1)[1].split(
        "</url>", 1
    )[0]
    assert f'hreflang="es" href="{PUBLIC}{spanish.url}"' in english_entry
    assert f'hreflang="x-default" href="{PUBLIC}{site.areas[0].url}"' in english_entry
    assert Page.objects.filter(locale__language_code="es").count() >= 3


def test_the_footer_links_the_policy_pages_in_the_pages_language(client, site):
    """The privacy notice chosen in the site settings is linked in Spanish on Spanish
    pages once it is translated, and stays the English one until then."""
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.privacy_page = site.about
    settings.save()

    def footer(url):
        html = client.get(url).content.decode()
        # The links listed before the sitemap's, at the foot of the page.
        return html.rsplit('href="/sitemap.xml"', 1)[0][-600:]

    assert 'href="/about/">About<' in footer("/es/")
    spanish = translate(site.about, "es", title="Aviso de privacidad")
    assert f'href="{spanish.url}">Aviso de privacidad<' in footer("/es/")
    assert 'href="/about/">About<' in footer("/")


def test_the_not_found_page_leads_on_in_its_language(client, site):
    response = client.get("/es/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert 'href="/es/focus-areas/"' in html
    assert 'action="/es/search/"' in html
    assert 'href="/focus-areas/"' in client.get("/no-such-page/").content.decode()
    nothing = client.get("/es/search/?q=zzzqqq").content.decode()
    assert 'href="/es/resources/"' in nothing
