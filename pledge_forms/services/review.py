"""Reviewers' decisions on a pledge: approve (publish), decline, mark completed.

Each decision happens here and nowhere else, whichever button leads to it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from pledge_forms import emails
from pledge_forms.choices import ReviewStatus, Stage
from pledge_forms.models.pledges import Pledge
from pledge_forms.services.eligibility import checklist_codes, practices_not_in_place
from pledge_forms.services.links import member_link, send_update_link


class ReviewError(Exception):
    """A review action that the pledge's state does not allow."""


def approve(pledge: Pledge, user=None) -> Pledge:
    """Publish the latest revision (it appears in the showcase) and tell the agency."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if not pledge.is_verified:
            raise ReviewError(_("An unconfirmed pledge cannot be approved."))
        if pledge.review_status == ReviewStatus.DECLINED:
            pledge.decline_reason = ""
        revision = pledge.latest_revision or pledge.save_revision(user=user)
        now = timezone.now()
        Pledge.objects.filter(pk=pledge.pk).update(
            review_status=ReviewStatus.APPROVED,
            approved_at=pledge.approved_at or now,
            decline_reason=pledge.decline_reason,
        )
        pledge.review_status = ReviewStatus.APPROVED
        revision.publish(user=user)
        pledge.refresh_from_db()
        log(pledge, "pledge_forms.approve", user=user)
        emails.send_kind(
            "approved",
            pledge,
            [pledge.chief_email],
            link=member_link(pledge),
        )
        send_update_link(pledge)
    return pledge


def decline(pledge: Pledge, reason: str, user=None) -> Pledge:
    """Decline with a reason the agency is told; a live entry leaves the showcase."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Give the reason for declining."))
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        pledge.review_status = ReviewStatus.DECLINED
        pledge.decline_reason = reason
        pledge.declined_at = timezone.now()
        pledge.save(update_fields=["review_status", "decline_reason", "declined_at"])
        if pledge.live:
            pledge.unpublish(user=user)
        log(pledge, "pledge_forms.decline", user=user, data={"reason": reason})
        emails.send_kind("declined", pledge, [pledge.chief_email], reason=reason)
    return pledge


def mark_completed(pledge: Pledge, user=None) -> Pledge:
    """All practices in place, confirmed by a reviewer: the member becomes completed."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if not pledge.is_verified or pledge.review_status == ReviewStatus.DECLINED:
            raise ReviewError(_("Only a confirmed, accepted pledge can be completed."))
        draft = pledge.get_latest_revision_as_object()
        codes = checklist_codes(draft)
        missing = practices_not_in_place(draft, codes)
        if not codes or missing:
            raise ReviewError(
                _("Not every practice is in place yet: %(codes)s")
                % {"codes": ", ".join(missing)}
            )
        draft.stage = Stage.COMPLETED
        draft.completed_at = timezone.now()
        revision = draft.save_revision(user=user, clean=False)
        Pledge.objects.filter(pk=pledge.pk).update(
            review_status=ReviewStatus.APPROVED,
            approved_at=pledge.approved_at or timezone.now(),
        )
        revision.publish(user=user)
        pledge.refresh_from_db()
        log(pledge, "pledge_forms.complete", user=user)
    return pledge
