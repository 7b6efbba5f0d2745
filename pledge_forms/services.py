"""Business rules of the pledge flow, as plain functions (no HTTP).

submit → (e-mail) verify → reviewers see eligibility → approve (publish) or decline;
later: update links (new submission + draft revision), mark completed.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pledge_forms import conf, emails
from pledge_forms.choices import (
    EligibilityRule,
    PracticeStatus,
    ReviewStatus,
    Stage,
    SubmissionKind,
)
from pledge_forms.models import (
    Checklist,
    ChecklistItem,
    Pledge,
    PledgeFormPage,
    PledgeSubmission,
)
from pledge_forms.models.pledges import slug_is_reserved

logger = logging.getLogger(__name__)

VERIFY_SALT = "pledge_forms.verify"
UPDATE_SALT = "pledge_forms.update"

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


class InvalidLink(Exception):
    """A confirmation or update link that is forged, expired, revoked or unknown."""


class ReviewError(Exception):
    """A review action that the pledge's state does not allow."""


@dataclass
class SubmitResult:
    pledge: Pledge
    submission: PledgeSubmission
    duplicate: bool = False


@dataclass
class AreaResult:
    slug: str
    title: str
    counted: int
    required: int
    total: int

    @property
    def ok(self) -> bool:
        return self.counted >= self.required


@dataclass
class Eligibility:
    eligible: bool
    committed: bool
    commitment_required: bool
    areas: list[AreaResult] = field(default_factory=list)


# --- Identity ------------------------------------------------------------------------------

_NOISE = re.compile(r"[^a-z0-9]+")


def normalise_key(name: str, country: str, region: str = "") -> str:
    """Name + country + state/province, folded so that spelling variants collide.

    Case, accents, punctuation, spacing and a leading "the" do not make a new agency.
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NOISE.sub(" ", folded.casefold()).split()
    if words and words[0] == "the":
        words = words[1:]
    replacements = {"dept": "department", "pd": "police department", "co": "county"}
    words = [replacements.get(word, word) for word in words]
    return f"{' '.join(words)}|{country.upper()}|{region.upper()}"[:600]


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def hash_client(address: str) -> str:
    """A salted hash of the client address; the address itself is never stored."""
    if not address:
        return ""
    return hashlib.sha256(f"{conf.client_hash_salt()}:{address}".encode()).hexdigest()


def _unique_slug(base: str, extra: str, exclude_pk: int | None = None) -> str:
    base = slugify(base)[:100] or "agency"
    candidates = [base]
    if extra:
        candidates.append(f"{base}-{slugify(extra)}"[:110])
    taken = set(
        Pledge.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    for candidate in candidates:
        if candidate not in taken and not slug_is_reserved(candidate):
            return candidate
    number = 2
    while f"{candidates[-1]}-{number}" in taken:
        number += 1
    return f"{candidates[-1]}-{number}"


# --- Submissions ---------------------------------------------------------------------------


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


def practice_statuses(checklist: Checklist | None, data: dict[str, Any]) -> dict:
    if checklist is None:
        return {}
    items = ChecklistItem.objects.filter(section__checklist=checklist)
    statuses = {}
    for item in items:
        status = data.get(f"practice_{item.pk}") or PracticeStatus.NOT_PLANNED
        statuses[item.code] = {
            "status": status,
            "note": (data.get(f"note_{item.pk}") or "").strip(),
        }
    return statuses


def _apply(pledge: Pledge, page: PledgeFormPage, data: dict[str, Any]) -> None:
    for name in PLEDGE_FIELDS:
        if name in data:
            value = data[name]
            setattr(
                pledge, name, "" if value is None and name != "signed_on" else value
            )
    pledge.display_name = pledge.display_name or pledge.legal_name
    pledge.practice_statuses = practice_statuses(page.checklist, data)
    pledge.eligible = evaluate_eligibility(pledge, page).eligible


def _store_submission(
    page: PledgeFormPage,
    data: dict[str, Any],
    labels: dict[str, str],
    client_address: str,
    kind: str,
    pledge: Pledge | None,
) -> PledgeSubmission:
    return PledgeSubmission.objects.create(
        page=page,
        form_data={key: _jsonable(value) for key, value in data.items()},
        labels={key: str(value) for key, value in labels.items()},
        client_hash=hash_client(client_address),
        kind=kind,
        pledge=pledge,
    )


def submit(
    page: PledgeFormPage,
    data: dict[str, Any],
    labels: dict[str, str] | None = None,
    *,
    client_address: str = "",
    logo: ContentFile | None = None,
) -> SubmitResult:
    """Store what arrived and create the draft pledge, in one transaction.

    When the agency (same normalised name and location) already has a pledge, the
    submission is stored as a repeat, no second pledge is made, and the verified contact
    of the existing pledge is sent an update link. Safe under concurrent identical posts:
    the database's unique key decides which one creates the pledge.
    """
    labels = labels or {}
    key = normalise_key(data["legal_name"], data["country"], data.get("region") or "")
    stored_logo = None
    try:
        with transaction.atomic():
            existing = Pledge.objects.filter(normalised_key=key).first()
            if existing is None:
                pledge = Pledge(form_page=page, normalised_key=key, live=False)
                _apply(pledge, page, data)
                pledge.slug = _unique_slug(
                    pledge.display_name, pledge.region or pledge.country
                )
                pledge.pledged_at = timezone.now()
                pledge.deadline = add_months(timezone.localdate(), page.period_months)
                if logo is not None:
                    pledge.logo.save(logo.name, logo, save=False)
                    stored_logo = pledge.logo.name
                try:
                    with transaction.atomic():
                        pledge.save()
                except IntegrityError:
                    existing = Pledge.objects.filter(normalised_key=key).first()
                    if existing is None:
                        # Another agency took the same slug at the same moment.
                        pledge.slug = f"{pledge.slug}-{pledge.pledged_at:%H%M%S%f}"[
                            :120
                        ]
                        with transaction.atomic():
                            pledge.save()
                if existing is None:
                    pledge.save_revision(log_action=True)
                    submission = _store_submission(
                        page,
                        data,
                        labels,
                        client_address,
                        SubmissionKind.PLEDGE,
                        pledge,
                    )
                    emails.send_kind(
                        "confirmation",
                        pledge,
                        [pledge.chief_email],
                        link=verify_link(pledge),
                    )
                    return SubmitResult(pledge, submission)
                if stored_logo:
                    pledge.logo.delete(save=False)
                    stored_logo = None
            submission = _store_submission(
                page, data, labels, client_address, SubmissionKind.DUPLICATE, existing
            )
            if existing.is_verified:
                send_update_link(existing)
            return SubmitResult(existing, submission, duplicate=True)
    except Exception:
        if stored_logo:
            default_storage.delete(stored_logo)
        raise


# --- Links ---------------------------------------------------------------------------------


def page_link(page: PledgeFormPage | None, route: str) -> str:
    if page is None:
        return conf.base_url() + "/" + route
    try:
        url = page.get_url() or page.url_path
    except Exception:  # Wagtail keeps site root paths in the cache; it may be down
        logger.warning("Page URL unavailable, using its path under the site root")
        url = "/" + page.url_path.strip("/").partition("/")[2] + "/"
    if url.startswith("/"):
        url = conf.base_url() + url
    return url.rstrip("/") + "/" + route


def _encode(signed: str) -> str:
    # Page routes only accept letters, digits, "-" and "_" in a path segment.
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _decode(token: str) -> str:
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise InvalidLink(_("This link is not valid or has expired.")) from exc


def make_verify_token(pledge: Pledge) -> str:
    return _encode(signing.dumps({"p": pledge.pk}, salt=VERIFY_SALT))


def verify_link(pledge: Pledge) -> str:
    return page_link(pledge.form_page, f"verify/{make_verify_token(pledge)}/")


def make_update_token(pledge: Pledge) -> str:
    return _encode(
        signing.dumps(
            {"p": pledge.pk, "v": pledge.update_link_version}, salt=UPDATE_SALT
        )
    )


def update_link(pledge: Pledge) -> str:
    return page_link(pledge.form_page, f"update/{make_update_token(pledge)}/")


def _load(token: str, salt: str, days: int) -> dict:
    try:
        payload = signing.loads(_decode(token), salt=salt, max_age=days * 86400)
    except signing.BadSignature as exc:
        raise InvalidLink(_("This link is not valid or has expired.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
        raise InvalidLink(_("This link is not valid or has expired."))
    return payload


def pledge_for_verify_token(token: str) -> Pledge:
    payload = _load(token, VERIFY_SALT, conf.get("VERIFY_MAX_AGE_DAYS"))
    pledge = Pledge.objects.filter(pk=payload["p"]).first()
    if pledge is None:
        raise InvalidLink(_("This link is not valid or has expired."))
    return pledge


def pledge_for_update_token(token: str) -> Pledge:
    payload = _load(token, UPDATE_SALT, conf.get("UPDATE_MAX_AGE_DAYS"))
    pledge = Pledge.objects.filter(pk=payload["p"]).first()
    if (
        pledge is None
        or payload.get("v") != pledge.update_link_version
        or not pledge.is_verified
        or pledge.review_status == ReviewStatus.DECLINED
    ):
        raise InvalidLink(_("This link is not valid or has expired."))
    return pledge


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
        _log(pledge, "pledge_forms.verify")
        page = pledge.form_page
        if page is not None:
            emails.send_kind(
                "reviewer",
                pledge,
                page.notify_addresses(),
                link=conf.base_url() + pledge.get_admin_url(),
            )
    return pledge


def send_update_link(pledge: Pledge) -> None:
    emails.send_kind("update", pledge, [pledge.chief_email], link=update_link(pledge))


def revoke_update_links(pledge: Pledge, user=None) -> None:
    """Every update link sent so far stops working."""
    from wagtail.log_actions import log

    Pledge.objects.filter(pk=pledge.pk).update(
        update_link_version=pledge.update_link_version + 1
    )
    pledge.update_link_version += 1
    log(pledge, "pledge_forms.revoke_update_links", user=user)


def submit_update(
    token: str,
    data: dict[str, Any],
    labels: dict[str, str] | None = None,
    *,
    client_address: str = "",
    logo: ContentFile | None = None,
) -> SubmitResult:
    """A progress update: a new submission and a new draft revision; the live entry stays.

    A new ``logo`` (already checked and re-encoded) goes into the draft revision only: the
    member page keeps the approved logo until a reviewer publishes the update."""
    stored_logo = None
    try:
        with transaction.atomic():
            pledge = pledge_for_update_token(token)
            page = pledge.form_page
            draft = pledge.get_latest_revision_as_object()
            # The agency's identity and key stay as reviewed; only progress and profile
            # change.
            data = {
                key: value
                for key, value in data.items()
                if key not in {"legal_name", "country", "region"}
            }
            _apply(draft, page, data)
            if logo is not None:
                draft.logo.save(logo.name, logo, save=False)
                stored_logo = draft.logo.name
            draft.save_revision(log_action=True, clean=False)
            submission = _store_submission(
                page, data, labels or {}, client_address, SubmissionKind.UPDATE, pledge
            )
            if page is not None:
                emails.send_kind(
                    "reviewer",
                    pledge,
                    page.notify_addresses(),
                    link=conf.base_url() + pledge.get_admin_url(),
                )
    except Exception:
        if stored_logo:
            default_storage.delete(stored_logo)
        raise
    pledge.refresh_from_db()
    return SubmitResult(pledge, submission)


# --- Eligibility -----------------------------------------------------------------------------


def evaluate_eligibility(
    pledge: Pledge, page: PledgeFormPage | None = None
) -> Eligibility:
    """The recognition rule of ``page`` (default SPEC §5), with a breakdown per focus area."""
    page = page or pledge.form_page
    checklist = page.checklist if page else Checklist.objects.first()
    require_commitment = page.rule_require_commitment if page else True
    minimum = page.rule_min_per_area if page else 1
    counted_statuses = {PracticeStatus.IN_PLACE}
    if (page.rule_statuses if page else EligibilityRule.IN_PLACE_OR_PROGRESS) == (
        EligibilityRule.IN_PLACE_OR_PROGRESS
    ):
        counted_statuses.add(PracticeStatus.IN_PROGRESS)
    areas = []
    if checklist is not None:
        for section in checklist.sections.prefetch_related("items"):
            items = list(section.items.all())
            counted = sum(
                1
                for item in items
                if pledge.practice_status(item.code) in counted_statuses
            )
            areas.append(
                AreaResult(
                    section.slug,
                    section.title,
                    counted,
                    min(minimum, len(items)),
                    len(items),
                )
            )
    committed = bool(pledge.committed_all_areas)
    eligible = (
        (committed or not require_commitment)
        and bool(areas)
        and all(area.ok for area in areas)
    )
    return Eligibility(eligible, committed, require_commitment, areas)


# --- Review --------------------------------------------------------------------------------


def _log(pledge: Pledge, action: str, user=None, data: dict | None = None) -> None:
    from wagtail.log_actions import log

    log(pledge, action, user=user, data=data or {})


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
        _log(pledge, "pledge_forms.approve", user)
        emails.send_kind(
            "approved",
            pledge,
            [pledge.chief_email],
            link=conf.base_url() + conf.member_url(pledge.slug),
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
        _log(pledge, "pledge_forms.decline", user, {"reason": reason})
        emails.send_kind("declined", pledge, [pledge.chief_email], reason=reason)
    return pledge


def mark_completed(pledge: Pledge, user=None) -> Pledge:
    """All practices in place, confirmed by a reviewer: the member becomes completed."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if not pledge.is_verified or pledge.review_status == ReviewStatus.DECLINED:
            raise ReviewError(_("Only a confirmed, accepted pledge can be completed."))
        draft = pledge.get_latest_revision_as_object()
        page = pledge.form_page
        checklist = page.checklist if page else Checklist.objects.first()
        codes = list(
            ChecklistItem.objects.filter(section__checklist=checklist).values_list(
                "code", flat=True
            )
        )
        missing = [
            code
            for code in codes
            if draft.practice_status(code) != PracticeStatus.IN_PLACE
        ]
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
        _log(pledge, "pledge_forms.complete", user)
    return pledge


# --- Abuse ---------------------------------------------------------------------------------


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
