"""Every public page says what it is in its <head>: one canonical address, a description,
OpenGraph and Twitter cards, a title with the site's name once, and JSON-LD that parses
and that no page text can break out of (cms/metadata.py, docs/metadata.md)."""

import datetime
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own responses
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, Site

from campaign_pages.models import NewsPage
from campaign_pages.testing.factories import NewsPageFactory
from cms import metadata
from cms.models import SiteSettings
from media.testing import ImageFactory, draw_image
from pledge_forms.choices import Stage
from pledge_forms.models import Pledge
from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
from tests.campaign_pages.conftest import build_site
from tests.pledge_forms.showcase.showcase_helpers import published_member
from tests.pledge_forms.steps_walk import walk
from tests.snapshots import built_once

PUBLIC = "http://testserver"
SITE_NAME = "Trust Building Campaign"
HOSTILE = '</script><script>alert(1)</script> "quoted" & <b>bold</b>'

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def site(settings):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    return build_metadata_site()


@built_once
def build_metadata_site():
    built = build_site(resources=2, news=2)
    # As the demo content writes them: every index page introduces itself.
    for index in (built.focus_index, built.resource_index, built.news_index):
        index.intro = f"All the {index.title.lower()} of the campaign, in one place."
        index.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(site_name=SITE_NAME)
    built.default_image = ImageFactory(
        title="Campaign card", description="Officers and residents talking"
    )
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.social_image = built.default_image
    site_settings.x_url = "https://x.example/campaign"
    site_settings.save()
    built.form = PledgeFormPageFactory(
        parent=built.home,
        title="Take the pledge",
        slug="pledge",
        checklist=make_checklist(),
        intro="<p>Commit your agency to the practices, one short step at a time.</p>",
    )
    built.showcase = ensure_showcase_page(built.home)
    built.member = published_member(
        display_name="Harbourview Police Department",
        slug="harbourview",
        stage=Stage.COMPLETED,
        completed_at=timezone.now(),
    )
    return built


def head_of(response) -> str:
    html = response.content.decode()
    return html[: html.index("</head>")]


def tags(head: str, pattern: str) -> list[str]:
    return [unescape(value) for value in re.findall(pattern, head)]


def meta(head: str, key: str, attribute: str = "property") -> list[str]:
    return tags(head, rf'<meta {attribute}="{re.escape(key)}" content="([^"]*)">')


def json_ld(head: str) -> list[dict]:
    """Every JSON-LD item of the page, parsed (a script that is not JSON fails)."""
    return [
        json.loads(text)
        for text in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', head, re.DOTALL
        )
    ]


def of_type(items: list[dict], kind: str) -> list[dict]:
    return [item for item in items if item.get("@type") == kind]


def public_pages(site, client) -> dict[str, str]:
    """One address of every public page type, the pledge form's steps included (a step
    after the first and the check page need a draft in the session)."""
    walk(client, site.form, until="contacts")
    return {
        "home": "/",
        "focus area index": "/focus-areas/",
        "focus area": site.use_of_force.url,
        "resources": "/resources/",
        "resource": site.resources[0].url,
        "news": "/news/",
        "news post": site.posts[0].url,
        "standard page": "/about/",
        "search": "/search/?q=resource",
        "pledge form": "/pledge/",
        "pledge step": "/pledge/step/contacts/",
        "showcase": "/members/",
        "member page": "/members/harbourview/",
        "map": "/members/map/",
        "statistics": "/members/statistics/",
    }


def test_every_public_page_type_has_complete_metadata(client, site):
    for name, url in public_pages(site, client).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        head = head_of(response)

        canonical = tags(head, r'<link rel="canonical" href="([^"]*)">')
        assert len(canonical) == 1, (name, canonical)
        address = urlsplit(canonical[0])
        assert canonical[0].startswith(PUBLIC + "/") and not address.query, (name, url)
        # A pledge step is the form's own page to search engines.
        own = "/pledge/" if name == "pledge step" else urlsplit(url).path
        assert address.path == own, (name, canonical)

        descriptions = tags(head, r'<meta name="description" content="([^"]*)">')
        assert len(descriptions) == 1 and descriptions[0].strip(), (name, descriptions)
        assert len(descriptions[0]) <= 161 and "<" not in descriptions[0], name

        assert meta(head, "og:url") == canonical, name
        assert meta(head, "og:title") and meta(head, "og:title")[0].strip(), name
        assert meta(head, "og:description") == descriptions, name
        assert meta(head, "og:type")[0] in {"website", "article"}, name
        assert meta(head, "og:site_name") == [SITE_NAME], name
        image = meta(head, "og:image")
        assert len(image) == 1 and image[0].startswith(PUBLIC + "/media/"), name
        assert meta(head, "og:image:alt"), name

        assert meta(head, "twitter:card", "name") == ["summary_large_image"], name
        assert meta(head, "twitter:title", "name") == meta(head, "og:title"), name
        assert meta(head, "twitter:description", "name") == descriptions, name
        assert meta(head, "twitter:image", "name") == image, name

        title = tags(head, r"<title>(.*?)</title>")
        assert len(title) == 1 and title[0].count(SITE_NAME) == 1, (name, title)

        for item in json_ld(head):
            assert item["@context"] == "https://schema.org" and item["@type"], name


def test_the_home_page_is_titled_by_the_site_name_alone_and_describes_the_site(
    client, site
):
    head = head_of(client.get("/"))
    assert tags(head, r"<title>(.*?)</title>") == [SITE_NAME]
    items = json_ld(head)
    (organization,) = of_type(items, "Organization")
    assert organization["name"] == SITE_NAME
    assert organization["url"] == PUBLIC + "/"
    assert organization["logo"].startswith(PUBLIC + "/media/images/")
    assert organization["sameAs"] == ["https://x.example/campaign"]
    (website,) = of_type(items, "WebSite")
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == PUBLIC + "/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    # The search address the template names finds things.
    searched = client.get(template.replace("{search_term_string}", "resource"))
    assert searched.status_code == 200 and "Resource 000" in searched.content.decode()
    assert not of_type(items, "BreadcrumbList")  # the home page shows no breadcrumbs


def test_a_home_page_with_an_seo_title_shows_that_alone(client, site):
    site.home.seo_title = "Police agencies building trust"
    site.home.save_revision().publish()
    assert tags(head_of(client.get("/")), r"<title>(.*?)</title>") == [
        "Police agencies building trust"
    ]


def test_a_title_that_names_the_site_does_not_name_it_twice(client, site):
    site.about.title = f"About the {SITE_NAME}"
    site.about.save_revision().publish()
    head = head_of(client.get("/about/"))
    assert tags(head, r"<title>(.*?)</title>") == [f"About the {SITE_NAME}"]
    other = head_of(client.get(site.resources[0].url))
    assert tags(other, r"<title>(.*?)</title>") == [f"Resource 000 · {SITE_NAME}"]


def test_a_news_post_is_a_news_article_with_its_own_image(client, site):
    post = site.posts[0]
    head = head_of(client.get(post.url))
    assert meta(head, "og:type") == ["article"]
    image = meta(head, "og:image")[0]
    assert ".fill-1200x630" in image
    assert meta(head, "og:image:width") == ["1200"]
    assert meta(head, "og:image:alt") == ["Illustration: Listening session"]
    (article,) = of_type(json_ld(head), "NewsArticle")
    assert article["headline"] == post.title
    assert article["datePublished"] == post.date.isoformat()
    modified = datetime.datetime.fromisoformat(article["dateModified"])
    assert post.date <= modified.date() <= timezone.localdate()
    assert article["image"] == [image]
    assert article["publisher"]["name"] == SITE_NAME
    assert article["publisher"]["logo"]["url"].startswith(PUBLIC + "/media/")
    assert article["mainEntityOfPage"] == PUBLIC + post.url
    assert meta(head, "article:published_time") == [post.date.isoformat()]


def test_a_page_without_an_image_shows_the_default_social_image(client, site):
    head = head_of(client.get("/about/"))
    image = meta(head, "og:image")[0]
    assert image.startswith(PUBLIC + "/media/images/campaign-card")
    assert meta(head, "og:image:alt") == ["Officers and residents talking"]
    assert meta(head, "og:image:width") == ["1200"]
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.social_image = None
    site_settings.save()
    head = head_of(client.get("/about/"))
    assert meta(head, "og:image") == []
    assert meta(head, "twitter:card", "name") == ["summary"]


def test_an_svg_image_is_never_the_card_image(client, site):
    svg = ImageFactory(
        title="Vector mark",
        file=ContentFile(
            b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" '
            b'height="10"><rect width="10" height="10"/></svg>',
            name="mark.svg",
        ),
    )
    site.about.social_image = svg
    site.about.save_revision().publish()
    image = meta(head_of(client.get("/about/")), "og:image")[0]
    assert "campaign-card" in image  # the default, not the SVG


def test_a_member_page_shows_the_agency_logo_and_its_own_description(client, site):
    site.member.logo.save("harbourview.png", ContentFile(draw_image("HV", 400, 400)))
    Pledge.objects.filter(pk=site.member.pk).update(logo=site.member.logo.name)
    head = head_of(client.get("/members/harbourview/"))
    assert meta(head, "og:image") == [PUBLIC + site.member.logo.url]
    assert meta(head, "og:image:alt") == ["Logo of Harbourview Police Department"]
    assert meta(head, "og:title") == ["Harbourview Police Department"]
    (description,) = tags(head, r'<meta name="description" content="([^"]*)">')
    assert description.startswith("Harbourview Police Department")
    assert "completed" in description
    title = tags(head, r"<title>(.*?)</title>")
    assert title == [f"Harbourview Police Department · Members · {SITE_NAME}"]


def test_a_member_who_shows_no_logo_gets_the_default_image(client, site):
    Pledge.objects.filter(pk=site.member.pk).update(consent_show_logo=False)
    head = head_of(client.get("/members/harbourview/"))
    assert "campaign-card" in meta(head, "og:image")[0]


def test_the_map_and_statistics_have_their_own_titles_and_descriptions(client, site):
    seen = set()
    for url, title in [
        ("/members/map/", "Map of members"),
        ("/members/statistics/", "Campaign statistics"),
    ]:
        head = head_of(client.get(url))
        assert meta(head, "og:title") == [title]
        assert tags(head, r"<title>(.*?)</title>") == [
            f"{title} · Members · {SITE_NAME}"
        ]
        (description,) = tags(head, r'<meta name="description" content="([^"]*)">')
        seen.add(description)
    assert len(seen) == 2
    statistics = head_of(client.get("/members/statistics/"))
    assert (
        "1 published member, 1 of them completed"
        in meta(statistics, "og:description")[0]
    )


def test_the_open_data_is_described_as_a_dataset(client, site, settings):
    settings.PLEDGE_FORMS_OPEN_DATA_LICENSE = (
        "https://creativecommons.org/licenses/by/4.0/"
    )
    head = head_of(client.get("/members/"))
    (dataset,) = of_type(json_ld(head), "Dataset")
    assert dataset["name"] == f"Member agencies of the {SITE_NAME}"
    assert 50 <= len(dataset["description"]) <= 5000  # Google's bounds
    assert dataset["url"] == PUBLIC + "/members/"
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["publisher"]["name"] == SITE_NAME
    assert "name" in dataset["variableMeasured"]
    formats = {}
    for download in dataset["distribution"]:
        assert download["@type"] == "DataDownload"
        response = client.get(download["contentUrl"].removeprefix(PUBLIC))
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode()
        assert "Harbourview Police Department" in body
        formats[download["encodingFormat"]] = response["Content-Type"]
    assert formats["text/csv"].startswith("text/csv")
    assert formats["application/json"] == "application/json"
    modified = datetime.datetime.fromisoformat(dataset["dateModified"])
    assert modified <= timezone.now()
    assert modified >= site.member.last_published_at.replace(microsecond=0)
    # A filtered list is the same data: described once, on the list itself.
    filtered = head_of(client.get("/members/?country=US"))
    assert not of_type(json_ld(filtered), "Dataset")


def test_hostile_text_cannot_break_out_of_the_head(client, site):
    site.about.title = HOSTILE
    site.about.search_description = HOSTILE
    site.about.save_revision().publish()
    Pledge.objects.filter(pk=site.member.pk).update(display_name=HOSTILE)
    cache.clear()
    for url in ["/about/", "/members/harbourview/", "/members/"]:
        html = client.get(url).content.decode()
        head = html[: html.index("</head>")]
        assert "<script>alert(1)</script>" not in html, url
        assert "<b>bold</b>" not in head, url
        # Every JSON-LD script still parses, and holds the text exactly as written.
        texts = json.dumps(json_ld(head), ensure_ascii=False)
        if url != "/members/":
            assert json.dumps(HOSTILE, ensure_ascii=False)[1:-1] in texts, url
        # The only scripts in the head are the JSON-LD ones.
        assert head.count("<script") == head.count(
            '<script type="application/ld+json">'
        ), url
    head = head_of(client.get("/about/"))
    assert meta(head, "og:title") == [HOSTILE]  # an attribute, escaped, read back whole


def test_the_canonical_address_drops_filters_and_tracking_but_keeps_later_pages(
    client,
):
    built = build_site(resources=3, news=12)  # 10 posts a page: two pages of news

    def canonical(url):
        return tags(head_of(client.get(url)), r'<link rel="canonical" href="([^"]*)">')

    assert canonical("/news/?page=2") == [PUBLIC + "/news/?page=2"]
    assert canonical("/news/?page=1") == [PUBLIC + "/news/"]
    assert canonical("/news/?page=abc") == [PUBLIC + "/news/"]
    assert canonical("/news/?utm_source=newsletter") == [PUBLIC + "/news/"]
    assert canonical("/resources/?type=toolkit&q=resource") == [PUBLIC + "/resources/"]
    assert canonical(built.posts[0].url + "?ref=x") == [PUBLIC + built.posts[0].url]


def test_the_members_list_keeps_its_page_number_but_not_its_filters(client, site):
    site.showcase.per_page = 6
    site.showcase.save_revision().publish()
    for number in range(6):
        published_member(display_name=f"Agency {number}", slug=f"agency-{number}")

    def canonical(url):
        return tags(head_of(client.get(url)), r'<link rel="canonical" href="([^"]*)">')

    assert canonical("/members/?page=2") == [PUBLIC + "/members/?page=2"]
    assert canonical("/members/?page=2&country=US") == [PUBLIC + "/members/"]


def test_the_pledge_steps_and_search_results_name_their_page_as_canonical(client, site):
    form_url = PUBLIC + "/pledge/"
    head = head_of(client.get("/pledge/"))
    assert meta(head, "robots", "name") == []
    assert tags(head, r'<link rel="canonical" href="([^"]*)">') == [form_url]
    walk(client, site.form, until="contacts")
    step = head_of(client.get("/pledge/step/contacts/"))
    # Crawlable, but a step is the form's own page to search engines.
    assert meta(step, "robots", "name") == []
    assert tags(step, r'<link rel="canonical" href="([^"]*)">') == [form_url]
    assert meta(step, "og:url") == [form_url]
    results = head_of(client.get("/search/?q=x"))
    assert meta(results, "robots", "name") == []
    assert tags(results, r'<link rel="canonical" href="([^"]*)">') == [
        PUBLIC + "/search/"
    ]
    # A link that does not work names no canonical address (nor its token).
    broken = client.get("/pledge/verify/not-a-token/")
    assert broken.status_code == 404
    assert "canonical" not in head_of(broken)
    assert "not-a-token" not in head_of(broken).split("<title>")[0]


def test_structured_breadcrumbs_mirror_the_visible_ones(client, site):
    for url in [site.posts[0].url, "/members/harbourview/", "/members/map/"]:
        html = client.get(url).content.decode()
        nav = html.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
        visible = [
            (unescape(name), PUBLIC + href)
            for href, name in re.findall(
                r'<a class="usa-breadcrumb__link" href="([^"]+)"><span>([^<]+)</span>',
                nav,
            )
        ]
        (current,) = re.findall(r'aria-current="page"><span>([^<]+)</span>', nav)
        visible.append((unescape(current), PUBLIC + url))
        (trail,) = of_type(json_ld(html[: html.index("</head>")]), "BreadcrumbList")
        listed = [(item["name"], item["item"]) for item in trail["itemListElement"]]
        assert listed == visible, url
        assert [item["position"] for item in trail["itemListElement"]] == list(
            range(1, len(visible) + 1)
        )


def test_descriptions_fall_back_to_the_intro_then_the_first_paragraph(client, site):
    about = site.about
    about.search_description = ""
    about.intro = ""
    about.body = [
        ("heading", {"text": "Not this", "level": "h2"}),
        (
            "rich_text",
            "<p> </p><p>First <b>real</b> paragraph &amp; more.</p><p>No</p>",
        ),
    ]
    about.save_revision().publish()
    assert meta(head_of(client.get("/about/")), "description", "name") == [
        "First real paragraph & more."
    ]
    about.intro = "The introduction."
    about.save_revision().publish()
    assert meta(head_of(client.get("/about/")), "description", "name") == [
        "The introduction."
    ]
    about.search_description = "What search engines show."
    about.save_revision().publish()
    assert meta(head_of(client.get("/about/")), "description", "name") == [
        "What search engines show."
    ]


def test_a_long_description_is_cut_on_a_word_boundary():
    text = ("Trust building practices for every agency " * 10).strip()
    cut = metadata.truncate_words(text)
    assert len(cut) <= 160 and cut.endswith("…")
    assert text.startswith(cut[:-1]) and text[len(cut) - 1] == " "
    assert metadata.truncate_words("Short enough.") == "Short enough."
    assert metadata.plain_text("<p>A &amp;&#39;B</p>\n<p>C</p>") == "A &'B C"


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return response, {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
        for url in root.findall("./s:url", ns)
    }


def test_no_sitemap_date_lies_in_the_future(client, site):
    ahead = timezone.now() + datetime.timedelta(days=9)
    Page.objects.update(last_published_at=timezone.now() - datetime.timedelta(days=2))
    # Dates moved ahead: an import, a backdated demo review, a server's clock ahead.
    Page.objects.filter(pk=site.about.pk).update(last_published_at=ahead)
    NewsPage.objects.filter(pk=site.posts[0].pk).update(
        last_published_at=ahead, first_published_at=ahead
    )
    Pledge.objects.filter(pk=site.member.pk).update(last_published_at=ahead)
    response, entries = sitemap_entries(client)
    today = timezone.localdate().isoformat()
    assert entries and all(entries.values()), entries
    assert all(lastmod <= today for lastmod in entries.values()), entries
    assert entries[PUBLIC + "/about/"] == today
    assert entries[PUBLIC + "/members/harbourview/"] == today
    modified = datetime.datetime.strptime(
        response["Last-Modified"], "%a, %d %b %Y %H:%M:%S GMT"
    ).replace(tzinfo=datetime.UTC)
    assert modified <= timezone.now()


def test_the_sitemap_lists_the_map_and_statistics_dated_by_their_members(client, site):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Page.objects.filter(pk=site.showcase.pk).update(last_published_at=long_ago)
    _, entries = sitemap_entries(client)
    member_date = entries[PUBLIC + "/members/harbourview/"]
    for path in ["/members/", "/members/map/", "/members/statistics/"]:
        assert entries[PUBLIC + path] == member_date, path
    assert PUBLIC + "/pledge/step/agency/" not in entries


def test_a_scheduled_page_is_neither_in_the_sitemap_nor_dated_by_its_schedule(
    client, site
):
    post = NewsPageFactory(parent=site.news_index, title="Coming soon", live=False)
    post.go_live_at = timezone.now() + datetime.timedelta(days=3)
    post.save_revision().publish()
    _, entries = sitemap_entries(client)
    assert PUBLIC + post.url not in entries
    today = timezone.localdate().isoformat()
    assert all(lastmod <= today for lastmod in entries.values() if lastmod)


def test_the_metadata_adds_no_query_with_a_default_image_and_more_content(client, site):
    """The default social image comes with the site settings and its rendition from the
    rendition cache: pages run the same queries with it as without it."""
    urls = ["/", "/about/", site.posts[0].url, "/members/", "/members/harbourview/"]

    def counts():
        result = {}
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result[url] = len(captured)
        return result

    with_image = counts()
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.social_image = None
    site_settings.save()
    assert counts() == with_image


def test_editors_choose_the_default_social_image_in_the_site_settings(
    admin_client, site
):
    site_id = Site.objects.get(is_default_site=True).pk
    html = admin_client.get(f"/admin/settings/cms/sitesettings/{site_id}/").content
    assert b'name="social_image"' in html
    assert b"Default social image" in html
