"""Protection against abuse: a rate limit per client and the purge (erasure) of pledges
whose address was never confirmed."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import timezone

from pledge_forms import conf
from pledge_forms.services.identity import hash_client
from pledge_forms.services.privacy import erase_unverified

logger = logging.getLogger(__name__)


def rate_limited(client_address: str) -> bool:
    """True once a client has sent too many pledges in the window.

    Counts in the cache; when the cache is unreachable the form stays open (fails open).
    """
    limit = conf.get("RATE_LIMIT")
    window = conf.get("RATE_WINDOW_SECONDS")
    if not limit or not client_address:
        return False
    bucket = int(timezone.now().timestamp()) // window
    key = f"pledge_forms:rate:{hash_client(client_address)[:32]}:{bucket}"
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except Exception as exc:  # cache outage: never an error page
        logger.warning("Pledge rate limit unavailable: %s", exc)
        return False
    return count > limit


def purge_unverified(days: int | None = None) -> int:
    """Erase the personal data of pledges never confirmed within ``days``.

    They used to be deleted; erasing them instead (``services.privacy``) keeps the rows,
    without anything that names a person, so counts of pledges received stay true and the
    agency can still pledge again."""
    return erase_unverified(days)
