"""The resource library: its filterable index and one page per resource."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from campaign_pages.blocks import BodyBlock
from campaign_pages.models.mixins import CampaignPageMixin
from campaign_pages.queries import clean_search_query, search_terms

RESOURCES_PER_PAGE = 12
MAX_QUERY_LENGTH = 200


class ResourceType(models.TextChoices):
    MODEL_POLICY = "model-policy", _("Model policy")
    TOOLKIT = "toolkit", _("Toolkit")
    GUIDE = "guide", _("Guide")
    TRAINING = "training", _("Training")
    DATA_TOOL = "data-tool", _("Data tool")
    VIDEO = "video", _("Video")
    ARTICLE = "article", _("Article")


def _in_focus_area(focus_area_id) -> Q:
    through = ResourcePage.focus_areas.through
    return Q(
        pk__in=through.objects.filter(focusareapage_id=focus_area_id).values(
            "resourcepage_id"
        )
    )


def _query_string(params: dict) -> str:
    kept = {key: value for key, value in params.items() if value}
    return "?" + urlencode(kept) if kept else "?"


class ResourceIndexPage(CampaignPageMixin, Page):
    """The resource library at /resources/, filterable by focus area, type and words.

    Filters combine (``?focus_area=use-of-force&type=toolkit&q=training``), each option
    shows how many resources it would give, and pagination keeps the filters.
    """

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["campaign_pages.CampaignHomePage"]
    subpage_types = ["campaign_pages.ResourcePage"]
    max_count = 1
    template = "campaign_pages/resource_index_page.html"

    def get_filters(self, request):
        """The filters from the query string, cleaned; unknown values are reported."""
        focus_area = request.GET.get("focus_area", "").strip()[:100]
        resource_type = request.GET.get("type", "").strip()[:50]
        query = clean_search_query(request.GET.get("q", ""), MAX_QUERY_LENGTH)
        errors = []
        if resource_type and resource_type not in ResourceType.values:
            errors.append(_("There is no resource type called “%s”.") % resource_type)
            resource_type = ""
        return {"focus_area": focus_area, "type": resource_type, "q": query}, errors

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters, errors = self.get_filters(request)
        # The focus-area page model, through the relation (it imports this module).
        FocusAreaPage = ResourcePage._meta.get_field("focus_areas").related_model
        focus_areas = list(
            FocusAreaPage.objects.live().order_by("path").only("id", "title", "slug")
        )
        if filters["focus_area"] and filters["focus_area"] not in {
            area.slug for area in focus_areas
        }:
            errors.append(
                _("There is no focus area called “%s”.") % filters["focus_area"]
            )
            filters["focus_area"] = ""

        area_ids = {area.slug: area.pk for area in focus_areas}
        base = ResourcePage.objects.live().child_of(self)
        terms = search_terms(filters["q"])
        if terms:
            matching = [page.pk for page in base.search(terms, operator="and")]
            base = base.filter(pk__in=matching)
        elif filters["q"]:
            base = base.none()

        # Every count (per focus area, per type, in all) in a single query.
        anything = Q(pk__isnull=False)
        area_filter = (
            _in_focus_area(area_ids[filters["focus_area"]])
            if filters["focus_area"]
            else anything
        )
        type_filter = Q(resource_type=filters["type"]) if filters["type"] else anything
        counts = base.order_by().aggregate(
            total=Count("pk", filter=area_filter & type_filter),
            **{
                f"area_{pk}": Count("pk", filter=_in_focus_area(pk) & type_filter)
                for pk in area_ids.values()
            },
            **{
                f"type_{index}": Count(
                    "pk", filter=Q(resource_type=value) & area_filter
                )
                for index, value in enumerate(ResourceType.values)
            },
        )
        area_counts = {slug: counts[f"area_{pk}"] for slug, pk in area_ids.items()}
        type_counts = {
            value: counts[f"type_{index}"]
            for index, value in enumerate(ResourceType.values)
        }
        results = base.filter(area_filter & type_filter)

        area_options = [
            {
                "value": area.slug,
                "label": area.title,
                "count": area_counts.get(area.slug, 0),
                "selected": area.slug == filters["focus_area"],
                "url": _query_string({**filters, "focus_area": area.slug}),
            }
            for area in focus_areas
        ]
        type_options = [
            {
                "value": value,
                "label": label,
                "count": type_counts.get(value, 0),
                "selected": value == filters["type"],
                "url": _query_string({**filters, "type": value}),
            }
            for value, label in ResourceType.choices
        ]
        paginator = Paginator(
            results.order_by("title", "pk").select_related("document"),
            RESOURCES_PER_PAGE,
        )
        paginator.count = counts["total"]  # known already: spare the COUNT query
        page_obj = paginator.get_page(request.GET.get("page"))
        context.update(
            {
                "filters": filters,
                "filter_errors": errors,
                "area_options": area_options,
                "type_options": type_options,
                "any_filter": any(filters.values()),
                "all_areas_url": _query_string({**filters, "focus_area": ""}),
                "all_types_url": _query_string({**filters, "type": ""}),
                "page_obj": page_obj,
                "resources": page_obj.object_list,
                "page_query": _query_string(filters)[1:],
            }
        )
        return context

    class Meta:
        verbose_name = _("resource index page")


class ResourcePage(CampaignPageMixin, Page):
    """One resource in the library: a model policy, toolkit, guide, training, data tool,
    video or article, with the focus areas and practices it supports, and either an
    uploaded document or a link to where it lives.
    """

    resource_type = models.CharField(
        _("type"),
        max_length=20,
        choices=ResourceType.choices,
        default=ResourceType.GUIDE,
    )
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    summary = models.TextField(_("summary"))
    focus_areas = ParentalManyToManyField(
        "campaign_pages.FocusAreaPage",
        verbose_name=_("focus areas"),
        blank=True,
        related_name="resources",
    )
    practices = ParentalManyToManyField(
        "pledge_forms.ChecklistItem",
        verbose_name=_("practices supported"),
        blank=True,
        related_name="resource_pages",
    )
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_url = models.URLField(_("external link"), blank=True, max_length=500)
    featured = models.BooleanField(_("feature on the home page"), default=False)
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("resource_type"),
        FieldPanel("publisher"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("document"), FieldPanel("external_url")],
            heading=_("The resource"),
            help_text=_("Upload a document, link to where it lives, or both."),
        ),
        FieldPanel("focus_areas", widget=forms.CheckboxSelectMultiple),
        FieldPanel("practices", widget=forms.CheckboxSelectMultiple),
        FieldPanel("featured"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("publisher"),
        index.SearchField("body"),
        index.FilterField("resource_type"),
    ]

    parent_page_types = ["campaign_pages.ResourceIndexPage"]
    subpage_types = []
    template = "campaign_pages/resource_page.html"

    @property
    def summary_text(self):
        return self.search_description or self.summary

    @property
    def resource_url(self):
        """Where the resource itself is: the document, else the external link."""
        if self.document_id and self.document:
            return self.document.url
        return self.external_url

    def clean(self):
        super().clean()
        if not self.document_id and not self.external_url:
            raise ValidationError(
                {
                    "external_url": _(
                        "Upload a document or give the address where the resource lives."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["resource_focus_areas"] = list(
            self.focus_areas.filter(live=True).order_by("path")
        )
        context["resource_practices"] = list(self.practices.order_by("number"))
        return context

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
