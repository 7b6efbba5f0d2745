"""Template tags a site uses to show the showcase on other pages, e.g. its home page.

``{% load pledge_showcase_tags %}``

- ``{% campaign_statistics as stats %}``: :class:`pledge_forms.showcase.CampaignStatistics`
  (members, pledged, completed, completed_percent, focus_areas, practices, periods).
- ``{% showcase_home %}``: a section with the members chosen on the showcase page
  ("home page shows") and the adoption per focus area as a chart with its table; renders
  nothing when there is no live showcase page.
"""

from django import template

from pledge_forms import charts, showcase
from pledge_forms.models import HomeDisplay, MemberShowcasePage

register = template.Library()


def _showcase_page():
    return MemberShowcasePage.objects.live().public().order_by("path").first()


@register.simple_tag
def campaign_statistics():
    """Statistics over every published pledge, in a fixed number of queries."""
    page = _showcase_page()
    return showcase.campaign_statistics(page.checklist_id if page else None)


@register.inclusion_tag("pledge_forms/showcase/home_showcase.html", takes_context=True)
def showcase_home(context):
    page = _showcase_page()
    if page is None:
        return {"page": None}
    count = min(max(page.home_count, 0), 24)
    members = {
        HomeDisplay.FEATURED: showcase.featured_members,
        HomeDisplay.RECENT: showcase.recently_pledged,
        HomeDisplay.COMPLETED: showcase.recently_completed,
    }.get(page.home_display)
    stats = showcase.campaign_statistics(page.checklist_id)
    return {
        "request": context.get("request"),
        "page": page,
        "showcase_url": page.url,
        "showcase_urls": page.route_urls(page.url),
        "display": page.home_display,
        "members": members(count) if members and count else [],
        "stats": stats,
        "focus_chart": charts.stacked_shares(stats.focus_areas),
        "share_legend": charts.legend(
            [
                ("in_place", showcase.PracticeStatus.IN_PLACE.label),
                ("in_progress", showcase.PracticeStatus.IN_PROGRESS.label),
                ("planned", showcase.PracticeStatus.PLANNED.label),
            ]
        ),
    }
