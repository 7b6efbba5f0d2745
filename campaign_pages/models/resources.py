"""The resource library: its filterable index and one page per resource."""

from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, F, Q
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from campaign_pages.blocks import BodyBlock
from campaign_pages.models.mixins import CampaignPageMixin
from campaign_pages.queries import SearchQueryField, search_terms
from cms import topics
from pledge_forms.localization import default_language, localized

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


def _focus_area_model():
    # The focus-area page model, through the relation (its module imports this one).
    return ResourcePage._meta.get_field("focus_areas").related_model


def focus_areas_titled_in(locale_id: int) -> list:
    """The focus areas resources are filed under, titled in the language of
    ``locale_id``, in one query.

    Resources keep the default language's focus areas in every translation (the relation
    is copied, not translated), so filters and counts use those pages; only the titles
    come from the translation in the language shown, where there is one."""
    rows = list(
        _focus_area_model()
        .objects.live()
        .filter(Q(locale__language_code=default_language()) | Q(locale_id=locale_id))
        .annotate(language=F("locale__language_code"))
        .order_by("path")
        .only("id", "title", "slug", "translation_key", "locale_id")
    )
    titles = {
        row.translation_key: row.title for row in rows if row.locale_id == locale_id
    }
    areas = [row for row in rows if row.language == default_language()]
    for area in areas:
        area.title = titles.get(area.translation_key, area.title)
    return areas


def _query_string(params: dict) -> str:
    kept = {key: value for key, value in params.items() if value}
    return "?" + urlencode(kept) if kept else "?"


ANYTHING = Q(pk__isnull=False)


class SearchFilter(django_filters.CharFilter):
    field_class = SearchQueryField


class ResourceFilterSet(django_filters.FilterSet):
    """The resource library's filters (``?focus_area=&type=&q=``). A value that is not
    one of the choices is a form error: that filter is left out and the error says why.

    Each filter also gives its condition as a ``Q`` (:attr:`area_q`, :attr:`type_q`), so
    the counts per option are taken in one query on the pages the words match
    (:attr:`searched`).
    """

    focus_area = django_filters.ChoiceFilter(
        label=_("Focus area"),
        empty_label=_("All focus areas"),
        error_messages={
            "invalid_choice": _("There is no focus area called “%(value)s”.")
        },
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        choices=ResourceType.choices,
        empty_label=_("All types"),
        error_messages={
            "invalid_choice": _("There is no resource type called “%(value)s”.")
        },
    )
    q = SearchFilter(
        label=_("Words"), method="search", max_query_length=MAX_QUERY_LENGTH
    )

    def __init__(self, data, queryset, *, focus_areas, **kwargs):
        self.area_ids = {area.slug: area.pk for area in focus_areas}
        super().__init__(data, queryset, **kwargs)
        self.filters["focus_area"].extra["choices"] = [
            (area.slug, area.title) for area in focus_areas
        ]
        self.form.auto_id = "filter-%s"
        self.searched = self.queryset

    @cached_property
    def applied(self) -> dict[str, str]:
        """The filters in force: valid, non-empty values by name."""
        self.form.is_valid()
        return {
            name: value
            for name, value in getattr(self.form, "cleaned_data", {}).items()
            if value
        }

    @cached_property
    def params(self) -> dict[str, str]:
        """The filters in force as query parameters, in the order of the URLs."""
        return {
            name: self.applied.get(name, "") for name in ("focus_area", "type", "q")
        }

    @cached_property
    def area_q(self) -> Q:
        slug = self.applied.get("focus_area")
        return _in_focus_area(self.area_ids[slug]) if slug else ANYTHING

    @cached_property
    def type_q(self) -> Q:
        value = self.applied.get("type")
        return Q(resource_type=value) if value else ANYTHING

    def search(self, queryset, name, value):
        terms = search_terms(value)
        if not terms:  # punctuation only: nothing to look for, nothing found
            return queryset.none()
        matching = [page.pk for page in queryset.search(terms, operator="and")]
        return queryset.filter(pk__in=matching)

    def filter_queryset(self, queryset):
        """The words first (the option counts are taken on the pages they match), then
        the focus area and the type."""
        self.searched = self.filters["q"].filter(queryset, self.applied.get("q"))
        return self.searched.filter(self.area_q & self.type_q)

    def label_options(self, area_counts: dict, type_counts: dict) -> None:
        """Show in each option how many resources it would give."""
        for name, counts in (("focus_area", area_counts), ("type", type_counts)):
            field = self.form.fields[name]
            field.choices = [
                (value, f"{label} ({counts.get(value, 0)})")
                for value, label in self.filters[name].extra["choices"]
            ]


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
    #: What the page cache refreshes it for (cms/topics.py): pages and practices, not members.
    page_cache_shows = (topics.PAGES, topics.PRACTICES)
    #: The query parameters the library reads (its filters and the page number): the page
    #: cache keeps a copy per combination of these, and of no others.
    page_cache_query_parameters = ("focus_area", "type", "q", "page")

    @property
    def summary_text(self):
        return self.search_description or self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Worked out when the template's fragment is rendered, not when it is kept.
        context["library"] = SimpleLazyObject(lambda: self.library(request))
        return context

    def library(self, request) -> dict:
        """The filters, their options with counts, and the page of resources that the
        request's query string asks for."""
        focus_areas = focus_areas_titled_in(self.locale_id)
        filters = ResourceFilterSet(
            request.GET,
            ResourcePage.objects.live().child_of(self),
            focus_areas=focus_areas,
        )
        results = filters.qs

        # Every count (per focus area, per type, in all) in a single query.
        area_filter, type_filter = filters.area_q, filters.type_q
        counts = filters.searched.order_by().aggregate(
            total=Count("pk", filter=area_filter & type_filter),
            **{
                f"area_{area.pk}": Count(
                    "pk", filter=_in_focus_area(area.pk) & type_filter
                )
                for area in focus_areas
            },
            **{
                f"type_{index}": Count(
                    "pk", filter=Q(resource_type=value) & area_filter
                )
                for index, value in enumerate(ResourceType.values)
            },
        )
        area_counts = {area.slug: counts[f"area_{area.pk}"] for area in focus_areas}
        type_counts = {
            value: counts[f"type_{index}"]
            for index, value in enumerate(ResourceType.values)
        }
        filters.label_options(area_counts, type_counts)

        params = filters.params
        area_options = [
            {
                "label": area.title,
                "count": area_counts[area.slug],
                "selected": area.slug == params["focus_area"],
                "url": _query_string({**params, "focus_area": area.slug}),
            }
            for area in focus_areas
        ]
        type_options = [
            {
                "label": label,
                "count": type_counts[value],
                "selected": value == params["type"],
                "url": _query_string({**params, "type": value}),
            }
            for value, label in ResourceType.choices
        ]
        paginator = Paginator(
            results.order_by("title", "pk").select_related("document"),
            RESOURCES_PER_PAGE,
        )
        paginator.count = counts["total"]  # known already: spare the COUNT query
        page_obj = paginator.get_page(request.GET.get("page"))
        return {
            "filters": filters,
            "area_options": area_options,
            "type_options": type_options,
            "all_areas_url": _query_string({**params, "focus_area": ""}),
            "all_types_url": _query_string({**params, "type": ""}),
            "page_obj": page_obj,
            "page_range": list(
                paginator.get_elided_page_range(
                    page_obj.number, on_each_side=2, on_ends=1
                )
            ),
            "resources": page_obj.object_list,
            "page_query": _query_string(params)[1:],
        }

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
    #: What the page cache refreshes it for (cms/topics.py): pages and practices, not members.
    page_cache_shows = (topics.PAGES, topics.PRACTICES)

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

    def focus_area_pages(self) -> list:
        """The focus areas of this resource as pages in its language (their translation,
        else the default language's page), in one query."""
        rows = (
            _focus_area_model()
            .objects.live()
            .filter(translation_key__in=self.focus_areas.values("translation_key"))
            .filter(
                Q(locale_id=self.locale_id)
                | Q(locale__language_code=default_language())
            )
            .order_by("path")
        )
        chosen: dict = {}
        for row in rows:
            if row.locale_id == self.locale_id or row.translation_key not in chosen:
                chosen[row.translation_key] = row
        return list(chosen.values())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["resource_focus_areas"] = self.focus_area_pages()
        context["resource_practices"] = localized(self.practices.order_by("number"))
        return context

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
