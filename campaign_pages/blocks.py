"""The shared StreamField block library used by every page type of the campaign site.

Each block has a template under ``campaign_pages/blocks/``, an icon, a description for the
block chooser and a preview value for the admin's block preview.
"""

import logging

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.embeds import get_embed, get_embed_hash
from wagtail.images.blocks import ImageChooserBlock

logger = logging.getLogger(__name__)

EMBED_FAILURE_CACHE_SECONDS = 60 * 60


class HeadingBlock(blocks.StructBlock):
    """A section heading (level 2 or 3) that keeps the page outline in order."""

    text = blocks.CharBlock(label=_("text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "campaign_pages/blocks/heading_block.html"
        description = _("A section heading.")
        preview_value = {"text": "What the campaign asks", "level": "h2"}


class ImageWithCaptionBlock(blocks.StructBlock):
    """An image from the library with an optional caption; the credit comes from the image."""

    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        template = "campaign_pages/blocks/image_with_caption_block.html"
        description = _("An image with caption and the photographer's credit.")


class QuoteBlock(blocks.StructBlock):
    """A pull quote with its source."""

    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False)

    class Meta:
        icon = "openquote"
        template = "campaign_pages/blocks/quote_block.html"
        description = _("A quotation with the name of the person quoted.")
        preview_value = {
            "quote": "Trust is built one encounter at a time.",
            "attribution": "A police chief",
        }


class CallToActionValue(blocks.StructValue):
    def url(self):
        page = self.get("page")
        if page:
            return page.url
        return self.get("external_url") or ""


class CallToActionBlock(blocks.StructBlock):
    """A short invitation with a button leading to a page or an outside address."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    button_label = blocks.CharBlock(label=_("button label"), max_length=60)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    external_url = blocks.URLBlock(label=_("or an external address"), required=False)

    class Meta:
        icon = "pick"
        template = "campaign_pages/blocks/call_to_action_block.html"
        description = _("A heading, a sentence and a button to act on.")
        value_class = CallToActionValue
        preview_value = {
            "heading": "Take the pledge",
            "text": "Commit your agency to the 25 practices.",
            "button_label": "Pledge now",
            "external_url": "https://example.org/pledge/",
        }


class VideoValue(blocks.StructValue):
    def embed_html(self):
        """The provider's embed HTML, or "" when the provider cannot be reached.

        A failure is remembered for an hour so an unreachable provider never slows every
        page view; the template then shows a plain link with the title.
        """
        url = self.get("url")
        if not url:
            return ""
        failure_key = "video-embed-failed:" + get_embed_hash(url)
        if cache.get(failure_key):
            return ""
        try:
            return get_embed(url).html or ""
        except Exception:  # any provider or network failure: fall back to a link
            logger.info("No embed for %s; showing a link instead", url, exc_info=True)
            cache.set(failure_key, True, EMBED_FAILURE_CACHE_SECONDS)
            return ""


class VideoBlock(blocks.StructBlock):
    """A video from a provider such as YouTube or Vimeo, embedded when the provider answers.

    When it does not (offline, provider down, unknown address) the page shows a plain link
    with the title instead; the page never fails because of a video.
    """

    title = blocks.CharBlock(label=_("title"), max_length=200)
    url = blocks.URLBlock(label=_("video address"))
    transcript = blocks.TextBlock(label=_("transcript or summary"), required=False)

    class Meta:
        icon = "media"
        template = "campaign_pages/blocks/video_block.html"
        description = _("A video, with a link fallback and an optional transcript.")
        value_class = VideoValue
        preview_value = {
            "title": "Community listening session",
            "url": "https://example.org/video",
        }


class DocumentListBlock(blocks.StructBlock):
    """A titled list of downloadable documents from the library."""

    heading = blocks.CharBlock(label=_("heading"), required=False)
    documents = blocks.ListBlock(DocumentChooserBlock(), label=_("documents"))

    class Meta:
        icon = "doc-full"
        template = "campaign_pages/blocks/document_list_block.html"
        description = _("A list of documents to download.")


class AccordionItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question or title"))
    answer = blocks.RichTextBlock(
        label=_("answer"), features=["bold", "italic", "link", "ol", "ul"]
    )


class AccordionBlock(blocks.StructBlock):
    """Questions and answers that fold open (native details/summary, no JavaScript)."""

    heading = blocks.CharBlock(label=_("heading"), required=False)
    items = blocks.ListBlock(AccordionItemBlock(), label=_("items"))

    class Meta:
        icon = "list-ul"
        template = "campaign_pages/blocks/accordion_block.html"
        description = _("Frequently asked questions, or any folding sections.")
        preview_value = {
            "heading": "Questions",
            "items": [
                {"question": "Who can pledge?", "answer": "<p>Any police agency.</p>"}
            ],
        }


class KeyFigureBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("figure"), max_length=20)
    label = blocks.CharBlock(label=_("label"), max_length=120)


class KeyFiguresBlock(blocks.StructBlock):
    """A row of headline numbers with what each one counts."""

    heading = blocks.CharBlock(label=_("heading"), required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("figures"))

    class Meta:
        icon = "pick"
        template = "campaign_pages/blocks/key_figures_block.html"
        description = _("Headline numbers, such as 25 practices in 6 focus areas.")
        preview_value = {
            "heading": "",
            "figures": [
                {"figure": "25", "label": "practices"},
                {"figure": "6", "label": "focus areas"},
            ],
        }


class ResourceListBlock(blocks.StructBlock):
    """A hand-picked list of resources from the resource library."""

    heading = blocks.CharBlock(label=_("heading"), required=False)
    resources = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="campaign_pages.ResourcePage"),
        label=_("resources"),
    )

    class Meta:
        icon = "folder-open-inverse"
        template = "campaign_pages/blocks/resource_list_block.html"
        description = _("Resources from the library, with type and summary.")


class SocialPostValue(blocks.StructValue):
    def post_text(self):
        """The text a reader copies: the post, then its hashtags on a line of their own."""
        text = (self.get("text") or "").strip()
        hashtags = (self.get("hashtags") or "").strip()
        return f"{text}\n\n{hashtags}" if hashtags else text

    def image_alt(self):
        """The alt text to post with the image: the block's own, else the image's."""
        image = self.get("image")
        if not image:
            return ""
        return (self.get("alt_text") or "").strip() or image.default_alt_text

    def image_format(self):
        image = self.get("image")
        if not image:
            return ""
        return image.file.name.rsplit(".", 1)[-1].upper()


class SocialPostBlock(blocks.StructBlock):
    """One ready-made social media post: its text and hashtags, and the image to attach
    with the alt text to give it."""

    text = blocks.TextBlock(label=_("text of the post"), max_length=500)
    hashtags = blocks.CharBlock(
        label=_("suggested hashtags"),
        required=False,
        max_length=200,
        help_text=_("Separated by spaces, e.g. #TrustBuilding #CommunityPolicing"),
    )
    image = ImageChooserBlock(label=_("image to attach"), required=False)
    alt_text = blocks.CharBlock(
        label=_("alt text for the image"),
        required=False,
        max_length=420,
        help_text=_("When empty, the image's own alt text from the library."),
    )

    class Meta:
        icon = "comment"
        value_class = SocialPostValue


class SocialPostsBlock(blocks.StructBlock):
    """Ready-made social media posts that readers copy with one button (or select by
    hand without JavaScript), each with hashtags and an image with its alt text."""

    heading = blocks.CharBlock(label=_("heading"), required=False)
    intro = blocks.TextBlock(label=_("introduction"), required=False)
    posts = blocks.ListBlock(SocialPostBlock(), label=_("posts"))

    class Meta:
        icon = "comment"
        template = "campaign_pages/blocks/social_posts_block.html"
        description = _("Social media posts to copy, with hashtags and image alt text.")
        preview_value = {
            "heading": "Posts to share",
            "intro": "",
            "posts": [
                {
                    "text": "We have pledged to adopt 25 trust-building practices.",
                    "hashtags": "#TrustBuilding",
                }
            ],
        }


class BodyBlock(blocks.StreamBlock):
    """The body content shared by all campaign page types."""

    rich_text = blocks.RichTextBlock(
        label=_("text"),
        features=["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"],
        icon="pilcrow",
        template="campaign_pages/blocks/rich_text_block.html",
        description=_("Paragraphs, lists and links."),
        preview_value="<p>Agencies pledge to adopt 25 practices.</p>",
    )
    heading = HeadingBlock()
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    video = VideoBlock()
    document_list = DocumentListBlock()
    accordion = AccordionBlock()
    key_figures = KeyFiguresBlock()
    table = TableBlock(
        label=_("table"),
        icon="table",
        template="campaign_pages/blocks/table_block.html",
        description=_("A data table with an optional header row and caption."),
        preview_value={
            "data": [["Focus area", "Practices"], ["Use of Force", "4"]],
            "first_row_is_table_header": True,
        },
    )
    resource_list = ResourceListBlock()
    social_posts = SocialPostsBlock()

    class Meta:
        template = "campaign_pages/blocks/body_block.html"
