"""The one cache of public figures: what the showcase computes from the published pledges
(the home page's figures and members, the campaign statistics, the open data CSV).

Every entry is stored under a key made of the published pledges' fingerprint (a token the
database changes with any change to a published pledge: pledge_forms/models/published.py,
one query by primary key however many members there are), the checklist's version and the
language, so publishing, unpublishing, changing, featuring or reordering a pledge, or
editing the checklist, gives every figure a new key at once; entries left behind expire.
The page cache (a site's) is the only other cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.utils.translation import get_language

from pledge_forms.localization import checklist_version
from pledge_forms.models.published import published_token
from pledge_forms.services import lapse

FIGURES_CACHE_SECONDS = 3600

T = TypeVar("T")


def pledge_state() -> dict[str, Any]:
    """The published pledges' fingerprint, in one query by primary key."""
    return {"published": published_token()}


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
