"""Reviewers' decisions on a pledge: approve (publish), decline, mark completed, and what
Wagtail's own Publish and Unpublish mean for a pledge.

Each decision happens here and nowhere else, whichever button leads to it.

**Publishing is approving.** The review action "Approve and publish" (:func:`approve`),
the edit form's Publish (also in its action menu, and when a pledge is created in the
admin), publishing a reverted revision and scheduled publishing at the go-live time
(``manage.py publish_scheduled``) all end in Wagtail's ``PublishRevisionAction``, the one
place that sends ``wagtail.signals.published`` for a snippet. Admin hooks
(``before_publish``/``after_publish``) run only in the edit view and not for scheduled
publishing, so the signal is the hook point: :mod:`pledge_forms.signals` hands it to
:func:`approve_published`. Either way :func:`_record_approval` runs once per publication:
review state approved, the approval e-mail, the private update link, and "Approved"
(``pledge_forms.approve``) in the history. When this module publishes a revision itself
(:func:`approve`, :func:`mark_completed`) it marks the pledge as being handled, so the
signal does not run the approval a second time. A revision scheduled for later is
approved when it goes live, not when it is scheduled.

**No path publishes an unconfirmed pledge**: :func:`approve` refuses with
:class:`ReviewError`, the admin's ``before_publish`` hook refuses the edit form's Publish
with a message (the edits stay as a draft), and ``Pledge.publish`` refuses whatever else
tries (code, a scheduled revision).

**Declining** (:func:`decline`) needs a reason, chosen from the editable reason codes
(``DeclineReason``), written by the reviewer, or both; the agency is told the reason's
text and the reviewer's words with a private link to revise and send the pledge again
(docs/resubmit.md); the pledge keeps the reason's code; a live entry leaves the showcase
and a scheduled publication is cancelled.

**Requesting changes** (:func:`request_changes`) sends the agency the reviewer's comments
(required) and its private update link; the pledge is "Changes requested" until the
agency sends the revision through that link, which puts it back where a revision waits
for the reviewers (``submission._resubmitted``). It needs something waiting for a
review: a confirmed pledge awaiting review, or a member's pending update. A live member
stays live (the request concerns its pending update, not the published entry) and
keeps its reminders and deadline; a scheduled publication is cancelled.

**Wagtail's Unpublish is not declining.** Unpublishing a live member (the admin's
Unpublish, or its expiry time passing) takes it out of the showcase and puts it back to
"awaiting review"; :func:`withdraw_unpublished` writes "Withdrawn from the showcase"
(``pledge_forms.withdraw``) in its history. The agency is not told and its update link
keeps working; publishing it again is approving it again.

**No moderation workflow.** Wagtail's workflow ("Pledge review") was a second path: its
approval was only a publish, and its rejection neither declined the pledge nor told the
agency, and carried no required reason. Migration 0010 removed it; reviewers decide with
the review actions or Publish, which all lead here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Revision

from pledge_forms import emails
from pledge_forms.choices import ReviewStatus, Stage
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.review import DeclineReason
from pledge_forms.services.eligibility import (
    all_in_place,
    can_complete,
    practice_ids_by_form_page,
    practices_not_in_place,
)
from pledge_forms.services.links import member_link, send_update_link, update_link
from pledge_forms.services.progress import record_changes

# Pledges this module is publishing or unpublishing right now (in this thread or task):
# Wagtail's signals for them are this module's own doing and are not handled again.
_handling: ContextVar[frozenset[int]] = ContextVar(
    "pledge_forms_review_handling", default=frozenset()
)


class ReviewError(Exception):
    """A review action that the pledge's state does not allow."""


@contextmanager
def _handled_here(pledge: Pledge) -> Iterator[None]:
    token = _handling.set(_handling.get() | {pledge.pk})
    try:
        yield
    finally:
        _handling.reset(token)


def _locked(pledge: Pledge) -> Pledge:
    return Pledge.objects.select_for_update().get(pk=pledge.pk)


def _record_approval(pledge: Pledge, revision: Revision, user=None) -> Pledge:
    """What follows a publication, once: approved, the agency told, the history written.

    ``user`` None: the user of Wagtail's active log context (the admin request), or
    nobody (scheduled publishing)."""
    Pledge.objects.filter(pk=pledge.pk).update(
        review_status=ReviewStatus.APPROVED,
        approved_at=pledge.approved_at or timezone.now(),
        decline_reason="",
        decline_code="",
    )
    pledge.refresh_from_db()
    record_changes(pledge, revision)  # dates each practice change (services.progress)
    log(pledge, "pledge_forms.approve", user=user, revision=revision)
    emails.send_kind("approved", pledge, [pledge.chief_email], link=member_link(pledge))
    send_update_link(pledge)
    return pledge


def approve(pledge: Pledge, user=None) -> Pledge:
    """Publish the latest revision (it appears in the showcase) and tell the agency."""
    with transaction.atomic():
        pledge = _locked(pledge)
        if not pledge.is_verified:
            raise ReviewError(_("An unconfirmed pledge cannot be approved."))
        revision = pledge.latest_revision or pledge.save_revision(user=user)
        with _handled_here(pledge):
            revision.publish(user=user)
        pledge.refresh_from_db()
        if pledge.live_revision_id != revision.pk:
            return pledge  # scheduled: approved when it goes live
        return _record_approval(pledge, revision, user=user)


def approve_published(pledge: Pledge, revision: Revision) -> Pledge | None:
    """Wagtail has published ``revision`` of ``pledge`` (any button, or the go-live time):
    approve it as :func:`approve` does. Nothing when this module is publishing it itself
    or when the revision is only scheduled."""
    if pledge.pk in _handling.get():
        return None
    if not pledge.live or pledge.live_revision_id != revision.pk:
        return None
    with transaction.atomic():
        return _record_approval(_locked(pledge), revision)


def withdraw_unpublished(pledge: Pledge) -> Pledge | None:
    """Wagtail has unpublished ``pledge`` (its Unpublish, or its expiry time): it has left
    the showcase. Not a decline: back to awaiting review, written in the history, the
    agency is not told. Nothing when :func:`decline` is unpublishing it."""
    if pledge.pk in _handling.get():
        return None
    with transaction.atomic():
        pledge = _locked(pledge)
        if pledge.review_status == ReviewStatus.APPROVED:
            Pledge.objects.filter(pk=pledge.pk).update(
                review_status=ReviewStatus.AWAITING_REVIEW
            )
            pledge.review_status = ReviewStatus.AWAITING_REVIEW
        log(pledge, "pledge_forms.withdraw")
    return pledge


def decline_text(reason: str, code: DeclineReason | None) -> str:
    """What the agency is told: the chosen reason's text, then the reviewer's words."""
    parts = [code.text.strip() if code else "", (reason or "").strip()]
    return "\n\n".join(part for part in parts if part)


def decline(
    pledge: Pledge, reason: str = "", user=None, *, code: DeclineReason | None = None
) -> Pledge:
    """Decline with a reason the agency is told (a reason code, free text or both); a
    live entry leaves the showcase."""
    reason = (reason or "").strip()
    if not reason and code is None:
        raise ReviewError(_("Give the reason for declining."))
    with transaction.atomic():
        pledge = _locked(pledge)
        pledge.review_status = ReviewStatus.DECLINED
        pledge.decline_reason = reason
        pledge.decline_code = code.code if code else ""
        pledge.declined_at = timezone.now()
        pledge.save(
            update_fields=[
                "review_status",
                "decline_reason",
                "decline_code",
                "declined_at",
            ]
        )
        # A publication scheduled earlier must not approve it later.
        pledge.revisions.update(approved_go_live_at=None)
        if pledge.live:
            with _handled_here(pledge):
                pledge.unpublish(user=user)
        data = {"reason": reason}
        if code is not None:
            data.update(code=code.code, code_label=code.label)
        log(pledge, "pledge_forms.decline", user=user, data=data)
        # Links sent before stop here; the one in this e-mail is the way back
        # (revise and send again, :func:`~.submission.submit_update`).
        Pledge.objects.filter(pk=pledge.pk).update(
            update_link_version=F("update_link_version") + 1
        )
        pledge.refresh_from_db(fields=["update_link_version"])
        emails.send_kind(
            "declined",
            pledge,
            [pledge.chief_email],
            link=update_link(pledge),
            reason=decline_text(reason, code),
        )
    return pledge


def changes_refused(pledge: Pledge) -> str | None:
    """Why changes cannot be requested for ``pledge`` now, or None when they can: a
    confirmed pledge awaiting review, or a member with an update waiting."""
    if not pledge.is_verified:
        return _("The pledge is not confirmed yet.")
    if pledge.review_status == ReviewStatus.AWAITING_REVIEW:
        return None
    if pledge.review_status == ReviewStatus.APPROVED and pledge.has_unpublished_changes:
        return None
    if pledge.review_status == ReviewStatus.CHANGES_REQUESTED:
        return _("Changes are requested already; the agency has not revised it yet.")
    return _("Nothing of this pledge is waiting for a review.")


def can_request_changes(pledge: Pledge) -> bool:
    return changes_refused(pledge) is None


def request_changes(pledge: Pledge, comments: str, user=None) -> Pledge:
    """Ask the agency to revise the pledge: the reviewer's comments and the update link
    by e-mail, "Changes requested" until the revision arrives. A live member stays live."""
    comments = (comments or "").strip()
    if not comments:
        raise ReviewError(_("Write what the agency should change."))
    with transaction.atomic():
        pledge = _locked(pledge)
        refusal = changes_refused(pledge)
        if refusal:
            raise ReviewError(refusal)
        pledge.review_status = ReviewStatus.CHANGES_REQUESTED
        pledge.save(update_fields=["review_status"])
        # The update under review must not go live at a time set before the request.
        pledge.revisions.exclude(pk=pledge.live_revision_id).update(
            approved_go_live_at=None
        )
        log(
            pledge,
            "pledge_forms.request_changes",
            user=user,
            revision=pledge.latest_revision,
            data={"comments": comments},
        )
        emails.send_kind(
            "changes_requested",
            pledge,
            [pledge.chief_email],
            link=update_link(pledge),
            comments=comments,
        )
    return pledge


def completion_refused(pledge: Pledge) -> str | None:
    """Why ``pledge`` cannot be marked completed now, or None when it can: an approved
    member, not completed yet, whose latest revision passes the completion rule
    (:func:`~pledge_forms.services.eligibility.can_complete`)."""
    if pledge.review_status == ReviewStatus.CHANGES_REQUESTED:
        return _("Changes are requested from this member; approve its revision first.")
    if pledge.review_status != ReviewStatus.APPROVED:
        return _("Only an approved member can be marked as completed.")
    draft = pledge.get_latest_revision_as_object()
    if draft.stage == Stage.COMPLETED:
        return _("This member is completed already.")
    if not can_complete(draft):
        return _("Not every practice is in place yet: %(codes)s") % {
            "codes": ", ".join(practices_not_in_place(draft))
        }
    return None


def can_mark_completed(pledge: Pledge) -> bool:
    """Whether "Mark as completed" is allowed (see :func:`completion_refused`)."""
    return completion_refused(pledge) is None


def completable(pledges: Iterable[Pledge]) -> set[int]:
    """The ids of ``pledges`` that may be marked completed (:func:`can_mark_completed` of
    each), in at most five queries whatever their number: for the rows of a listing.

    What :func:`completion_refused` reads of each approved pledge's latest revision as an
    object (the stage, the form page and the practice rows), read here for all of them at
    once: the stored revision while an update waits, else the pledge itself and its rows.
    A revision's row for a practice deleted since counts for nothing, as the checklist no
    longer has the practice."""
    approved = [p for p in pledges if p.review_status == ReviewStatus.APPROVED]
    waiting = {
        p.latest_revision_id
        for p in approved
        if p.has_unpublished_changes and p.latest_revision_id
    }
    contents = dict(
        Revision.objects.filter(pk__in=waiting).values_list("pk", "content")
        if waiting
        else ()
    )
    stage_field = Pledge._meta.get_field("stage")
    page_field = Pledge._meta.get_field("form_page")
    item_field = PledgePractice._meta.get_field("item")
    drafts = {}  # pk: (stage, form page id, statuses by practice id)
    own_rows = []
    for pledge in approved:
        content = contents.get(pledge.latest_revision_id)
        if not pledge.has_unpublished_changes or content is None:
            drafts[pledge.pk] = (pledge.stage, pledge.form_page_id, {})
            own_rows.append(pledge.pk)
            continue
        statuses = {
            item_field.to_python(row.get("item")): row.get("status")
            for row in content.get("practices", [])
        }
        drafts[pledge.pk] = (
            content.get("stage", stage_field.get_default()),
            page_field.to_python(content.get("form_page")),
            statuses,
        )
        if "practices" not in content:  # an old revision: the pledge's own rows
            own_rows.append(pledge.pk)
    if own_rows:
        for pledge_id, item_id, status in PledgePractice.objects.filter(
            pledge__in=own_rows
        ).values_list("pledge_id", "item_id", "status"):
            drafts[pledge_id][2][item_id] = status
    items = practice_ids_by_form_page(page for _, page, _ in drafts.values())
    return {
        pk
        for pk, (stage, page, statuses) in drafts.items()
        if stage != Stage.COMPLETED and all_in_place(items[page], statuses)
    }


def mark_completed(pledge: Pledge, user=None) -> Pledge:
    """All practices in place, confirmed by a reviewer: the member becomes completed."""
    with transaction.atomic():
        pledge = _locked(pledge)
        refusal = completion_refused(pledge)
        if refusal:
            raise ReviewError(refusal)
        draft = pledge.get_latest_revision_as_object()
        draft.stage = Stage.COMPLETED
        draft.completed_at = timezone.now()
        revision = draft.save_revision(user=user, clean=False)
        with _handled_here(pledge):
            revision.publish(user=user)
        pledge.refresh_from_db()
        record_changes(pledge, revision)  # its last practices in place, dated
        log(pledge, "pledge_forms.complete", user=user)
    return pledge
