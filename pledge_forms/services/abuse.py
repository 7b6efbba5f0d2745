"""Protection against abuse: a rate limit per client and the purge (erasure) of pledges
whose address was never confirmed."""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta

from django.core.cache import caches
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pledge_forms import conf
from pledge_forms.models.abuse import RateCounter
from pledge_forms.services.identity import hash_client
from pledge_forms.services.privacy import erase_unverified

logger = logging.getLogger(__name__)


def rate_subject(client_address: str) -> str:
    """What the limit counts: the address, or for IPv6 its /64 network, which one
    subscriber usually holds whole (counting single IPv6 addresses would let one client
    send from a new address every time)."""
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return client_address
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _rate_window() -> int:
    return max(int(conf.get("RATE_WINDOW_SECONDS")), 1)


def _rate_key(client_address: str, scope: str = "rate") -> str:
    bucket = int(timezone.now().timestamp()) // _rate_window()
    subject = hash_client(rate_subject(client_address))[:32]
    return f"pledge_forms:{scope}:{subject}:{bucket}"


def release_rate_limit(client_address: str) -> None:
    """Give back the count :func:`rate_limited` took for a post that was not stored (the
    database failed): only stored pledges count against the limit. A store that cannot
    be reached keeps the count (logged); the window turning over meanwhile leaves
    nothing to give back."""
    if not conf.get("RATE_LIMIT") or not client_address:
        return
    key = _rate_key(client_address)
    alias = conf.get("RATE_CACHE")
    try:
        if alias:
            caches[alias].decr(key)
        else:
            RateCounter.objects.filter(key=key, count__gt=0).update(
                count=F("count") - 1
            )
    except ValueError:
        pass  # the cache key expired with its window
    except Exception as exc:  # store outage: nothing more to do
        logger.warning("Pledge rate limit count not given back: %s", exc)


def rate_limited(client_address: str, *, scope: str = "rate", limit=None) -> bool:
    """True once a client has sent more than ``PLEDGE_FORMS_RATE_LIMIT`` pledges in the
    window; counting this one. Another ``scope`` counts something else per client in
    the same window (``"drafts"``: pledges begun, with its own ``limit``).

    The count is shared by every worker and every app server: in the cache named by
    ``PLEDGE_FORMS_RATE_CACHE`` (Redis: an atomic increment) or, by default, in a database
    row. When that store is unreachable the form stays open (fails open) and a warning
    is logged: refusing every agency because a counter is down would be worse than a few
    extra pledges, which reviewers see anyway.
    """
    limit = conf.get("RATE_LIMIT") if limit is None else limit
    window = _rate_window()
    if not limit or not client_address:
        return False
    key = _rate_key(client_address, scope)
    alias = conf.get("RATE_CACHE")
    try:
        if alias:
            count = _count_in_cache(alias, key, window)
        else:
            count = _count_in_database(key, window)
    except Exception as exc:  # store outage: never an error page
        logger.warning("Pledge rate limit unavailable, not limiting: %s", exc)
        return False
    return count > limit


def too_many_drafts(client_address: str) -> bool:
    """True once a client has begun more than ``PLEDGE_FORMS_DRAFT_RATE_LIMIT`` pledges
    (drafts) in the rate limit's window, counting this one."""
    return rate_limited(
        client_address, scope="drafts", limit=conf.get("DRAFT_RATE_LIMIT")
    )


def _count_in_cache(alias: str, key: str, window: int) -> int:
    cache = caches[alias]
    cache.add(key, 0, timeout=window)
    return cache.incr(key)


def _count_in_database(key: str, window: int) -> int:
    """One more for ``key``, exactly, whichever process asks: in one statement where the
    database can (``RateCounter.objects.add_one``), else under the row's lock. Rows of
    windows that are over wait for the daily housekeeping (:func:`forget_old_counts`)."""
    expires_at = timezone.now() + timedelta(seconds=window)
    if RateCounter.objects.in_one_statement():
        return RateCounter.objects.add_one(key, expires_at)
    return _count_with_lock(key, expires_at)


def _count_with_lock(key: str, expires_at) -> int:
    """:func:`_count_in_database` where the database cannot add and answer in one
    statement: the UPDATE takes the row's lock until the transaction ends, so no two
    increments read the same count."""
    with transaction.atomic():
        counter, created = RateCounter.objects.get_or_create(
            key=key, defaults={"count": 1, "expires_at": expires_at}
        )
        if created:
            return 1
        RateCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
        return RateCounter.objects.values_list("count", flat=True).get(pk=counter.pk)


def forget_old_counts(now=None) -> int:
    """Delete the counters (and one-time claims) whose window is over; answers how many.
    The daily housekeeping calls it: a request never waits for it."""
    deleted, _by_model = RateCounter.objects.filter(
        expires_at__lt=now or timezone.now()
    ).delete()
    return deleted


def purge_unverified(days: int | None = None) -> int:
    """Erase the personal data of pledges never confirmed within ``days``.

    They used to be deleted; erasing them instead (``services.privacy``) keeps the rows,
    without anything that names a person, so counts of pledges received stay true and the
    agency can still pledge again."""
    return erase_unverified(days)
