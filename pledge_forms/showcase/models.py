"""The public member showcase: listed members, a map, statistics, member pages, badges,
certificates and open data, all under one page (``/members/`` on the campaign site)."""

from collections.abc import Callable

from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

from pledge_forms import conf
from pledge_forms.page_privacy import public_q
from pledge_forms.showcase import views
from pledge_forms.showcase.filters import ShowcaseFilterSet
from pledge_forms.showcase.members import listed_member, listed_members, public_member
from pledge_forms.showcase.statistics import checklist_sections
from pledge_forms.translatable import synchronized


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

    # Every language's showcase reports on the same (the default language's) checklist.
    override_translatable_fields = synchronized(
        "checklist", "per_page", "home_display", "home_count"
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
    #: The query parameters the list reads (its filters and the page number): a site's page
    #: cache may keep a copy per combination of these, and of no others.
    page_cache_query_parameters = (*ShowcaseFilterSet.base_filters, "page")

    def page_cache_shows(self, request, view=None, args=(), kwargs=None):
        """What a site's page cache refreshes a route (what :meth:`route` found) for, by
        topic: a member's own pages (page, badge, certificate) when that member or the
        practices change; the list, map, statistics and open data when any member or the
        practices do. Never for a news post: the showcase's own text changes only when
        this page is published."""
        slug = (kwargs or {}).get("slug")
        if slug:
            return ("site", "practices", f"member:{slug}")
        return ("site", "members", "practices")

    class Meta:
        db_table = "pledge_forms_membershowcasepage"
        verbose_name = _("member showcase")

    # --- helpers -----------------------------------------------------------------------

    def page_size(self) -> int:
        return min(max(self.per_page or 24, 6), 100)

    def sections(self):
        """The checklist's sections and practices the showcase reports on."""
        return checklist_sections(self.checklist_id)

    def member_or_404(self, slug: str):
        """The public profile of the listed member at ``slug``, or 404."""
        pledge = listed_member(slug)
        if pledge is None:
            raise Http404(_("No published member at this address."))
        return public_member(pledge)

    def absolute_url(self, request=None, route: str = "", **kwargs) -> str:
        """Absolute address of the showcase, or of one of its routes: every absolute link
        of the showcase (member pages, badges, certificates, open data, the API) is built
        here.

        The origin is the site's public address (``PUBLIC_URL``, ``conf.public_url``),
        never the Host header of ``request``: a request to another allowed host name must
        not put that name into embed codes, certificates or cached pages. Without that
        setting (the plugin on its own), Wagtail's Site record gives the origin."""
        path = self.get_url(request)
        if not path:
            return ""
        origin = conf.public_url()
        if path.startswith("/"):
            path = (origin + path) if origin else (self.get_full_url(request) or path)
        return path + (self.reverse_subpage(route, kwargs=kwargs) if route else "")

    def member_url(self, slug: str, request=None, base: str = "") -> str:
        """Absolute address of a member page: every member link is built here.

        ``base``: the showcase's own absolute address, when the caller already has it."""
        base = base or self.absolute_url(request)
        return base + self.reverse_subpage("member", kwargs={"slug": slug})

    def member_url_builder(self, request=None) -> Callable[[str], str]:
        """:meth:`member_url` for many members: the showcase's address is looked up once."""
        base = self.absolute_url(request)
        return lambda slug: self.member_url(slug, base=base)

    def get_sitemap_urls(self, request=None):
        """The showcase, its map and statistics, and every listed member's page.

        The list, map and statistics change whenever a member does: their ``lastmod`` is
        the latest of the page's and the members'. No ``lastmod`` lies in the future
        (a date moved forward by an import, or a server's clock ahead of the others')."""
        urls = super().get_sitemap_urls(request)
        base = self.absolute_url(request)
        if not base:
            return urls
        now = timezone.now()
        latest = urls[0].get("lastmod") if urls else None
        latest = min(latest, now) if latest else None
        members = []
        for slug, updated in (
            listed_members()
            .order_by("slug")
            .values_list("slug", "last_published_at")
            .iterator()
        ):
            updated = min(updated, now) if updated else None
            if updated and (latest is None or updated > latest):
                latest = updated
            members.append(
                {"location": self.member_url(slug, base=base), "lastmod": updated}
            )
        for url in urls:
            url["lastmod"] = latest
        urls += [
            {"location": base + self.reverse_subpage(name), "lastmod": latest}
            for name in ("map", "statistics")
        ]
        return urls + members

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

    # --- routes (their views are in pledge_forms.showcase.views) ---------------------------

    @path("", name="index")
    def index_view(self, request):
        return views.index(request, self)

    @path("map/", name="map")
    def map_view(self, request):
        return views.member_map(request, self)

    @path("statistics/", name="statistics")
    def statistics_view(self, request):
        return views.campaign_statistics(request, self)

    @re_path(r"^data\.csv/?$", name="data_csv")
    def data_csv_view(self, request):
        return views.data_csv(request, self)

    @re_path(r"^data\.json/?$", name="data_json")
    def data_json_view(self, request):
        return views.data_json(request, self)

    @path("<slug:slug>/", name="member")
    def member_view(self, request, slug):
        return views.member(request, self, slug)

    @re_path(r"^(?P<slug>[-\w]+)/badge\.svg/?$", name="badge")
    def badge_view(self, request, slug):
        return views.badge(request, self, slug)

    @re_path(r"^(?P<slug>[-\w]+)/certificate\.pdf/?$", name="certificate")
    def certificate_view(self, request, slug):
        return views.certificate(request, self, slug)


def showcase_page() -> MemberShowcasePage | None:
    """The site's live, public showcase page (the first in the tree), if any."""
    return MemberShowcasePage.objects.live().filter(public_q()).order_by("path").first()
