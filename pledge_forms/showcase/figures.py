"""The one cache of public figures: what the showcase computes from the published pledges
(the home page's figures and members, the campaign statistics, the open data CSV).

Every entry is stored under a key made of the published pledges' fingerprint (how many,
how many completed, their live revisions, the latest change, the featured ones and their
order), the checklist's version and the language, so publishing, unpublishing, changing,
featuring or reordering a pledge, or editing the checklist, gives every figure a new key at
once; entries left behind expire. The page cache (a site's) is the only other cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import CharField, Count, F, Max, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils.translation import get_language

from pledge_forms.choices import Stage
from pledge_forms.localization import checklist_version
from pledge_forms.models.pledges import Pledge
from pledge_forms.services import lapse

FIGURES_CACHE_SECONDS = 3600
STATE_FIELDS = (
    "pledged",
    "completed",
    "revisions",
    "featured_count",
    "featured_order",
    "changed",
)
STATE_SEPARATOR = "|"

T = TypeVar("T")


def _state_values() -> list:
    featured = Q(featured=True, consent_listed=True)
    return [
        Count("pk"),
        Count("pk", filter=Q(stage=Stage.COMPLETED)),
        Coalesce(Sum("live_revision_id"), 0),
        Count("pk", filter=featured),
        Coalesce(Sum(F("pk") * (F("featured_order") + 1), filter=featured), 0),
        Coalesce(Cast(Max("updated_at"), CharField()), Value("")),
    ]


def pledge_state_subquery() -> Subquery:
    """The published pledges' fingerprint in one pass over them, as one text value, for a
    caller that reads it beside other rows (a subquery returns a single column)."""
    parts = []
    for value in _state_values():
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


def parse_pledge_state(text: str | None) -> dict[str, Any]:
    """The fingerprint read by :func:`pledge_state_subquery`, as a dict."""
    values = (text or "").split(STATE_SEPARATOR)
    if len(values) != len(STATE_FIELDS):
        return dict.fromkeys(STATE_FIELDS[:-1], 0) | {"changed": None}
    *numbers, changed = values
    state: dict[str, Any] = {
        name: int(number) for name, number in zip(STATE_FIELDS, numbers, strict=False)
    }
    state["changed"] = changed or None
    return state


def pledge_state() -> dict[str, Any]:
    """The published pledges' fingerprint (and their counts), in one query."""
    values = dict(zip(STATE_FIELDS, _state_values(), strict=True))
    return Pledge.objects.filter(live=True).order_by().aggregate(**values)


def figures_key(name: str, *parts: Any, state: dict | None = None) -> str:
    """The key of the figure ``name`` (with ``parts`` that also decide it) for the
    published pledges as they stand (``state``, or read now: one query)."""
    if state is None:
        state = pledge_state()
    # The lapse policy and the day: members lapse at midnight without a row changing.
    fingerprint = (
        name,
        sorted(state.items()),
        checklist_version(),
        get_language(),
        lapse.cache_state(),
    )
    digest = hashlib.sha256(repr((fingerprint, parts)).encode()).hexdigest()[:32]
    return f"pledge_forms:figures:{name}:{digest}"


def cached(
    name: str, compute: Callable[[], T], *parts: Any, state: dict | None = None
) -> T:
    """The figure ``name`` from the cache, or computed and stored under its key."""
    key = figures_key(name, *parts, state=state)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FIGURES_CACHE_SECONDS)
    return value
