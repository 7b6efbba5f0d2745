"""Protection against abuse: a rate limit per client and the purge of pledges whose
address was never confirmed."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from pledge_forms import conf
from pledge_forms.models.pledges import Pledge
from pledge_forms.services.identity import hash_client

logger = logging.getLogger(__name__)


def _rate_key(client_address: str) -> str:
    bucket = int(timezone.now().timestamp()) // conf.get("RATE_WINDOW_SECONDS")
    return f"pledge_forms:rate:{hash_client(client_address)[:32]}:{bucket}"


def release_rate_limit(client_address: str) -> None:
    """Give back the count :func:`rate_limited` took for a post that was not stored (the
    database failed): only stored pledges count against the limit."""
    if not conf.get("RATE_LIMIT") or not client_address:
        return
    try:
        cache.decr(_rate_key(client_address))
    except ValueError:
        pass  # the window turned over meanwhile: nothing to give back
    except Exception as exc:  # cache outage: the limit is failing open anyway
        logger.warning("Pledge rate limit unavailable: %s", exc)


def rate_limited(client_address: str) -> bool:
    """True once a client has sent too many pledges in the window.

    Counts in the cache; when the cache is unreachable the form stays open (fails open).
    """
    limit = conf.get("RATE_LIMIT")
    window = conf.get("RATE_WINDOW_SECONDS")
    if not limit or not client_address:
        return False
    key = _rate_key(client_address)
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except Exception as exc:  # cache outage: never an error page
        logger.warning("Pledge rate limit unavailable: %s", exc)
        return False
    return count > limit


def purge_unverified(days: int | None = None) -> int:
    """Delete pledges never confirmed within ``days`` (their submissions stay, unlinked)."""
    days = conf.get("PURGE_UNVERIFIED_DAYS") if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    stale = Pledge.objects.filter(
        verified_at__isnull=True, live=False, created_at__lt=cutoff
    )
    count = 0
    for pledge in stale:
        with transaction.atomic():
            if pledge.logo:
                name = pledge.logo.name
                transaction.on_commit(lambda name=name: default_storage.delete(name))
            pledge.delete()
            count += 1
    return count
