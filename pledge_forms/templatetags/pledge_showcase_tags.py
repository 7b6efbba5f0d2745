"""Template tags a site uses to show the showcase on other pages, e.g. its home page.

``{% load pledge_showcase_tags %}``

- ``{% campaign_statistics as stats %}``: :class:`pledge_forms.showcase.CampaignStatistics`
  (members, pledged, completed, completed_percent, focus_areas, practices, periods).
- ``{% campaign_home as campaign %}``: :class:`pledge_forms.home.CampaignHome`, everything a
  home page shows of the campaign (``campaign.figures`` as ``campaign_figures``), in one
  query on most requests.
- ``{% showcase_home %}`` or ``{% showcase_home campaign %}``: a section with the members
  chosen on the showcase page ("home page shows") and the adoption per focus area as a chart
  with its table; renders nothing when there is no live showcase page.
"""

from django import template

from pledge_forms import charts, home, showcase
from pledge_forms.models import MemberShowcasePage

register = template.Library()


def _showcase_page():
    return MemberShowcasePage.objects.live().public().order_by("path").first()


@register.simple_tag
def campaign_statistics():
    """Statistics over every published pledge, in a fixed number of queries."""
    page = _showcase_page()
    return showcase.campaign_statistics(page.checklist_id if page else None)


@register.simple_tag
def campaign_home():
    return home.campaign_home()


@register.inclusion_tag("pledge_forms/showcase/home_showcase.html", takes_context=True)
def showcase_home(context, campaign=None):
    if campaign is None:
        campaign = home.campaign_home()
    if not campaign.has_showcase:
        return {"page": None}
    stats = campaign.stats
    return {
        "request": context.get("request"),
        "page": True,
        "showcase_url": campaign.showcase_url,
        "showcase_urls": campaign.showcase_urls,
        "display": campaign.display,
        "members": campaign.members,
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
