"""What a site's home page shows of the campaign, in one query on most requests.

The campaign figures, the members editors chose on the showcase page ("home page shows") and
the adoption per focus area come from the one cache of figures (:mod:`.figures`), under a
key worked out by a single query: the live showcase page (its revision, settings and place
in the tree) with the published pledges' fingerprint. Publishing or unpublishing a pledge
or the showcase page, featuring or reordering members change the key, so the home page
shows it at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from pledge_forms.choices import PracticeStatus, Stage
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.published import published_token_subquery
from pledge_forms.page_privacy import public_q
from pledge_forms.showcase.figures import (
    cached,
    pledge_state,
)
from pledge_forms.showcase.members import (
    featured_members,
    recently_completed,
    recently_pledged,
)
from pledge_forms.showcase.models import HomeDisplay, MemberShowcasePage
from pledge_forms.showcase.statistics import campaign_statistics

MAX_HOME_MEMBERS = 24


@dataclass(frozen=True)
class CampaignFigures:
    """``members_pledged`` counts every published member (completed ones included),
    ``members_completed`` those that completed, ``practices_in_place`` the practices
    in place summed over all published members."""

    members_pledged: int
    members_completed: int
    practices_in_place: int


def practices_in_place(live) -> int:
    """Practices in place summed over the pledges of ``live``, counted in SQL."""
    return PledgePractice.objects.filter(
        pledge__in=live.order_by().values("pk"), status=PracticeStatus.IN_PLACE
    ).count()


@dataclass(frozen=True)
class CampaignHome:
    """``figures``: the campaign figures (see ``campaign_figures``); the rest is empty when
    there is no live, public showcase page."""

    figures: object
    has_showcase: bool = False
    showcase_url: str = ""
    showcase_urls: dict = field(default_factory=dict)
    display: str = ""
    members: list = field(default_factory=list)
    stats: object = None


def _state() -> dict:
    """The showcase page and the published pledges' fingerprint and figures, one query."""
    row = (
        MemberShowcasePage.objects.live()
        .filter(public_q())
        .order_by("path")
        .annotate(published=published_token_subquery())
        .values(
            "pk",
            "url_path",
            "live_revision_id",
            "last_published_at",
            "checklist_id",
            "home_display",
            "home_count",
            "published",
        )
        .first()
    )
    if row is not None:
        row["published"] = row["published"] or ""
        return row
    return pledge_state()


def home_state() -> dict:
    """What :func:`campaign_home` is computed from (the showcase page and the published
    pledges' fingerprint), in one query."""
    return _state()


def campaign_home(state: dict | None = None) -> CampaignHome:
    """Everything a home page shows of the campaign, from the one cache of figures
    (``state``: :func:`home_state`, when the caller has read it already)."""
    state = _state() if state is None else state
    return cached("home", lambda: _compute_home(state), state=state)


def _compute_home(state: dict) -> CampaignHome:
    live = Pledge.objects.filter(live=True)
    counts = live.order_by().aggregate(
        pledged=Count("pk"), completed=Count("pk", filter=Q(stage=Stage.COMPLETED))
    )
    figures = CampaignFigures(
        counts["pledged"], counts["completed"], practices_in_place(live)
    )
    if "home_display" not in state:
        return CampaignHome(figures=figures)
    page = MemberShowcasePage.objects.get(pk=state["pk"])
    count = min(max(page.home_count, 0), MAX_HOME_MEMBERS)
    members = {
        HomeDisplay.FEATURED: featured_members,
        HomeDisplay.RECENT: recently_pledged,
        HomeDisplay.COMPLETED: recently_completed,
    }.get(page.home_display)
    return CampaignHome(
        figures=figures,
        has_showcase=True,
        showcase_url=page.url,
        showcase_urls=page.route_urls(page.url),
        display=page.home_display,
        members=members(count) if members and count else [],
        stats=campaign_statistics(page.checklist_id),
    )
