"""The showcase page's views: the member list, the map, the statistics, the open data
files, member pages, badges and certificates. Routed by :class:`MemberShowcasePage`."""

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from pledge_forms import localization
from pledge_forms.showcase import badges, certificates, charts, metadata, opendata
from pledge_forms.showcase.filters import (
    ShowcaseFilterSet,
    filter_options,
    stage_counts,
    stage_counts_for,
)
from pledge_forms.showcase.members import (
    area_counts,
    highlights,
    listed_cards,
    public_card,
)
from pledge_forms.showcase.statistics import campaign_statistics as compute_statistics
from pledge_forms.showcase.statistics import map_data, member_progress, member_timeline

BADGE_CACHE_SECONDS = 600


def progress_legend() -> str:
    """The colour key of the charts of progress over time."""
    return charts.legend(
        [("in_place", _("In place")), ("in_progress", _("In progress"))]
    )


CERTIFICATE_CACHE_SECONDS = 600


def _pagination(results, filters) -> dict:
    """Links to the first, last and neighbouring pages, elided by Django's paginator (a gap
    has no link), all keeping the filters."""

    def url(number: int) -> str:
        params = filters.query_params(page=str(number) if number > 1 else "")
        return "?" + urlencode(params) if params else "?"

    paginator, current = results.paginator, results.number
    numbers = paginator.get_elided_page_range(current, on_each_side=2, on_ends=1)
    return {
        "previous_url": url(current - 1) if results.has_previous() else "",
        "next_url": url(current + 1) if results.has_next() else "",
        "page_links": [
            (n, "" if n == paginator.ELLIPSIS else url(n), n == current)
            for n in numbers
        ]
        if paginator.num_pages > 1
        else [],
    }


def index(request, page):
    counts = area_counts()
    filters = ShowcaseFilterSet(
        request.GET, queryset=listed_cards(), options=filter_options(counts)
    )
    members = filters.qs
    # Members per stage of the filtered list; their sum is the result count, so the
    # paginator needs no COUNT query of its own.
    per_stage = stage_counts_for(filters.applied, counts) or stage_counts(members)
    paginator = Paginator(members, page.page_size(), allow_empty_first_page=True)
    paginator.__dict__["count"] = sum(count for _label, count in per_stage)
    try:
        page_number = int(request.GET.get("page", "1"))
    except (TypeError, ValueError):
        page_number = 1
        filters.extra_notices.append(str(_("The page number was not recognised.")))
    try:
        results = paginator.page(page_number)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(_("There is no such page of members.")) from error
    first_view = not filters.active and page_number == 1
    found = highlights() if first_view else None
    context = page.get_context(request)
    context.update(
        filters=filters,
        results=results,
        members=[public_card(p) for p in results.object_list],
        paginator=paginator,
        highlights=found,
        featured=found.featured if found else [],
        recent=found.recent if found else [],
        completed=found.completed if found else [],
        stage_counts=per_stage,
        stage_chart=charts.bars([(str(label), count) for label, count in per_stage]),
        data_columns=opendata.COLUMN_DOCS,
        **_pagination(results, filters),
        **metadata.index(
            page, request, page_number=results.number, filtered=filters.active
        ),
    )
    return TemplateResponse(request, page.get_template(request), context)


def member_map(request, page):
    data = map_data()

    def link_for(region: str) -> str:
        return f"{page.url}?region={region}"

    context = page.get_context(request)
    context.update(
        map_data=data,
        map_svg=charts.tile_map(data, link_for),
        us_regions=sorted(data.regions.values(), key=lambda a: a.name),
        shades=charts.SHADES,
        **metadata.member_map(page, request),
    )
    return TemplateResponse(request, "pledge_forms/showcase/showcase_map.html", context)


def campaign_statistics(request, page):
    sections = page.sections()
    stats = compute_statistics(sections=sections)
    context = page.get_context(request)
    context.update(
        stats=stats,
        stage_chart=charts.bars(
            [
                (str(_("Pledged")), stats.pledged),
                (str(_("Completed")), stats.completed),
                *([(str(_("Lapsed")), stats.lapsed)] if stats.lapsed else []),
            ]
        ),
        focus_chart=charts.stacked_shares(stats.focus_areas),
        practice_chart=charts.stacked_shares(stats.practices),
        timeline_chart=charts.timeline(stats.periods),
        adoption_chart=charts.progress_columns(stats.adoption, stats.adoption_top),
        progress_legend=progress_legend(),
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
        **metadata.statistics(page, request, stats),
    )
    return TemplateResponse(
        request, "pledge_forms/showcase/showcase_statistics.html", context
    )


def _in_default_language(request, page, route: str):
    """The open data is language-neutral (codes, and names in the default language): one
    address, the default language's; the other languages' addresses redirect to it."""
    source = localization.source_page(page)
    if source.pk == page.pk:
        return None
    return HttpResponsePermanentRedirect(source.url + route)


def data_csv(request, page):
    redirect = _in_default_language(request, page, "data.csv")
    if redirect is not None:
        return redirect
    return opendata.csv_response(page.sections(), page.member_url_builder(request))


def data_json(request, page):
    redirect = _in_default_language(request, page, "data.json")
    if redirect is not None:
        return redirect
    return opendata.json_response(page.sections(), page.member_url_builder(request))


def member(request, page, slug):
    profile = page.member_or_404(slug)
    # Absolute (public address) where the address leaves the site: the canonical link and
    # the embed code agencies copy. Within the page, relative: the badge image then loads
    # from whichever host name the visitor used.
    member_url = page.member_url(slug, request)
    context = page.get_context(request)
    base = context["showcase_url"]
    sections = page.sections()
    timeline = member_timeline(profile, sections)
    context.update(
        member=profile,
        progress=member_progress(profile, sections),
        timeline=[
            (
                area,
                charts.progress_columns(area.points, area.total, height=180),
            )
            for area in timeline
        ],
        progress_legend=progress_legend() if timeline else "",
        timeline_rows=[
            (point.label, [area.points[index] for area in timeline])
            for index, point in enumerate(timeline[0].points if timeline else [])
        ],
        member_url=member_url,
        badge_url=base + page.reverse_subpage("badge", kwargs={"slug": slug}),
        badge_width=badges.WIDTH,
        badge_height=badges.HEIGHT,
        badge_code=badges.embed_code(
            profile, member_url, page.absolute_url(request, "badge", slug=slug)
        ),
        certificate_url=(
            base + page.reverse_subpage("certificate", kwargs={"slug": slug})
            if profile.is_completed
            else ""
        ),
        **metadata.member(page, request, profile, member_url),
    )
    return TemplateResponse(
        request, "pledge_forms/showcase/showcase_member.html", context
    )


def badge(request, page, slug):
    member = page.member_or_404(slug)
    response = HttpResponse(
        badges.badge_svg(member, page.member_url(slug, request)),
        content_type="image/svg+xml; charset=utf-8",
    )
    response["Cache-Control"] = f"public, max-age={BADGE_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    return response


def certificate(request, page, slug):
    member = page.member_or_404(slug)
    if not member.is_completed:
        raise Http404(_("Only completed members have a certificate."))
    response = HttpResponse(
        certificates.certificate_pdf(member, page.member_url(slug, request)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="certificate-{slug}.pdf"'
    response["Cache-Control"] = f"public, max-age={CERTIFICATE_CACHE_SECONDS}"
    return response
