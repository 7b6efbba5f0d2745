"""What the plugin still owes: e-mails not delivered, logos not yet in media storage,
pledges sent but not yet stored by a worker.

A site's health or monitoring view reads these numbers through :func:`outstanding` rather
than through the plugin's models, so it depends on this function only.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Min, Q
from django.utils import timezone

from pledge_forms.choices import MailStatus
from pledge_forms.models.drafts import PledgeDraft
from pledge_forms.models.logos import PendingLogo
from pledge_forms.models.submissions import OutgoingMail


def _age(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max(int((now - since).total_seconds()), 0)


def outstanding() -> dict[str, int | None]:
    """Counts of undelivered work, in three queries: e-mails failed for good (staff
    resend them from the inbox), e-mails still waiting for an attempt and the age in
    seconds of the oldest, logos waiting for media storage and the age of the oldest,
    pledges sent and not stored yet (``pledge_forms.sending``) and the age of the
    oldest."""
    now = timezone.now()
    mails = OutgoingMail.objects.aggregate(
        failed=Count("pk", filter=Q(status=MailStatus.FAILED)),
        waiting=Count(
            "pk", filter=Q(status__in=[MailStatus.PENDING, MailStatus.SENDING])
        ),
        oldest=Min(
            "created_at",
            filter=Q(status__in=[MailStatus.PENDING, MailStatus.SENDING]),
        ),
    )
    logos = PendingLogo.objects.aggregate(waiting=Count("pk"), oldest=Min("created_at"))
    pledges = PledgeDraft.objects.filter(sent_at__isnull=False).aggregate(
        waiting=Count("pk"), oldest=Min("sent_at")
    )
    return {
        "failed_mails": mails["failed"],
        "waiting_mails": mails["waiting"],
        "oldest_waiting_mail_seconds": _age(mails["oldest"], now),
        "pending_logos": logos["waiting"],
        "oldest_pending_logo_seconds": _age(logos["oldest"], now),
        "waiting_pledges": pledges["waiting"],
        "oldest_waiting_pledge_seconds": _age(pledges["oldest"], now),
    }
