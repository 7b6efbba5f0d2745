"""One-time claims shared by every process: a start token is good for one accepted post."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone

from pledge_forms import conf
from pledge_forms.models.abuse import RateCounter

logger = logging.getLogger(__name__)


def claim_once(key: str, seconds: int) -> bool:
    """Claim ``key`` for ``seconds``; False when an earlier claim still holds it.

    Kept where the rate limit counts (``PLEDGE_FORMS_RATE_CACHE``: an atomic ``add`` in
    Redis; else a database row with a unique key, taken in one statement where the
    database can), so it holds across every worker and app server. A store outage lets
    the claim through (fails open) with a warning.
    """
    alias = conf.get("RATE_CACHE")
    try:
        if alias:
            return caches[alias].add(key, 1, timeout=seconds)
        now = timezone.now()
        if RateCounter.objects.in_one_statement():
            return RateCounter.objects.claim(key, now + timedelta(seconds=seconds), now)
        with transaction.atomic():
            RateCounter.objects.filter(key=key, expires_at__lt=now).delete()
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=key, count=1, expires_at=now + timedelta(seconds=seconds)
                    )
            except IntegrityError:
                return False
        return True
    except Exception as exc:  # store outage: never an error page
        logger.warning("Claim store unavailable, letting it through: %s", exc)
        return True


def release_claim(key: str) -> None:
    """Give back a claim of :func:`claim_once` (what it guarded did not happen)."""
    alias = conf.get("RATE_CACHE")
    try:
        if alias:
            caches[alias].delete(key)
        else:
            RateCounter.objects.filter(key=key).delete()
    except Exception as exc:  # store outage
        logger.warning("Claim store unavailable: %s", exc)
