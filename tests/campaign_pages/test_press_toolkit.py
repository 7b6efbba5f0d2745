"""The press and social media toolkit: downloads that answer with their files, a logo pack
holding what the page lists, posts to copy, and brand artwork that is safe to embed."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site

from campaign_pages import demo, demo_toolkit
from campaign_pages.testing.factories import StandardPageFactory
from cms.models import SiteSettings
from media.testing import ImageFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
BRAND = demo_toolkit.brand_file("mark.svg").parent
STATIC = BRAND.parent.parent
CONTENT_TYPES = {"zip": "application/zip", "svg": "image/svg+xml", "png": "image/png"}


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def body_of(response) -> bytes:
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def settings_of_default_site() -> SiteSettings:
    return SiteSettings.objects.get(site=Site.objects.get(is_default_site=True))


@pytest.fixture
def toolkit(campaign_site):
    """The toolkit page as the demo loader builds it on the small test site."""
    return demo.ensure_press_toolkit(
        campaign_site.home,
        settings_of_default_site(),
        {area.slug: area for area in campaign_site.areas},
    )


def test_every_download_of_the_toolkit_answers_with_its_file_as_an_attachment(
    client, toolkit
):
    page = soup(client.get(toolkit.url))
    links = page.find_all("a", href=re.compile(r"^/documents/"))
    kinds = set()
    for link in links:
        response = client.get(link["href"])
        assert response.status_code == 200, link["href"]
        extension = link["href"].rsplit(".", 1)[-1]
        assert response["Content-Type"] == CONTENT_TYPES[extension]
        assert response["Content-Disposition"].startswith("attachment")
        assert body_of(response), link["href"]
        # what the file is and how big, next to the link
        note = link.find_next_sibling("span").get_text()
        assert re.fullmatch(rf"\({extension.upper()}, [\d.]+\s[KM]?B\)", note), note
        kinds.add(extension)
    assert kinds == {"zip", "svg", "png"}
    assert len(links) == 3


def test_the_logo_pack_holds_the_files_the_page_lists_and_a_usage_guide(
    client, toolkit
):
    page = soup(client.get(toolkit.url))
    pack = get_document_model().objects.get(title=demo.LOGO_PACK_TITLE)
    link = page.find("a", href=pack.url)
    assert link is not None and link.get_text() == demo.LOGO_PACK_TITLE
    archive = zipfile.ZipFile(io.BytesIO(body_of(client.get(pack.url))))
    assert archive.testzip() is None
    folder = demo_toolkit.PACK_FOLDER
    listed = sorted(f"{folder}/{code.get_text()}" for code in page.select("li code"))
    assert sorted(archive.namelist()) == listed
    assert len(listed) == 1 + 3 + 9  # guide, three SVGs, three PNGs of each

    guide = archive.read(f"{folder}/README.txt").decode()
    for words in ("Clear space", "Minimum size", "#162e51", "#ffbe2e", "#ffffff"):
        assert words in guide
    assert "SIL Open Font License" in guide and "Public Sans" in guide
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".png"):
            width = int(re.search(r"-(\d+)\.png$", name)[1])
            with Image.open(io.BytesIO(data)) as image:
                assert image.format == "PNG" and image.width == width, name
        elif name.endswith(".svg"):
            assert ET.fromstring(data).tag == f"{SVG}svg"  # noqa: S314


def test_the_badge_artwork_is_offered_as_svg_and_png(client, toolkit):
    page = soup(client.get(toolkit.url))
    for title, _filename in demo.BADGE_DOCUMENTS:
        document = get_document_model().objects.get(title=title)
        assert page.find("a", href=document.url).get_text() == title
    png = get_document_model().objects.get(title=demo.BADGE_DOCUMENTS[1][0])
    with Image.open(io.BytesIO(body_of(client.get(png.url)))) as image:
        assert image.size == (1040, 256)


def test_the_posts_are_text_to_copy_with_hashtags_and_the_alt_text_of_their_image(
    client, toolkit
):
    response = client.get(toolkit.url)
    page = soup(response)
    boxes = page.select("textarea")
    assert 3 <= len(boxes) <= 5
    assert len(boxes) == len(demo_toolkit.SOCIAL_POSTS)
    for box, (text, hashtags, _image) in zip(
        boxes, demo_toolkit.SOCIAL_POSTS, strict=True
    ):
        assert box.get_text().strip() == f"{text}\n\n{hashtags}"
        assert box.has_attr("readonly")
        assert page.find("label", attrs={"for": box["id"]}) is not None
    buttons = page.select("button[data-copy]")
    assert len(buttons) == len(boxes)
    assert [button["data-copy"] for button in buttons] == [f"#{b['id']}" for b in boxes]
    assert all(button.has_attr("hidden") for button in buttons)  # shown by the script
    script = page.find("script", src=re.compile(r"showcase\.js$"))
    assert client.get(script["src"]).status_code == 200

    images = {
        "share": demo.demo_social_image(),
        "focus_areas": get_image_model().objects.get(title=demo.FOCUS_AREAS_IMAGE[0]),
    }
    posts = page.select(".social-post")
    for post, (_text, _hashtags, key) in zip(
        posts, demo_toolkit.SOCIAL_POSTS, strict=True
    ):
        image = images[key]
        caption = post.select_one("figcaption").get_text(" ", strip=True)
        assert caption == f"Alt text to give the image: {image.description}"
        download = post.find("a", href=image.file.url)
        size = f"{image.width} × {image.height} pixels"
        assert f"PNG, {size}" in download.get_text()
        served = client.get(image.file.url)
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert (images["focus_areas"].width, images["focus_areas"].height) == (1080, 1080)


def test_the_key_facts_and_the_sample_announcement_are_on_the_page(
    client, toolkit, campaign_site
):
    page = soup(client.get(toolkit.url))
    figures = [li.get_text(" ", strip=True) for li in page.select(".figures li")]
    assert figures == [
        "25 policies and practices",
        "6 focus areas",
        "36 months to put them in place",
    ]
    for area in campaign_site.areas:
        assert page.find("a", href=area.url, string=area.title) is not None
    text = page.get_text(" ", strip=True)
    assert demo_toolkit.PRESS_RELEASE["headline"] in text
    assert "About the Trust Building Campaign" in text and "Media contact" in text
    assert "sample text written for this demo site" in text
    assert "Practices 14 to 25 shown on this site are illustrative" in text


def test_a_post_is_shown_as_text_never_as_markup(client, campaign_site):
    page = StandardPageFactory(
        parent=campaign_site.home,
        title="Posts",
        slug="posts",
        body=[
            (
                "social_posts",
                {
                    "heading": "<i>Posts</i>",
                    "intro": "<b>Share</b>",
                    "posts": [
                        {
                            "text": "</textarea><script>alert(1)</script>",
                            "hashtags": '"><img src=x onerror=alert(2)>',
                            "image": campaign_site.image,
                            "alt_text": "<svg onload=alert(3)>",
                        }
                    ],
                },
            )
        ],
    )
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)" not in html and "onerror=alert(2)>" not in html
    assert "<svg onload" not in html and "<i>Posts" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Alt text to give the image: &lt;svg onload=alert(3)&gt;" in html


def test_a_post_without_an_image_uses_no_image(client, campaign_site):
    page = StandardPageFactory(
        parent=campaign_site.home,
        title="Posts",
        slug="posts",
        body=[
            (
                "social_posts",
                {"posts": [{"text": "We pledged.", "hashtags": "", "image": None}]},
            )
        ],
    )
    html = soup(client.get(page.url))
    assert html.select_one("textarea").get_text().strip() == "We pledged."
    assert html.select(".social-post figure") == []


# --- The artwork --------------------------------------------------------------------------

SVG_FILES = [*sorted(BRAND.glob("*.svg")), STATIC / "favicon.svg"]


@pytest.mark.parametrize("path", SVG_FILES, ids=lambda path: path.name)
def test_the_brand_artwork_is_well_formed_self_contained_svg_without_script(path):
    root = ET.fromstring(path.read_bytes())  # noqa: S314 (our own files)
    assert root.tag == f"{SVG}svg"
    assert len(root.get("viewBox", "").split()) == 4
    title = root.find(f"{SVG}title")
    assert title is not None and "Trust Building Campaign" in title.text
    for element in root.iter():
        name = element.tag.split("}")[-1]
        # no script, no link, no embedded raster or outside file, no live text (words
        # are outlines, so they look the same without the font)
        assert name not in {"script", "a", "image", "use", "foreignObject", "text"}
        for attribute, value in element.attrib.items():
            attribute = attribute.split("}")[-1].lower()
            assert not attribute.startswith("on"), (path.name, attribute)
            assert attribute != "href", path.name
            assert "url(" not in value and "data:" not in value, path.name
    assert b"http" not in path.read_bytes().replace(b"http://www.w3.org/2000/svg", b"")


def test_the_favicon_is_the_mark_with_small_sizes_in_the_ico():
    assert (STATIC / "favicon.svg").read_bytes() == (BRAND / "mark.svg").read_bytes()
    with Image.open(STATIC / "favicon.ico") as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= icon.info["sizes"]


def test_the_share_image_is_1200_by_630_and_light_enough_to_share():
    path = BRAND / "social-share.png"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
    assert path.stat().st_size < 150 * 1024
    assert (BRAND / "social-share.svg").is_file()

    image = demo.demo_social_image()
    assert image.title == "Social share image"
    assert (image.width, image.height) == (1200, 630)
    assert image.description
    assert demo.demo_social_image().pk == image.pk
    assert get_image_model().objects.filter(title="Social share image").count() == 1


def test_the_placeholder_logo_is_replaced_in_the_header_and_an_editors_logo_kept(
    client, campaign_site
):
    site = Site.objects.get(is_default_site=True)
    settings = settings_of_default_site()
    # What an earlier demo load left: a drawn picture with the campaign's name on it.
    settings.logo = ImageFactory(title=demo.PLACEHOLDER_LOGO_TITLE)
    settings.save()
    demo.ensure_site_settings(site)

    logo = settings_of_default_site().logo
    assert logo.title == demo.LOGO_IMAGE[0]
    assert logo.file.name.endswith(".png") and logo.width == logo.height == 512
    header = soup(client.get("/")).find("header")
    # The header shows a rendition of the logo (its name is cut to fit the filter in).
    renditions = {rendition.url for rendition in logo.renditions.all()}
    image = header.find("img", src=lambda src: src in renditions)
    assert image is not None, "the header does not show the campaign logo"
    link = image.find_parent("a")
    name = (image.get("alt") or "").strip() or link.get_text(" ", strip=True)
    assert "Trust Building Campaign" in name

    own = ImageFactory(title="Our own logo")
    settings = settings_of_default_site()
    settings.logo = own
    settings.save()
    demo.ensure_site_settings(site)
    assert settings_of_default_site().logo_id == own.pk


def test_the_toolkit_replaces_the_earlier_one_paragraph_page_but_never_a_draft(
    campaign_site,
):
    settings = settings_of_default_site()
    areas = {area.slug: area for area in campaign_site.areas}
    press = StandardPageFactory(
        parent=campaign_site.home,
        title="Press and social media toolkit",
        slug="press",
        body=demo_toolkit.PREVIOUS_PRESS_BODY,
    )
    press.save_revision(log_action=False)  # an editor's draft, not yet published
    assert press.has_unpublished_changes
    demo.ensure_press_toolkit(campaign_site.home, settings, areas)
    press.refresh_from_db()
    assert [block.block_type for block in press.body] == ["rich_text"]

    press.get_latest_revision().publish()
    demo.ensure_press_toolkit(campaign_site.home, settings, areas)
    press.refresh_from_db()
    assert "social_posts" in [block.block_type for block in press.body]
    assert not press.has_unpublished_changes

    counts = (get_image_model().objects.count(), get_document_model().objects.count())
    revisions = press.revisions.count()
    demo.ensure_press_toolkit(campaign_site.home, settings, areas)
    assert (
        get_image_model().objects.count(),
        get_document_model().objects.count(),
    ) == counts
    assert press.revisions.count() == revisions
