"""Template tags a site uses to show the showcase on other pages, e.g. its home page.

``{% load pledge_showcase_tags %}``

- ``{% campaign_statistics as stats %}``: :class:`pledge_forms.showcase.statistics.CampaignStatistics`
  (members, pledged, completed, completed_percent, focus_areas, practices, periods).
- ``{% campaign_home as campaign %}``: :class:`pledge_forms.showcase.home.CampaignHome`, everything a
  home page shows of the campaign (``campaign.figures`` as ``campaign_figures``), in one
  query on most requests.
- ``{% campaign_fingerprint as key %}``: what ``campaign_home`` is computed from, as a key.
- ``{% showcase_home %}`` or ``{% showcase_home campaign %}``: a section with the members
  chosen on the showcase page ("home page shows") and the adoption per focus area as a chart
  with its table; renders nothing when there is no live showcase page.
"""

from django import template

from pledge_forms.choices import PracticeStatus
from pledge_forms.showcase import charts, home
from pledge_forms.showcase.figures import figures_key
from pledge_forms.showcase.models import showcase_page
from pledge_forms.showcase.statistics import campaign_statistics as compute_statistics

register = template.Library()


@register.simple_tag
def campaign_statistics():
    """Statistics over every published pledge, in a fixed number of queries."""
    page = showcase_page()
    return compute_statistics(page.checklist_id if page else None)


HOME_STATE = "_pledge_forms_home_state"


def _home_state(context) -> dict:
    """The home's state, read once per request whichever tag needs it first."""
    request = context.get("request")
    state = getattr(request, HOME_STATE, None)
    if state is None:
        state = home.home_state()
        if request is not None:
            setattr(request, HOME_STATE, state)
    return state


@register.simple_tag(takes_context=True)
def campaign_home(context):
    return home.campaign_home(_home_state(context))


@register.simple_tag(takes_context=True)
def campaign_fingerprint(context) -> str:
    """What ``campaign_home`` is computed from, as a key (one query): the published
    pledges' fingerprint, the checklist's version, the language, the lapse policy and the
    day. A site that keeps the parts of a page showing them keys them with it, so a change
    to any pledge, by whatever path, shows at once."""
    state = _home_state(context)
    return figures_key(
        "home", state.get("pk"), state.get("live_revision_id"), state=state
    )


@register.simple_tag
def campaign_figures() -> home.CampaignFigures:
    """``{% campaign_figures as figures %}`` → members_pledged, members_completed,
    practices_in_place (published pledges only)."""
    return home.campaign_home().figures


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
                ("in_place", PracticeStatus.IN_PLACE.label),
                ("in_progress", PracticeStatus.IN_PROGRESS.label),
                ("planned", PracticeStatus.PLANNED.label),
            ]
        ),
    }
