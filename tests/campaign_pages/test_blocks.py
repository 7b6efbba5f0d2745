"""The shared block library renders every block, and a video never breaks a page."""

import pytest
from wagtail.embeds.exceptions import EmbedNotFoundException

from campaign_pages.blocks import BodyBlock
from campaign_pages.testing.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def test_every_block_has_an_icon_template_description_and_preview():
    for name, block in BodyBlock().child_blocks.items():
        assert block.meta.icon, name
        assert block.meta.template, name
        assert block.meta.description, name
        if name not in {"image", "document_list", "resource_list"}:
            # blocks choosing library items have no preview value of their own
            assert block.get_preview_value() is not None, name


def test_a_video_falls_back_to_a_link_when_the_provider_cannot_be_reached(
    client, campaign_site, monkeypatch
):
    calls = []

    def unreachable(url, *args, **kwargs):
        calls.append(url)
        raise OSError("Network is unreachable")

    monkeypatch.setattr("campaign_pages.blocks.get_embed", unreachable)
    StandardPageFactory(
        parent=campaign_site.home,
        title="Video page",
        slug="video-page",
        body=[
            (
                "video",
                {"title": "Listening session film", "url": "https://video.example/1"},
            )
        ],
    )
    response = client.get("/video-page/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<a href="https://video.example/1" rel="noopener">Watch the video: '
        "Listening session film</a>" in page
    )
    client.get("/video-page/")
    assert len(calls) == 1, "a failed provider is not asked again on every view"


def test_a_video_with_an_unknown_provider_also_falls_back(
    client, campaign_site, monkeypatch
):
    def not_found(url, *args, **kwargs):
        raise EmbedNotFoundException

    monkeypatch.setattr("campaign_pages.blocks.get_embed", not_found)
    StandardPageFactory(
        parent=campaign_site.home,
        title="Other video",
        slug="other-video",
        body=[("video", {"title": "Talk", "url": "https://unknown.example/v"})],
    )
    assert "Watch the video: Talk" in client.get("/other-video/").content.decode()


def test_a_video_is_embedded_when_the_provider_answers(
    client, campaign_site, monkeypatch
):
    class Embed:
        html = '<iframe title="Talk" src="https://video.example/embed/2"></iframe>'

    monkeypatch.setattr("campaign_pages.blocks.get_embed", lambda url, *a, **k: Embed())
    StandardPageFactory(
        parent=campaign_site.home,
        title="Embedded",
        slug="embedded",
        body=[("video", {"title": "Talk", "url": "https://video.example/2"})],
    )
    page = client.get("/embedded/").content.decode()
    assert 'src="https://video.example/embed/2"' in page


def test_the_body_blocks_render_their_content(client, campaign_site):
    StandardPageFactory(
        parent=campaign_site.home,
        title="All blocks",
        slug="all-blocks",
        body=[
            ("heading", {"text": "A heading", "level": "h2"}),
            ("rich_text", "<p>Some <b>text</b></p>"),
            ("image", {"image": campaign_site.image, "caption": "A caption"}),
            ("quote", {"quote": "Trust takes time.", "attribution": "A chief"}),
            (
                "call_to_action",
                {
                    "heading": "Join",
                    "text": "Pledge now",
                    "button_label": "Pledge",
                    "page": campaign_site.news_index,
                },
            ),
            (
                "document_list",
                {"heading": "Downloads", "documents": [campaign_site.document]},
            ),
            (
                "accordion",
                {
                    "heading": "FAQ",
                    "items": [{"question": "Who?", "answer": "<p>Any agency.</p>"}],
                },
            ),
            (
                "key_figures",
                {"heading": "", "figures": [{"figure": "25", "label": "practices"}]},
            ),
            (
                "table",
                {
                    "data": [["Area", "Practices"], ["Use of Force", "4"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "Practices per area",
                },
            ),
            (
                "resource_list",
                {"heading": "Read more", "resources": [campaign_site.resources[0]]},
            ),
        ],
    )
    page = client.get("/all-blocks/").content.decode()
    for expected in [
        "<h2>A heading</h2>",
        "Some <b>text</b>",
        "A caption",
        "Trust takes time.",
        '<a class="usa-button" href="/news/">Pledge</a>',
        "De-escalation handbook",
        ">Who?</summary>",
        "<strong>25</strong> practices",
        '<th scope="col"',
        "Resource 000",
    ]:
        assert expected in page, expected
