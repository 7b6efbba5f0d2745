"""The public member showcase: listed members, a map, statistics, member pages, badges,
certificates and open data, all under one page (``/members/`` on the campaign site)."""

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

BADGE_CACHE_SECONDS = 600
CERTIFICATE_CACHE_SECONDS = 600


def _site_root(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _pagination(results, filters) -> dict:
    """Links to neighbouring pages that keep the filters."""

    def url(number: int) -> str:
        params = filters.as_params(page=str(number) if number > 1 else "")
        return "?" + urlencode(params) if params else "?"

    current, last = results.number, results.paginator.num_pages
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    return {
        "previous_url": url(current - 1) if results.has_previous() else "",
        "next_url": url(current + 1) if results.has_next() else "",
        "page_links": [(n, url(n), n == current) for n in numbers] if last > 1 else [],
    }


class HomeDisplay(models.TextChoices):
    FEATURED = "featured", _("Featured members")
    RECENT = "recent", _("Recently pledged members")
    COMPLETED = "completed", _("Recently completed members")
    NONE = "none", _("No members, statistics only")


class MemberShowcasePage(RoutablePageMixin, Page):
    """The public showcase of published pledges at /members/.

    Editors write the introduction and choose how many members a page lists and what the
    home page shows. Members themselves are curated on the pledge snippets (featured,
    featured order, public statement); publishing or unpublishing a pledge changes the
    showcase at once.
    """

    intro = RichTextField(_("introduction"), blank=True)
    checklist = models.ForeignKey(
        "pledge_forms.Checklist",
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Practices reported on; the first checklist when empty."),
    )
    per_page = models.PositiveSmallIntegerField(
        _("members per page"), default=24, help_text=_("Between 6 and 100.")
    )
    home_display = models.CharField(
        _("home page shows"),
        max_length=20,
        choices=HomeDisplay.choices,
        default=HomeDisplay.FEATURED,
    )
    home_count = models.PositiveSmallIntegerField(
        _("members on the home page"), default=6
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("checklist"),
        FieldPanel("per_page"),
        MultiFieldPanel(
            [FieldPanel("home_display"), FieldPanel("home_count")],
            heading=_("Home page"),
        ),
    ]

    search_fields = Page.search_fields

    subpage_types = []
    max_count = 1
    template = "pledge_forms/member_showcase_page.html"

    class Meta:
        verbose_name = _("member showcase")

    # --- helpers -----------------------------------------------------------------------

    def member_path(self, slug: str) -> str:
        return self.url + self.reverse_subpage("member", kwargs={"slug": slug})

    def _page_size(self) -> int:
        return min(max(self.per_page or 24, 6), 100)

    def _sections(self):
        from pledge_forms.showcase import checklist_sections

        return checklist_sections(self.checklist_id)

    def _member_or_404(self, slug: str):
        from pledge_forms.showcase import listed_member, public_member

        pledge = listed_member(slug)
        if pledge is None:
            raise Http404(_("No published member at this address."))
        return public_member(pledge)

    def _full_url(self, request, route: str = "", **kwargs) -> str:
        base = self.get_full_url(request) or request.build_absolute_uri(self.url)
        return base + (self.reverse_subpage(route, kwargs=kwargs) if route else "")

    def get_sitemap_urls(self, request=None):
        from pledge_forms.showcase import listed_members

        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if base:
            for slug, updated in (
                listed_members()
                .order_by("slug")
                .values_list("slug", "last_published_at")
                .iterator()
            ):
                urls.append({"location": base + f"{slug}/", "lastmod": updated or None})
        return urls

    def route_urls(self, base: str | None = None) -> dict[str, str]:
        """Paths of the showcase's fixed views, for templates and links."""
        base = self.url if base is None else base
        return {
            name: base + self.reverse_subpage(name)
            for name in ("map", "statistics", "data_csv", "data_json")
        }

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Worked out once: templates link every member from it.
        context["showcase_url"] = base = self.get_url(request)
        context["showcase_urls"] = self.route_urls(base)
        return context

    # --- routes ----------------------------------------------------------------------------

    @path("", name="index")
    def index_view(self, request):
        from pledge_forms import charts, opendata, showcase

        filters = showcase.parse_filters(request.GET)
        members = showcase.filter_members(filters)
        counts = showcase.area_counts()
        # Members per stage of the filtered list; their sum is the result count, so the
        # paginator needs no COUNT query of its own.
        stage_counts = showcase.stage_counts_for(
            filters, counts
        ) or showcase.stage_counts(members)
        paginator = Paginator(members, self._page_size(), allow_empty_first_page=True)
        paginator.__dict__["count"] = sum(count for _label, count in stage_counts)
        try:
            page_number = int(request.GET.get("page", "1"))
        except (TypeError, ValueError):
            page_number = 1
            filters.notices.append(str(_("The page number was not recognised.")))
        try:
            results = paginator.page(page_number)
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404(_("There is no such page of members.")) from error
        first_view = not filters.active and page_number == 1
        highlights = showcase.highlights() if first_view else None
        context = self.get_context(request)
        context.update(
            filters=filters,
            options=showcase.filter_options(counts),
            results=results,
            members=[showcase.public_card(p) for p in results.object_list],
            paginator=paginator,
            highlights=highlights,
            featured=highlights.featured if highlights else [],
            recent=highlights.recent if highlights else [],
            completed=highlights.completed if highlights else [],
            stage_counts=stage_counts,
            stage_chart=charts.bars(
                [(str(label), count) for label, count in stage_counts]
            ),
            data_columns=opendata.COLUMN_DOCS,
            **_pagination(results, filters),
        )
        return TemplateResponse(request, self.get_template(request), context)

    @path("map/", name="map")
    def map_view(self, request):
        from pledge_forms import charts, showcase

        data = showcase.map_data()

        def link_for(region: str) -> str:
            return f"{self.url}?region={region}"

        context = self.get_context(request)
        context.update(
            map_data=data,
            map_svg=charts.tile_map(data, link_for),
            us_regions=sorted(data.regions.values(), key=lambda a: a.name),
            shades=charts.SHADES,
        )
        return TemplateResponse(
            request, "pledge_forms/showcase/showcase_map.html", context
        )

    @path("statistics/", name="statistics")
    def statistics_view(self, request):
        from pledge_forms import charts, showcase

        sections = self._sections()
        stats = showcase.campaign_statistics(sections=sections)
        context = self.get_context(request)
        context.update(
            stats=stats,
            stage_chart=charts.bars(
                [
                    (str(_("Pledged")), stats.pledged),
                    (str(_("Completed")), stats.completed),
                ]
            ),
            focus_chart=charts.stacked_shares(stats.focus_areas),
            practice_chart=charts.stacked_shares(stats.practices),
            timeline_chart=charts.timeline(stats.periods),
            share_legend=charts.legend(
                [
                    ("in_place", _("In place")),
                    ("in_progress", _("In progress")),
                    ("planned", _("Planned within 12 months")),
                ]
            ),
            timeline_legend=charts.legend(
                [("members", _("Members")), ("completed", _("Of which completed"))]
            ),
        )
        return TemplateResponse(
            request, "pledge_forms/showcase/showcase_statistics.html", context
        )

    @re_path(r"^data\.csv/?$", name="data_csv")
    def data_csv_view(self, request):
        from pledge_forms import opendata

        return opendata.csv_response(self._sections(), _site_root(request))

    @re_path(r"^data\.json/?$", name="data_json")
    def data_json_view(self, request):
        from pledge_forms import opendata

        return opendata.json_response(self._sections(), _site_root(request))

    @path("<slug:slug>/", name="member")
    def member_view(self, request, slug):
        from pledge_forms import badges, showcase

        member = self._member_or_404(slug)
        member_url = self._full_url(request, "member", slug=slug)
        badge_url = self._full_url(request, "badge", slug=slug)
        context = self.get_context(request)
        context.update(
            member=member,
            progress=showcase.member_progress(member, self._sections()),
            member_url=member_url,
            badge_url=badge_url,
            badge_code=badges.embed_code(member, member_url, badge_url),
            certificate_url=(
                self.url + self.reverse_subpage("certificate", kwargs={"slug": slug})
                if member.is_completed
                else ""
            ),
        )
        return TemplateResponse(
            request, "pledge_forms/showcase/showcase_member.html", context
        )

    @re_path(r"^(?P<slug>[-\w]+)/badge\.svg/?$", name="badge")
    def badge_view(self, request, slug):
        from pledge_forms import badges

        member = self._member_or_404(slug)
        response = HttpResponse(
            badges.badge_svg(member, self._full_url(request, "member", slug=slug)),
            content_type="image/svg+xml; charset=utf-8",
        )
        response["Cache-Control"] = f"public, max-age={BADGE_CACHE_SECONDS}"
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
        return response

    @re_path(r"^(?P<slug>[-\w]+)/certificate\.pdf/?$", name="certificate")
    def certificate_view(self, request, slug):
        from pledge_forms import certificates

        member = self._member_or_404(slug)
        if not member.is_completed:
            raise Http404(_("Only completed members have a certificate."))
        response = HttpResponse(
            certificates.certificate_pdf(
                member, self._full_url(request, "member", slug=slug)
            ),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="certificate-{slug}.pdf"'
        response["Cache-Control"] = f"public, max-age={CERTIFICATE_CACHE_SECONDS}"
        return response
