"""The reviewers' queue on the admin dashboard: confirmed pledges waiting for a review.

"Waiting for review" is the plugin's own state ``ReviewStatus.AWAITING_REVIEW``: the agency
confirmed its address (``services.verify`` moves it there) and no reviewer has approved or
declined it yet. The wait is counted from the confirmation, since nothing can be reviewed
before it; a pledge put in that state by hand without a confirmation date counts from
when it was pledged.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from pledge_forms import conf
from pledge_forms.admin.views import REVIEW_PERMISSION
from pledge_forms.choices import ReviewStatus
from pledge_forms.models.pledges import Pledge


@dataclass(frozen=True)
class QueueRow:
    pledge: Pledge
    waiting_since: datetime
    days_waiting: int
    overdue: bool
    edit_url: str


def awaiting_review():
    """Every pledge waiting for a review, the longest waiting first."""
    return (
        Pledge.objects.filter(review_status=ReviewStatus.AWAITING_REVIEW)
        .annotate(waiting_since=Coalesce(F("verified_at"), F("pledged_at")))
        .order_by("waiting_since", "pk")
    )


def queue_rows(limit: int, now: datetime | None = None) -> list[QueueRow]:
    """The first ``limit`` pledges of the queue, each with its wait in whole days and
    whether that is past ``PLEDGE_FORMS_REVIEW_OVERDUE_DAYS``: one query."""
    now = now or timezone.now()
    overdue_days = int(conf.get("REVIEW_OVERDUE_DAYS"))
    rows = []
    pledges = awaiting_review().only(
        "pk", "display_name", "legal_name", "country", "verified_at", "pledged_at"
    )
    for pledge in pledges[:limit]:
        days = max((now - pledge.waiting_since).days, 0)
        rows.append(
            QueueRow(
                pledge=pledge,
                waiting_since=pledge.waiting_since,
                days_waiting=days,
                overdue=days > overdue_days,
                edit_url=reverse(
                    "wagtailsnippets_pledge_forms_pledge:edit", args=[pledge.pk]
                ),
            )
        )
    return rows


class ReviewQueuePanel(Component):
    """The dashboard panel: shown only to those who may review (``review_pledge``), as
    only they can act on it; two queries (the rows and the count) however long the
    queue."""

    name = "pledge_review_queue"
    template_name = "pledge_forms/admin/review_queue_panel.html"
    # Before Wagtail's own panels (workflow 100, locked pages 300): it is the
    # reviewers' work list.
    order = 50

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        limit = max(int(conf.get("REVIEW_QUEUE_ROWS")), 1)
        rows = queue_rows(limit)
        total = awaiting_review().count()
        listing = reverse("wagtailsnippets_pledge_forms_pledge:list")
        context.update(
            {
                "rows": rows,
                "total": total,
                "more": total - len(rows),
                "overdue_days": int(conf.get("REVIEW_OVERDUE_DAYS")),
                "listing_url": f"{listing}?"
                + urlencode({"review_status": ReviewStatus.AWAITING_REVIEW}),
            }
        )
        return context


def review_queue_panel(request, panels):
    """``construct_homepage_panels``: the queue, for reviewers only."""
    if request.user.has_perm(REVIEW_PERMISSION):
        panels.append(ReviewQueuePanel())
