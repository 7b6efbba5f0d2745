"""What a site's home page shows of the campaign, in one query on most requests.

The campaign figures, the members editors chose on the showcase page ("home page shows") and
the adoption per focus area all come from the shared cache, under a key worked out by a single
query: the live showcase page (its revision, settings and place in the tree) with a
fingerprint of the published pledges (how many, their live revisions, the latest change, the
featured ones and their order). Publishing or unpublishing a pledge or the showcase page,
featuring or reordering members change the key, so the home page shows it at once. Checklist
edits change a version kept in the cache (see :func:`bump_checklist_version`).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Substr
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from wagtail.models import Page, PageViewRestriction

from pledge_forms.choices import PracticeStatus, Stage
from pledge_forms.models.checklists import Checklist, ChecklistItem, ChecklistSection
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.showcase.members import (
    featured_members,
    recently_completed,
    recently_pledged,
)
from pledge_forms.showcase.models import HomeDisplay, MemberShowcasePage
from pledge_forms.showcase.statistics import campaign_statistics

HOME_CACHE_SECONDS = 3600
CHECKLIST_VERSION_KEY = "pledge_forms:checklist-version"
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


def checklist_version() -> str:
    version = cache.get(CHECKLIST_VERSION_KEY)
    if version is None:
        cache.add(CHECKLIST_VERSION_KEY, time.time_ns(), None)
        version = cache.get(CHECKLIST_VERSION_KEY)
    return str(version)


def bump_checklist_version(sender=None, **kwargs) -> None:
    """Connected to the checklist models' saves and deletions."""
    try:
        cache.incr(CHECKLIST_VERSION_KEY)
    except ValueError:
        cache.set(CHECKLIST_VERSION_KEY, time.time_ns(), None)


STATE_FIELDS = (
    "pledged",
    "completed",
    "revisions",
    "featured_count",
    "featured_order",
    "changed",
)
STATE_SEPARATOR = "|"


def _pledge_state() -> Subquery:
    """The published pledges' figures and fingerprint in one pass over them, as one text
    value (a subquery returns a single column): one scan instead of one per figure."""
    featured = Q(featured=True, consent_listed=True)
    values = [
        Count("pk"),
        Count("pk", filter=Q(stage=Stage.COMPLETED)),
        Coalesce(Sum("live_revision_id"), 0),
        Count("pk", filter=featured),
        Coalesce(Sum(F("pk") * (F("featured_order") + 1), filter=featured), 0),
        Coalesce(Cast(Max("updated_at"), CharField()), Value("")),
    ]
    parts = []
    for value in values:
        if parts:
            parts.append(Value(STATE_SEPARATOR))
        parts.append(Cast(value, CharField()))
    rows = (
        Pledge.objects.filter(live=True)
        .order_by()
        .values("live")
        .annotate(state=Concat(*parts, output_field=CharField()))
        .values("state")
    )
    return Subquery(rows, output_field=CharField())


def _parse_state(text: str | None) -> dict:
    values = (text or "").split(STATE_SEPARATOR)
    if len(values) != len(STATE_FIELDS):
        return dict.fromkeys(STATE_FIELDS[:-1], 0) | {"changed": None}
    *numbers, changed = values
    state = {
        name: int(number) for name, number in zip(STATE_FIELDS, numbers, strict=False)
    }
    state["changed"] = changed or None
    return state


def _state() -> dict:
    """The showcase page and the published pledges' fingerprint and figures, one query."""
    live = Pledge.objects.filter(live=True)
    # Page.public() would cost a query of its own: a restriction on the page or an ancestor.
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, F("page__depth") * Page.steplen)
    )
    row = (
        MemberShowcasePage.objects.live()
        .filter(~Exists(restricted))
        .order_by("path")
        .annotate(pledge_state=_pledge_state())
        .values(
            "pk",
            "url_path",
            "live_revision_id",
            "last_published_at",
            "checklist_id",
            "home_display",
            "home_count",
            "pledge_state",
        )
        .first()
    )
    if row is not None:
        row.update(_parse_state(row.pop("pledge_state")))
        return row
    return live.aggregate(
        pledged=Count("pk"),
        completed=Count("pk", filter=Q(stage=Stage.COMPLETED)),
        revisions=Sum("live_revision_id"),
        changed=Max("updated_at"),
    )


def campaign_home() -> CampaignHome:
    state = _state()
    fingerprint = repr(
        (sorted(state.items()), checklist_version(), get_language())
    ).encode()
    key = "pledge_forms:home:" + hashlib.sha256(fingerprint).hexdigest()[:32]
    home = cache.get(key)
    if home is not None:
        return home

    live = Pledge.objects.filter(live=True)
    figures = CampaignFigures(
        state["pledged"] or 0, state["completed"] or 0, practices_in_place(live)
    )
    if "home_display" not in state:
        home = CampaignHome(figures=figures)
    else:
        page = MemberShowcasePage.objects.get(pk=state["pk"])
        count = min(max(page.home_count, 0), MAX_HOME_MEMBERS)
        members = {
            HomeDisplay.FEATURED: featured_members,
            HomeDisplay.RECENT: recently_pledged,
            HomeDisplay.COMPLETED: recently_completed,
        }.get(page.home_display)
        home = CampaignHome(
            figures=figures,
            has_showcase=True,
            showcase_url=page.url,
            showcase_urls=page.route_urls(page.url),
            display=page.home_display,
            members=members(count) if members and count else [],
            stats=campaign_statistics(page.checklist_id),
        )
    cache.set(key, home, HOME_CACHE_SECONDS)
    return home


def connect() -> None:
    for model in (Checklist, ChecklistSection, ChecklistItem):
        for signal in (post_save, post_delete):
            signal.connect(
                bump_checklist_version,
                sender=model,
                dispatch_uid=f"pledge_forms_home_{model.__name__}_{id(signal)}",
            )
