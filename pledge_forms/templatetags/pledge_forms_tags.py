"""Template tags a site uses to show the campaign's progress, e.g. on its home page."""

import hashlib
from dataclasses import dataclass

from django import template
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum

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


FIGURES_CACHE_SECONDS = 3600


def campaign_figures_data() -> CampaignFigures:
    """Counts over published pledges only.

    One query on most requests: the members and completed members come with a fingerprint of
    the published pledges (how many, their live revisions, the latest change). Adding up the
    practices in place reads every published pledge's statuses, so that figure is cached
    under the fingerprint: publishing, unpublishing or changing a pledge shows at once.
    """
    live = Pledge.objects.filter(live=True)
    state = live.aggregate(
        pledged=Count("pk"),
        completed=Count("pk", filter=Q(stage=Stage.COMPLETED)),
        revisions=Sum("live_revision_id"),
        changed=Max("updated_at"),
    )
    key = (
        "pledge_forms:figures:"
        + hashlib.sha256(repr(sorted(state.items())).encode()).hexdigest()[:32]
    )
    in_place = cache.get(key)
    if in_place is None:
        in_place = _practices_in_place(live)
        cache.set(key, in_place, FIGURES_CACHE_SECONDS)
    return CampaignFigures(state["pledged"], state["completed"], in_place)


def _practices_in_place(live) -> int:
    in_place = 0
    for statuses in live.values_list("practice_statuses", flat=True).iterator(
        chunk_size=2000
    ):
        for entry in (statuses or {}).values():
            if (
                isinstance(entry, dict)
                and entry.get("status") == PracticeStatus.IN_PLACE
            ):
                in_place += 1
    return in_place


@register.simple_tag
def campaign_figures() -> CampaignFigures:
    """``{% campaign_figures as figures %}`` → members_pledged, members_completed,
    practices_in_place (published pledges only)."""
    return campaign_figures_data()
