"""The focus-area index and the six focus-area pages with their practices."""

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from campaign_pages.blocks import BodyBlock
from campaign_pages.models.mixins import CampaignPageMixin
from campaign_pages.models.resources import ResourcePage
from cms import topics
from pledge_forms.localization import localized
from pledge_forms.models.checklists import ChecklistItem
from pledge_forms.translatable import synchronized


class FocusAreaIndexPage(CampaignPageMixin, Page):
    """The list of focus areas at /focus-areas/, with an introduction."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["campaign_pages.CampaignHomePage"]
    subpage_types = ["campaign_pages.FocusAreaPage"]
    max_count = 1
    template = "campaign_pages/focus_area_index_page.html"
    #: What the page cache refreshes it for (cms/topics.py): pages and practices, not members.
    page_cache_shows = (topics.PAGES, topics.PRACTICES)

    @property
    def summary_text(self):
        return self.search_description or self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["focus_areas"] = list(
            FocusAreaPage.objects.child_of(self).live().order_by("path")
        )
        return context

    class Meta:
        verbose_name = _("focus-area index page")


class FocusAreaPage(CampaignPageMixin, Page):
    """One focus area (e.g. Use of Force): why it matters, its practices in order, each with
    a stable ``#practice-<number>`` anchor, and the resources that support each practice.

    The practices themselves are edited in the checklist (Snippets → Checklists); this page
    links to its checklist section.
    """

    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("One or two sentences for cards and lists."),
    )
    checklist_section = models.ForeignKey(
        "pledge_forms.ChecklistSection",
        verbose_name=_("checklist section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "The section of the checklist whose practices this page lists. "
            "Practices 14 to 25 of the demo checklist are illustrative wording."
        ),
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    # Every language's page lists the default language's section; the practices' words come
    # from the checklist's translation (pledge_forms.localization).
    override_translatable_fields = synchronized("checklist_section")

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("checklist_section"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["campaign_pages.FocusAreaIndexPage"]
    subpage_types = []
    template = "campaign_pages/focus_area_page.html"
    #: What the page cache refreshes it for (cms/topics.py): pages and practices, not members.
    page_cache_shows = (topics.PAGES, topics.PRACTICES)

    @property
    def summary_text(self):
        return self.search_description or self.summary

    def get_practices(self):
        """The section's practices in order, each with ``supporting_resources``.

        Two queries whatever the number of practices or resources.
        """
        if not self.checklist_section_id:
            return []
        practices = localized(
            ChecklistItem.objects.filter(section_id=self.checklist_section_id).order_by(
                "number"
            )
        )
        by_id = {item.pk: item for item in practices}
        for item in practices:
            item.supporting_resources = []
        resources = (
            ResourcePage.objects.live()
            .filter(practices__in=practices, locale_id=self.locale_id)
            .distinct()
            .select_related("document")
            .prefetch_related(
                Prefetch(
                    "practices",
                    queryset=ChecklistItem.objects.filter(pk__in=by_id).only("id"),
                    to_attr="linked_practices",
                )
            )
            .order_by("title")
        )
        for resource in resources:
            for linked in resource.linked_practices:
                by_id[linked.pk].supporting_resources.append(resource)
        return practices

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["practices"] = self.get_practices()
        # The side navigation between the focus areas, this one among them.
        context["focus_areas"] = list(
            FocusAreaPage.objects.sibling_of(self)
            .live()
            .order_by("path")
            .only("id", "title", "slug", "url_path", "path", "depth")
        )
        return context

    class Meta:
        verbose_name = _("focus-area page")
        verbose_name_plural = _("focus-area pages")
