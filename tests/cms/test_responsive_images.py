"""Images come in sizes for each screen, as WebP where the browser reads it, in a box whose
size is known before they load (no layout shift); only those above the fold load at once."""

import re
from html import unescape

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model

from campaign_pages.testing.factories import NewsPageFactory
from media.testing import ImageFactory
from tests.campaign_pages.conftest import build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return build_site(resources=1, news=3)


def pictures(html):
    return BeautifulSoup(html, "html.parser").find_all("picture")


def srcset_urls(srcset):
    entries = [entry.strip().rsplit(" ", 1) for entry in srcset.split(",")]
    assert all(re.fullmatch(r"\d+w", width) for _, width in entries), srcset
    return [unescape(url) for url, _ in entries]


def check_picture(client, picture, *, lazy):
    source = picture.find("source")
    img = picture.find("img")
    assert source is not None and source["type"] == "image/webp"
    assert source["sizes"] and img["sizes"] == source["sizes"]
    webp = srcset_urls(source["srcset"])
    fallback = srcset_urls(img["srcset"])
    assert len(webp) >= 2 and len(webp) == len(fallback)
    assert int(img["width"]) > 0 and int(img["height"]) > 0
    assert img["decoding"] == "async"
    assert (img.get("loading") == "lazy") is lazy
    for url in webp:
        body = b"".join(client.get(url).streaming_content)
        assert body[:4] == b"RIFF" and body[8:12] == b"WEBP", url
    for url in [*fallback, img["src"]]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] in {"image/png", "image/jpeg"}, url
    # The fallback src is the size its width and height name.
    assert img["src"] in fallback
    return img


def test_the_home_page_hero_loads_at_once_in_sizes_for_each_screen(client, site):
    html = client.get("/").content.decode()
    hero = next(
        p for p in pictures(html) if p.find_parent("div", class_="campaign-hero__image")
    )
    img = check_picture(client, hero, lazy=False)
    assert img["alt"] == ""  # beside the message it illustrates
    # The ratio of the crop, so the box is right before the file arrives.
    assert int(img["width"]) / int(img["height"]) == pytest.approx(1.5, rel=0.01)


def test_news_cards_load_lazily_as_webp_with_a_fallback(client, site):
    html = client.get("/news/").content.decode()
    cards = [p for p in pictures(html) if p.find_parent("li", class_="usa-card")]
    assert len(cards) == 3
    for card in cards:
        img = check_picture(client, card, lazy=True)
        assert (
            img["alt"] == ""
        )  # the card's heading links the post; the image adds nothing


def test_a_news_posts_image_is_above_the_fold(client, site):
    html = client.get(site.posts[0].url).content.decode()
    (picture,) = [p for p in pictures(html) if p.find_parent("figure")]
    check_picture(client, picture, lazy=False)


def test_the_header_logo_comes_from_a_rendition_not_the_uploaded_original(client, site):
    html = client.get("/about/").content.decode()
    header = BeautifulSoup(html, "html.parser").find("header", class_="site-header")
    picture = header.find("picture")
    assert picture is not None, header
    img = check_picture(client, picture, lazy=False)
    assert int(img["height"]) == 40
    assert img["class"] == ["site-logo__image"]
    assert site.image.file.name not in img["src"]
    assert "/original_images/" not in html.split("</header>")[0]


def test_a_vector_logo_stays_one_svg_of_known_size(client, settings):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" '
        b'viewBox="0 0 200 50"><rect width="200" height="50" fill="#0b3d6b"/></svg>'
    )
    image = get_image_model()(
        title="Vector logo", description="Campaign logo", file=ContentFile(svg, "l.svg")
    )
    image.save()
    html = (
        engines["django"]
        .from_string('{% load responsive_images %}{% responsive_image image "logo" %}')
        .render({"image": image})
    )
    img = BeautifulSoup(html, "html.parser").find("img")
    assert img["src"].endswith(".svg"), html
    assert (img["width"], img["height"]) == ("160", "40")
    assert client.get(img["src"]).status_code == 200


def test_a_list_of_news_runs_the_same_queries_with_cold_renditions_however_long(
    client, site
):
    """Renditions of a list's images come in one query, not one per image."""

    def queries():
        get_image_model().get_rendition_model().cache_backend.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/news/").status_code == 200
        return len(captured)

    client.get("/news/")  # makes the renditions
    queries()  # and whatever else the first request after a cleared cache stores
    few = queries()
    for n in range(6):
        NewsPageFactory(
            parent=site.news_index, title=f"More {n}", image=ImageFactory(colour=n)
        )
    client.get("/news/")
    assert queries() == few


def test_a_changed_image_shows_at_once_although_its_markup_is_kept(client, site):
    """The markup of a picture is kept per process; a new file of the image gives the
    next page its new renditions."""

    def card_sources():
        html = client.get("/news/").content.decode()
        card = next(p for p in pictures(html) if p.find_parent("li", class_="usa-card"))
        return card.find("img")["src"]

    first = card_sources()
    assert card_sources() == first  # kept: the same markup
    image = site.posts[0].image
    replacement = ImageFactory(colour=9)
    with replacement.file.open() as original:
        image.file.save("replaced.png", ContentFile(original.read()), save=False)
    image.width, image.height = replacement.width, replacement.height
    image.save()
    image.renditions.all().delete()  # as Wagtail's edit view does for a new file
    replaced = card_sources()
    assert replaced != first
    assert client.get(replaced).status_code == 200
