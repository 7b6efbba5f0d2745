"""Storing a pledge's logo without letting a media-storage outage lose the pledge.

The request tries media storage once, before the pledge's transaction (so no database lock
waits on S3). When the storage fails (refused, timed out, any error), the pledge and its
submission are stored without the logo and the logo's bytes are kept in the database
(``PendingLogo``) for a worker to store later (``pledge_forms.tasks.store_pending_logo``).

After a connection failure or a timeout, this process does not try media storage again for
``PLEDGE_FORMS_LOGO_STORAGE_BACKOFF_SECONDS``: while S3 hangs, only the first logo waits
for botocore's timeouts, the others are kept at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.utils import timezone

from pledge_forms import conf, tasks
from pledge_forms.models.logos import PendingLogo
from pledge_forms.models.pledges import Pledge

if TYPE_CHECKING:
    from pledge_forms.models.submissions import PledgeSubmission

try:  # botocore is there when media storage is S3 (django-storages[s3]).
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError as BotoHTTPClientError

    OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
        TimeoutError,
        ConnectionError,
        BotoConnectionError,
        BotoHTTPClientError,
    )
except ImportError:  # pragma: no cover - a site without S3
    OUTAGE_ERRORS = (TimeoutError, ConnectionError)

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# Storage (by what identifies it) -> time.monotonic() until which it is left alone.
_down_until: dict[tuple, float] = {}


def _storage_key() -> tuple:
    storage = Pledge._meta.get_field("logo").storage
    return (
        storage.__class__.__qualname__,
        str(getattr(storage, "endpoint_url", "") or ""),
        str(getattr(storage, "bucket_name", "") or ""),
        str(getattr(storage, "location", "") or ""),
    )


def storage_backing_off() -> bool:
    """Whether this process leaves media storage alone after a recent outage."""
    with _lock:
        return _down_until.get(_storage_key(), 0.0) > time.monotonic()


def reset_backoff() -> None:
    """Forget recent outages (media storage is back, or a test starts afresh)."""
    with _lock:
        _down_until.clear()


def try_store(logo: ContentFile) -> str | None:
    """Store ``logo`` in media storage; its stored name, or None when the storage could
    not take it (the caller keeps it with :func:`keep`)."""
    if storage_backing_off():
        return None
    try:
        return tasks.save_logo_file(logo.name, logo)
    except Exception as exc:  # any storage failure: the pledge is stored without it
        if isinstance(exc, OUTAGE_ERRORS):
            with _lock:
                _down_until[_storage_key()] = time.monotonic() + conf.get(
                    "LOGO_STORAGE_BACKOFF_SECONDS"
                )
        logger.warning(
            "Media storage did not take a pledge logo, keeping it for later: %s: %s",
            type(exc).__name__,
            exc,
        )
        return None


def keep(
    pledge: Pledge,
    logo: ContentFile,
    *,
    submission: PledgeSubmission | None,
    for_update: bool,
    replaces: str = "",
) -> PendingLogo:
    """Keep a logo media storage did not take, and have a worker store it later (once
    the current transaction commits)."""
    logo.seek(0)
    pending = PendingLogo.objects.create(
        pledge=pledge,
        submission=submission,
        for_update=for_update,
        name=logo.name,
        content=logo.read(),
        replaces=replaces or "",
        next_attempt_at=timezone.now() + tasks.logo_retry_delay(0),
    )
    tasks.enqueue_logo_on_commit(pending.pk, run_after=pending.next_attempt_at)
    return pending
