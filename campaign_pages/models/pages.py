"""The home page and the general-purpose standard page."""

from django.conf import settings
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from campaign_pages.blocks import BodyBlock
from campaign_pages.models.mixins import CampaignPageMixin
from cms import topics
from cms.images import prefetch_renditions

PLEDGE_FALLBACK_URL = "/pledge/"


class CampaignHomePage(CampaignPageMixin, Page):
    """The campaign's front door: purpose, the six focus areas, the call to pledge, live
    campaign figures, the latest news and featured resources.

    Sub-page types are left open on purpose so the pledge plugin's pages (the form at
    /pledge/ and the showcase at /members/) can live under the home page.
    """

    intro = models.TextField(_("purpose statement"), blank=True)
    hero_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cta_heading = models.CharField(
        _("call to action heading"), max_length=120, default="Take the pledge"
    )
    cta_text = models.TextField(_("call to action text"), blank=True)
    cta_label = models.CharField(
        _("button label"), max_length=60, default="Pledge your agency"
    )
    cta_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("pledge page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where the button leads; /pledge/ when empty."),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [
                FieldPanel("cta_heading"),
                FieldPanel("cta_text"),
                FieldPanel("cta_label"),
                FieldPanel("cta_page"),
            ],
            heading=_("Call to pledge"),
        ),
        FieldPanel("body"),
    ]

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "campaign_pages/campaign_home_page.html"
    #: What the page cache refreshes it for (cms/topics.py): everything, members included.
    page_cache_shows = topics.GLOBAL

    def route(self, request, path_components):
        """Find the deepest page matching the path in one query, not two per level.

        The page found routes the rest of the path itself (e.g. the news feed), exactly as
        Wagtail's default routing would.
        """
        if not path_components:
            return super().route(request, path_components)
        url_paths = [
            f"{self.url_path}{'/'.join(path_components[: i + 1])}/"
            for i in range(len(path_components))
        ]
        deepest = (
            Page.objects.descendant_of(self)
            .filter(url_path__in=url_paths)
            .order_by("-depth")
            .first()
        )
        if deepest is None:
            raise Http404
        return deepest.specific.route(
            request, path_components[deepest.depth - self.depth :]
        )

    @property
    def cta_url(self):
        if self.cta_page_id and self.cta_page:
            return self.cta_page.url
        return PLEDGE_FALLBACK_URL

    def get_context(self, request, *args, **kwargs):
        from campaign_pages.models.focus_areas import FocusAreaPage
        from campaign_pages.models.news import NewsPage
        from campaign_pages.models.resources import ResourcePage

        context = super().get_context(request, *args, **kwargs)
        # Querysets, read only by the fragments of the template that are not kept
        # (campaign_home_page.html).
        context["focus_areas"] = (
            FocusAreaPage.objects.live()
            .descendant_of(self)
            .order_by("path")
            .only("id", "title", "slug", "url_path", "path", "depth", "summary")
        )
        # Images come with the posts, their renditions in one query for all of them.
        context["latest_news"] = prefetch_renditions(
            NewsPage.objects.live().descendant_of(self).select_related("image"),
            "image",
            "card",
        ).order_by("-date", "-pk")[:3]
        context["featured_resources"] = (
            ResourcePage.objects.live()
            .descendant_of(self)
            .filter(featured=True)
            .order_by("title")[:4]
        )
        return context

    class Meta:
        verbose_name = _("campaign home page")


class StandardPage(CampaignPageMixin, Page):
    """A general page such as About, FAQ, Contact or the press and social media toolkit."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = [
        "campaign_pages.CampaignHomePage",
        "campaign_pages.StandardPage",
    ]
    subpage_types = ["campaign_pages.StandardPage"]
    template = "campaign_pages/standard_page.html"
    #: What the page cache refreshes it for (cms/topics.py): pages, not members or practices.
    page_cache_shows = (topics.PAGES,)

    @property
    def summary_text(self):
        return self.search_description or self.intro

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
