"""Template tags a site uses to show the campaign's progress, e.g. on its home page."""

from dataclasses import dataclass

from django import template

from pledge_forms.choices import PracticeStatus, Stage
from pledge_forms.models import Pledge

register = template.Library()


@dataclass(frozen=True)
class CampaignFigures:
    """``members_pledged`` counts every published member (completed ones included),
    ``members_completed`` those that completed, ``practices_in_place`` the practices
    in place summed over all published members."""

    members_pledged: int
    members_completed: int
    practices_in_place: int


def campaign_figures_data() -> CampaignFigures:
    """Counts over published pledges only, in two queries whatever the number of members."""
    live = Pledge.objects.filter(live=True)
    pledged = completed = 0
    for stage, count in _stage_counts(live):
        pledged += count
        if stage == Stage.COMPLETED:
            completed = count
    in_place = 0
    for statuses in live.values_list("practice_statuses", flat=True).iterator():
        for entry in (statuses or {}).values():
            if (
                isinstance(entry, dict)
                and entry.get("status") == PracticeStatus.IN_PLACE
            ):
                in_place += 1
    return CampaignFigures(pledged, completed, in_place)


def _stage_counts(queryset):
    from django.db.models import Count

    return queryset.order_by().values_list("stage").annotate(n=Count("pk"))


@register.simple_tag
def campaign_figures() -> CampaignFigures:
    """``{% campaign_figures as figures %}`` → members_pledged, members_completed,
    practices_in_place (published pledges only)."""
    return campaign_figures_data()
