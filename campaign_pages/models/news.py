"""News: the index at /news/ (with its RSS feed) and the news posts."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from campaign_pages.blocks import BodyBlock
from campaign_pages.models.mixins import CampaignPageMixin
from cms import topics
from cms.images import prefetch_renditions

NEWS_PER_PAGE = 10
RESERVED_SLUGS = {"feed"}  # routes of the news index


def today():
    return timezone.localdate()


class NewsIndexPage(RoutablePageMixin, CampaignPageMixin, Page):
    """The news list at /news/, newest first, with an RSS feed at /news/feed/.

    News posts under it go through the "News review" moderation workflow.
    """

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["campaign_pages.CampaignHomePage"]
    subpage_types = ["campaign_pages.NewsPage"]
    max_count = 1
    template = "campaign_pages/news_index_page.html"
    #: What the page cache refreshes it for (cms/topics.py): pages, not members or practices.
    page_cache_shows = (topics.PAGES,)

    def get_posts(self):
        return NewsPage.objects.live().child_of(self).order_by("-date", "-pk")

    @path("feed/", name="feed")
    def feed_view(self, request):
        from campaign_pages.feeds import NewsFeed

        return NewsFeed(self)(request)

    @property
    def summary_text(self):
        return self.search_description or self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        posts = prefetch_renditions(
            self.get_posts().select_related("image"), "image", "card"
        )
        paginator = Paginator(posts, NEWS_PER_PAGE)
        context["page_obj"] = paginator.get_page(request.GET.get("page"))
        context["posts"] = context["page_obj"].object_list
        return context

    class Meta:
        verbose_name = _("news index page")


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "campaign_pages.NewsPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsPage(CampaignPageMixin, Page):
    """A news post: date, author, summary, image, body and tags."""

    date = models.DateField(_("date"), default=today)
    author = models.CharField(_("author"), max_length=255, blank=True)
    summary = models.TextField(_("summary"))
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author"), FieldPanel("tags")],
            heading=_("About the post"),
        ),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("author"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["campaign_pages.NewsIndexPage"]
    subpage_types = []
    template = "campaign_pages/news_page.html"
    #: What the page cache refreshes it for (cms/topics.py): pages, not members or practices.
    page_cache_shows = (topics.PAGES,)

    @property
    def summary_text(self):
        return self.search_description or self.summary

    def get_social_image(self):
        return self.social_image or self.image

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("“%s” is the address of the news feed.") % self.slug}
            )

    @property
    def published_datetime(self):
        return datetime.datetime.combine(
            self.date, datetime.time(12), tzinfo=datetime.UTC
        )

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
