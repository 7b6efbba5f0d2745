"""Storing what agencies send: the first pledge, its confirmation, later updates.

submit → (e-mail) verify → reviewers are told; an update link sends a new submission and a
new draft revision. A declined pledge comes back the same way, by its update link or by a
new pledge from the form, and goes back to the review queue (docs/resubmit.md). Every submission is stored as it arrived (``PledgeSubmission``).

A logo is put into media storage before the transaction that stores the pledge; when the
storage cannot take it, the pledge is stored without it and the logo waits in the database
for a worker (:mod:`.logo_storage`): an S3 outage never loses a pledge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from pledge_forms import emails, evidence, localization
from pledge_forms.choices import PracticeStatus, ReviewStatus, SubmissionKind
from pledge_forms.models.checklists import ChecklistItem
from pledge_forms.models.pledges import IDENTITY_FIELDS, Pledge
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.submissions import PledgeSubmission
from pledge_forms.services import logo_storage
from pledge_forms.services.eligibility import evaluate_eligibility
from pledge_forms.services.evidence import names_in_answers, pledge_evidence_names
from pledge_forms.services.identity import (
    add_months,
    hash_client,
    normalise_key,
    unique_slug,
)
from pledge_forms.services.links import (
    admin_link,
    link_mails_left,
    pledge_for_update_token,
    pledge_for_verify_token,
    update_link,
    verify_link,
)
from pledge_forms.services.privacy import consent_record

if TYPE_CHECKING:
    from pledge_forms.models.checklists import Checklist
    from pledge_forms.models.pages import PledgeFormPage

logger = logging.getLogger(__name__)

# Form fields copied onto the pledge as they are.
PLEDGE_FIELDS = (
    "legal_name",
    "agency_type",
    "country",
    "region",
    "city",
    "size_band",
    "website",
    "chief_name",
    "chief_title",
    "chief_email",
    "chief_phone",
    "contact_name",
    "contact_email",
    "contact_phone",
    "committed_all_areas",
    "signatory_name",
    "signatory_title",
    "signed_on",
    "public_statement",
    "consent_listed",
    "consent_show_city",
    "consent_show_website",
    "consent_show_logo",
    "consent_show_statement",
    "consent_show_chief",
    "consent_show_practices",
)


@dataclass
class SubmitResult:
    pledge: Pledge
    submission: PledgeSubmission
    duplicate: bool = False
    logo_pending: bool = False  # kept for a worker: media storage did not take it


def notify_reviewers(pledge: Pledge, *, update: bool = False) -> None:
    """Tell the form page's reviewers that ``pledge`` waits for them; an ``update`` of a
    pledge already confirmed gets its own notice, so it is not mistaken for a new pledge."""
    page = pledge.form_page
    if page is not None:
        emails.send_kind(
            "reviewer_update" if update else "reviewer",
            pledge,
            page.notify_addresses(),
            link=admin_link(pledge),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if hasattr(value, "name") and hasattr(value, "read"):
        return getattr(value, "name", "")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# The statuses that take a target month, and the one that takes evidence.
TARGET_STATUSES = frozenset({PracticeStatus.IN_PROGRESS, PracticeStatus.PLANNED})
EVIDENCE_STATUSES = frozenset({PracticeStatus.IN_PLACE})
_web_address = URLValidator(schemes=["http", "https"])


def _month(value: Any) -> date | None:
    """The first day of the month ``value`` names (a date, or "YYYY-MM[-DD]"), or None."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and value.strip():
        try:
            value = date.fromisoformat(f"{value.strip()[:7]}-01")
        except ValueError:
            return None
    return value.replace(day=1) if isinstance(value, date) else None


def _evidence_link(value: Any) -> str:
    url = str(value or "").strip()
    if not url or len(url) > 500:
        return ""
    try:
        _web_address(url)
    except ValidationError:
        return ""
    return url


def practice_details(
    row: PledgePractice, status: str, data: dict[str, Any], pk: int
) -> None:
    """Set the details of ``row`` that go with ``status``; drop those that do not.

    The one rule for details: a target month (``target_<pk>``) only for a practice in
    progress or planned, an evidence link and file (``evidence_url_<pk>``,
    ``evidence_file_<pk>``) only for a practice in place. A key missing from ``data``
    keeps what the row had (an update that does not send the file again keeps it); a key
    present, even empty, sets it. Only http(s) links and names ``store_evidence`` gives
    are kept."""
    target_key = f"target_{pk}"
    url_key = f"evidence_url_{pk}"
    file_key = f"evidence_file_{pk}"
    if status in TARGET_STATUSES:
        if target_key in data:
            row.target_month = _month(data[target_key])
    else:
        row.target_month = None
    if status in EVIDENCE_STATUSES:
        if url_key in data:
            row.evidence_url = _evidence_link(data[url_key])
        if file_key in data:
            name = data[file_key]
            row.evidence_file = name if evidence.is_evidence_name(name) else ""
    else:
        row.evidence_url = ""
        row.evidence_file = ""


def practice_rows(
    pledge: Pledge, checklist: Checklist | None, data: dict[str, Any]
) -> list[PledgePractice]:
    """The pledge's practice rows as the form answered them, one per checklist item,
    each with the details that fit its status (:func:`practice_details`).

    Rows the pledge (or its draft revision) already has are reused, so a revision keeps
    the ids of the published rows and publishing it updates them in place."""
    if checklist is None:
        return []
    existing = {row.item_id: row for row in pledge.practices.all()}
    valid = set(PracticeStatus.values)
    rows = []
    for item in ChecklistItem.objects.filter(section__checklist=checklist):
        row = existing.get(item.pk) or PledgePractice()
        row.item = item
        status = data.get(f"practice_{item.pk}")
        row.status = status if status in valid else PracticeStatus.NOT_PLANNED
        row.note = (data.get(f"note_{item.pk}") or "").strip()[:500]
        practice_details(row, row.status, data, item.pk)
        rows.append(row)
    return rows


def _apply(pledge: Pledge, page: PledgeFormPage, data: dict[str, Any]) -> None:
    """The answers onto ``pledge``: as the form cleaned them, or as JSON keeps them (a
    sent draft's: the signature's date as text), each made its field's type."""
    for name in PLEDGE_FIELDS:
        if name in data:
            value = data[name]
            if value is None:
                value = None if name == "signed_on" else ""
            else:
                value = Pledge._meta.get_field(name).to_python(value)
            setattr(pledge, name, value)
    pledge.display_name = pledge.display_name or pledge.legal_name
    pledge.practices = practice_rows(pledge, page.checklist, data)
    pledge.eligible = evaluate_eligibility(pledge, page).eligible


@dataclass(frozen=True)
class Arrival:
    """Who sent the answers, and when: the client's hash (never its address) and the
    time they were sent (None: now), which a worker storing them later keeps."""

    client_hash: str = ""
    received_at: datetime | None = None

    @classmethod
    def from_address(cls, client_address: str) -> Arrival:
        return cls(hash_client(client_address))


def jsonable_answers(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as a submission keeps it (dates as ISO text, files by name)."""
    return {key: _jsonable(value) for key, value in data.items()}


def _store_submission(
    page: PledgeFormPage,
    data: dict[str, Any],
    labels: dict[str, str],
    arrival: Arrival,
    kind: str,
    pledge: Pledge | None,
) -> PledgeSubmission:
    # Kept by the default language's form page, whatever language the form was in; the
    # consent is the wording the agency saw.
    submission = PledgeSubmission.objects.create(
        page=page.source_page,
        language=localization.content_language(),
        form_data=jsonable_answers(data),
        labels={key: str(value) for key, value in labels.items()},
        client_hash=arrival.client_hash,
        kind=kind,
        pledge=pledge,
        consent=consent_record(page, labels),
    )
    if arrival.received_at is not None:
        # Stored by a worker: the record keeps when the answers were sent.
        PledgeSubmission.objects.filter(pk=submission.pk).update(
            submit_time=arrival.received_at
        )
        submission.submit_time = arrival.received_at
    return submission


def _tell_recorded_contact(pledge: Pledge) -> None:
    """Someone sent a pledge for an agency that has one: tell its recorded contact.

    The person at the form learns nothing (the view answers as for a new pledge); the mail
    goes to the address stored on the pledge, never to the one typed this time, and at
    most ``PLEDGE_FORMS_LINK_MAILS_PER_DAY`` link e-mails a day go out for one pledge.
    The pledge row is locked first so concurrent repeats count one after the other.
    """
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not link_mails_left(pledge):
        logger.info("Repeat pledge for %s: daily link e-mail limit reached", pledge.pk)
        return
    if pledge.is_verified:
        emails.send_kind(
            "repeat", pledge, [pledge.chief_email], link=update_link(pledge)
        )
    else:
        emails.send_kind(
            "confirmation", pledge, [pledge.chief_email], link=verify_link(pledge)
        )


def _resubmitted(pledge: Pledge, *, via: str) -> None:
    """A declined pledge (or one whose changes were requested) was revised and sent
    again: back to the review queue.

    Awaiting review again, the reviewers told as for an update, "Resubmitted" in the
    history. ``via`` ("update link" or "form") is kept in the log entry. A pledge declined
    before its address was confirmed counts as confirmed now: only the link sent to that
    address, or that very address typed for a confirmed pledge, leads here."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    # Revised as a reviewer asked (docs/review.md): "Revised" in the history; a live
    # member's update waits as every update does, the member still approved.
    revised = pledge.review_status == ReviewStatus.CHANGES_REQUESTED
    waiting = ReviewStatus.APPROVED if revised and pledge.live else None
    pledge.review_status = waiting or ReviewStatus.AWAITING_REVIEW
    pledge.verified_at = pledge.verified_at or timezone.now()
    pledge.decline_reason = ""  # the reason stays in the "Declined" log entry
    pledge.decline_code = ""
    pledge.save(
        update_fields=["review_status", "verified_at", "decline_reason", "decline_code"]
    )
    action = "pledge_forms.revise" if revised else "pledge_forms.resubmit"
    log(pledge, action, data={"via": via})
    notify_reviewers(pledge, update=True)


def _same_address(typed: str, recorded: str) -> bool:
    return bool(typed) and typed.strip().casefold() == recorded.strip().casefold()


def _resubmit_from_form(
    pledge: Pledge,
    page: PledgeFormPage,
    data: dict[str, Any],
    labels: dict[str, str],
    arrival: Arrival,
    stored_logo: str | None,
    logo: ContentFile | None,
) -> tuple[PledgeSubmission, bool]:
    """A new pledge from the form for an agency whose pledge was declined: a revision.

    The answers become a new submission and a new draft revision of the declined pledge
    (never a refusal, never a second pledge). Who may put it back in the review queue
    decides what happens next, so that nobody takes over a declined pledge's contact:

    - the address typed is the confirmed one on record: back to review at once
      (:func:`_resubmitted`), and the contact on record is told, with its update link;
    - another address (or a pledge whose address was never confirmed): the revision
      waits, declined, and the contact **on record** is asked (e-mail kind
      ``resubmit_waiting``): its update link opens the form with these answers, and only
      sending that form puts the pledge back in the queue. The address typed gets
      nothing; the pledge row (its contact included) is not changed.

    Link e-mails count against the daily limit like every repeat (the screen never
    differs)."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    submission, pending = _revise(
        pledge,
        page,
        data,
        labels,
        arrival,
        SubmissionKind.PLEDGE,
        stored_logo=stored_logo,
        logo=logo,
    )
    confirmed = pledge.is_verified and _same_address(
        str(data.get("chief_email") or ""), pledge.chief_email or ""
    )
    if confirmed:
        _resubmitted(pledge, via="form")
        kind = "resubmitted"
    else:
        log(pledge, "pledge_forms.resubmit_waiting")
        kind = "resubmit_waiting"
    pledge.refresh_from_db()
    if link_mails_left(pledge):
        emails.send_kind(kind, pledge, [pledge.chief_email], link=update_link(pledge))
    else:
        logger.info("Resubmission for %s: daily link e-mail limit reached", pledge.pk)
    return submission, pending


def _revise(
    pledge: Pledge,
    page: PledgeFormPage,
    data: dict[str, Any],
    labels: dict[str, str],
    arrival: Arrival,
    kind: str,
    *,
    stored_logo: str | None,
    logo: ContentFile | None,
) -> tuple[PledgeSubmission, bool]:
    """New answers for an existing pledge: a new draft revision and its submission.

    The logo already stored goes into the draft; one that could not be stored is kept
    for the worker to store later (``logo_storage``). Answers whether a logo is pending.
    The agency's identity and key stay as reviewed: only progress and profile change."""
    data = {key: value for key, value in data.items() if key not in IDENTITY_FIELDS}
    draft = pledge.get_latest_revision_as_object()
    replaces = draft.logo.name or ""
    _apply(draft, page, data)
    if stored_logo:
        draft.logo = stored_logo
    draft.save_revision(log_action=True, clean=False)
    submission = _store_submission(page, data, labels, arrival, kind, pledge)
    pending = logo is not None and not stored_logo
    if pending:
        logo_storage.keep(
            pledge, logo, submission=submission, for_update=True, replaces=replaces
        )
    return submission, pending


def submit(
    page: PledgeFormPage,
    data: dict[str, Any],
    labels: dict[str, str] | None = None,
    *,
    client_address: str = "",
    arrival: Arrival | None = None,
    logo: ContentFile | None = None,
) -> SubmitResult:
    """Store what arrived and create the draft pledge, in one transaction.

    When the agency (same normalised name and location) already has a pledge, the
    submission is stored as a repeat, no second pledge is made, and the existing pledge's
    recorded contact is told by e-mail (see ``_tell_recorded_contact``). Safe under
    concurrent identical posts: the database's unique key decides which one creates the
    pledge. ``arrival`` (a sent draft's) stands for ``client_address``.
    """
    labels = labels or {}
    arrival = arrival or Arrival.from_address(client_address)
    key = normalise_key(data["legal_name"], data["country"], data.get("region") or "")
    stored_logo = logo_storage.try_store(logo) if logo is not None else None
    try:
        with transaction.atomic():
            existing = Pledge.objects.filter(normalised_key=key).first()
            if existing is None:
                pledge = Pledge(
                    form_page=page.source_page,
                    language=localization.content_language(),
                    normalised_key=key,
                    live=False,
                )
                _apply(pledge, page, data)
                pledge.slug = unique_slug(
                    pledge.display_name, pledge.region or pledge.country
                )
                pledge.pledged_at = arrival.received_at or timezone.now()
                pledge.deadline = add_months(
                    timezone.localdate(pledge.pledged_at), page.period_months
                )
                if stored_logo:
                    pledge.logo = stored_logo
                existing = _save_new_pledge(pledge, key)
                if existing is None:
                    # Checked already: the answers by the form, the row by the database
                    # a moment ago (its unique keys); not three more queries.
                    pledge.save_revision(log_action=True, clean=False)
                    submission = _store_submission(
                        page,
                        data,
                        labels,
                        arrival,
                        SubmissionKind.PLEDGE,
                        pledge,
                    )
                    pending = logo is not None and not stored_logo
                    if pending:
                        logo_storage.keep(
                            pledge, logo, submission=submission, for_update=False
                        )
                    emails.send_kind(
                        "confirmation",
                        pledge,
                        [pledge.chief_email],
                        link=verify_link(pledge),
                    )
                    return SubmitResult(pledge, submission, logo_pending=pending)
            if existing.review_status == ReviewStatus.DECLINED:
                submission, pending = _resubmit_from_form(
                    existing, page, data, labels, arrival, stored_logo, logo
                )
                return SubmitResult(
                    existing, submission, duplicate=True, logo_pending=pending
                )
            if stored_logo:
                default_storage.delete(stored_logo)
                stored_logo = None
            # The answers of a repeat change nothing: files sent with them are not kept.
            _delete_evidence_on_commit(_new_evidence(data, existing))
            submission = _store_submission(
                page, data, labels, arrival, SubmissionKind.DUPLICATE, existing
            )
            _tell_recorded_contact(existing)
            return SubmitResult(existing, submission, duplicate=True)
    except Exception:
        if stored_logo:
            default_storage.delete(stored_logo)
        _delete_evidence(_new_evidence(data, key=key))
        raise


def _save_new_pledge(pledge: Pledge, key: str) -> Pledge | None:
    """Insert ``pledge`` and its practice rows; the pledge already stored under ``key``
    when another post for the same agency came first (then nothing is inserted).

    The rows go in one statement (``bulk_create``) rather than one INSERT, and one
    reference-index task, per row: the pledge's own save in ``save_revision`` updates
    its references, rows included."""
    rows = list(pledge.practices.all())
    pledge.practices = []
    try:
        with transaction.atomic():
            pledge.save()
    except IntegrityError:
        existing = Pledge.objects.filter(normalised_key=key).first()
        if existing is not None:
            return existing
        # Another agency took the same slug at the same moment.
        pledge.slug = f"{pledge.slug}-{pledge.pledged_at:%H%M%S%f}"[:120]
        with transaction.atomic():
            pledge.save()
    for row in rows:
        row.pledge = pledge
    PledgePractice.objects.bulk_create(rows)
    return None


def _new_evidence(
    data: dict[str, Any], pledge: Pledge | None = None, *, key: str = ""
) -> list[str]:
    """The evidence files of ``data`` that no revision or row of the pledge (``pledge``,
    or the one with the duplicate ``key``) names: those stored for these answers only."""
    names = sorted(names_in_answers(data))
    if not names:
        return []
    try:
        if pledge is None and key:
            pledge = Pledge.objects.filter(normalised_key=key).first()
        kept = pledge_evidence_names(pledge) if pledge is not None else set()
    except Exception:
        # The database cannot say (the error being handled may be its own): keep them.
        logger.warning("Evidence files of failed answers kept: %s", names)
        return []
    return [name for name in names if name not in kept]


def _delete_evidence(names: list[str]) -> None:
    for name in names:
        evidence.delete_evidence(name)


def _delete_evidence_on_commit(names: list[str]) -> None:
    if names:
        transaction.on_commit(lambda: _delete_evidence(names))


def verify(token: str) -> Pledge:
    """Confirm the e-mail address from a signed link; notify reviewers the first time."""
    with transaction.atomic():
        pledge = pledge_for_verify_token(token)
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if pledge.is_verified:
            return pledge
        pledge.verified_at = timezone.now()
        if pledge.review_status == ReviewStatus.UNVERIFIED:
            pledge.review_status = ReviewStatus.AWAITING_REVIEW
        pledge.save(update_fields=["verified_at", "review_status"])
        log(pledge, "pledge_forms.verify")
        notify_reviewers(pledge)
    return pledge


def submit_update(
    token: str,
    data: dict[str, Any],
    labels: dict[str, str] | None = None,
    *,
    client_address: str = "",
    logo: ContentFile | None = None,
) -> SubmitResult:
    """A progress update sent with an update link: :func:`update_pledge` for the pledge
    the link opens (``InvalidLink`` when it opens none)."""
    try:
        pledge = pledge_for_update_token(token)
    except Exception:
        _delete_evidence(_new_evidence(data))  # the files were stored for nothing
        raise
    return update_pledge(
        pledge,
        data,
        labels,
        arrival=Arrival.from_address(client_address),
        logo=logo,
    )


def update_pledge(
    pledge: Pledge,
    data: dict[str, Any],
    labels: dict[str, str] | None = None,
    *,
    arrival: Arrival | None = None,
    logo: ContentFile | None = None,
) -> SubmitResult:
    """A progress update: a new submission and a new draft revision; the live entry stays.

    A new ``logo`` (already checked and re-encoded) goes into the draft revision only: the
    member page keeps the approved logo until a reviewer publishes the update."""
    stored_logo = logo_storage.try_store(logo) if logo is not None else None
    try:
        with transaction.atomic():
            page = pledge.form_page
            submission, pending = _revise(
                pledge,
                page,
                data,
                labels or {},
                arrival or Arrival(),
                SubmissionKind.UPDATE,
                stored_logo=stored_logo,
                logo=logo,
            )
            if pledge.review_status in (
                ReviewStatus.DECLINED,
                ReviewStatus.CHANGES_REQUESTED,
            ):
                # The decline (or changes-requested) e-mail's link: revised and sent
                # again (docs/resubmit.md, docs/review.md).
                _resubmitted(pledge, via="update link")
            else:
                notify_reviewers(pledge, update=True)
    except Exception:
        if stored_logo:
            default_storage.delete(stored_logo)
        _delete_evidence(_new_evidence(data, pledge))
        raise
    pledge.refresh_from_db()
    return SubmitResult(pledge, submission, logo_pending=pending)
