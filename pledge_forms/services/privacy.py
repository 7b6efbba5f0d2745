"""Privacy by default: the consent wording kept with each submission, the site's privacy
notice and accessibility statement, and the erasure of personal data (on request, or when
a retention period is over).

**What erasure removes.** Everything that names or reaches a person, wherever the plugin
stored it: the chief executive's, second contact's and signatory's names, titles, e-mails
and phones, the public statement, the practice notes, the evidence links and files of
practices (the files are deleted from private storage), the logo (its files too), the decline
reason; the same fields in every revision of the pledge and in every submission's answers
(extra questions included: an editor may have asked anything), the submissions' client
hashes, and the recipients, text and errors of every e-mail about the pledge. A pending
e-mail is not sent any more.

**What stays.** The pledge row, its review state, dates, stage and practice statuses, and
the agency's type, country, state/province and size, the target months of practices: what the campaign's statistics count
(``pledge_forms.showcase.statistics`` counts published pledges by quarter, place, stage and
practice), so erasing changes no figure. A pledge still in the showcase also keeps its
public facts (name, city, website: an agency's, published with its consent). A pledge that
is not in the showcase loses those too and frees its duplicate key, so the agency can pledge
again from scratch. Each erasure leaves a ``PledgeErasure`` row (it runs once) and an entry
in the audit log.

**When.** ``apply_retention`` erases, once their period is over (settings in
``pledge_forms.conf``): declined pledges, counted from the decline; pledges never confirmed,
counted from their creation; lapsed pledges (``models.pledges.lapsed_q``: still "pledged"
when the deadline passed), counted from the deadline. The daily
housekeeping task (``pledge_forms.tasks``) runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, Revision

from pledge_forms import conf, evidence
from pledge_forms.choices import MailStatus, ReviewStatus
from pledge_forms.forms import PledgeForm
from pledge_forms.models.logos import PendingLogo
from pledge_forms.models.pledges import CONTACT_FIELDS, Pledge, lapsed_q
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.privacy import ErasureReason, PledgeErasure
from pledge_forms.models.submissions import ConsentText, OutgoingMail, PledgeSubmission
from pledge_forms.services.evidence import pledge_evidence_names

if TYPE_CHECKING:
    from pledge_forms.models.pages import PledgeFormPage

ERASE_ACTION = "pledge_forms.erase"

# --- Policy pages ----------------------------------------------------------------------------

# A site answers with its privacy notice and accessibility statement for a form page: a
# function of the form page returning {"privacy": PolicyPage, "accessibility": PolicyPage}
# (either may be missing). Without an answer, PLEDGE_FORMS_PRIVACY_NOTICE_URL and
# PLEDGE_FORMS_ACCESSIBILITY_URL are used.
POLICY_PAGES_HOOK = "pledge_forms_policy_pages"
PRIVACY = "privacy"
ACCESSIBILITY = "accessibility"


@dataclass(frozen=True)
class PolicyPage:
    title: str
    url: str
    # What changes when the text changes (a page's live revision); part of the consent
    # wording, so a new notice is a new consent version.
    version: str = ""


def policy_pages(page: PledgeFormPage | None) -> dict[str, PolicyPage]:
    found: dict[str, PolicyPage] = {}
    for answer in hooks.get_hooks(POLICY_PAGES_HOOK):
        for kind, policy in (answer(page) or {}).items():
            if policy and policy.url:
                found.setdefault(kind, policy)
    defaults = {
        PRIVACY: (conf.get("PRIVACY_NOTICE_URL"), _("Privacy notice")),
        ACCESSIBILITY: (conf.get("ACCESSIBILITY_URL"), _("Accessibility statement")),
    }
    for kind, (url, title) in defaults.items():
        if url and kind not in found:
            found[kind] = PolicyPage(str(title), url)
    return found


# --- Consent wording -------------------------------------------------------------------------

# The consent questions, in the order the form shows them; their labels come from the form.
CONSENT_LISTED = "consent_listed"
CONSENT_SHOW_FIELDS = PledgeForm.CONSENT_FIELDS
# Text the form shows around them (the template reads these, so form and record agree).
CONSENT_LEGEND = _("What may the public see on your member page?")
CONSENT_HELP = _("Contact e-mails and phone numbers are never shown.")


def consent_text(page: PledgeFormPage | None, labels: dict[str, str]) -> str:
    """The consent wording as the form showed it: the listing question, the question on
    what the public may see with each choice, and the privacy notice it pointed to.

    ``labels`` are the form's labels as the agency saw them (the submission's); a label
    missing there (a submission made in code) is the form's standard one."""

    def label(name: str) -> str:
        return str(labels.get(name) or PledgeForm.base_fields[name].label)

    lines = [label(CONSENT_LISTED), str(CONSENT_LEGEND), str(CONSENT_HELP)]
    lines += [f"- {label(name)}" for name in CONSENT_SHOW_FIELDS]
    notice = policy_pages(page).get(PRIVACY)
    if notice:
        version = f" (version {notice.version})" if notice.version else ""
        lines.append(f"Privacy notice: {notice.title} <{notice.url}>{version}")
    return "\n".join(lines)


def consent_record(
    page: PledgeFormPage | None, labels: dict[str, str] | None
) -> ConsentText:
    """The stored consent wording for a submission (created once per distinct wording)."""
    return ConsentText.for_text(consent_text(page, labels or {}))


# --- Erasure ---------------------------------------------------------------------------------

# Pledge fields that hold a person's data; emptied on every erasure.
PERSONAL_FIELDS = (
    *CONTACT_FIELDS,
    "signatory_name",
    "signatory_title",
    "public_statement",
    "decline_reason",
)
# The agency's public facts: kept while it is in the showcase, emptied otherwise.
AGENCY_FIELDS = ("legal_name", "display_name", "city", "website")
# Answers a submission keeps after an erasure (what statistics or a review may need); any
# other answer, extra questions included, is emptied.
KEPT_ANSWERS = frozenset(
    {
        "agency_type",
        "country",
        "region",
        "size_band",
        "committed_all_areas",
        "signed_on",
        CONSENT_LISTED,
        *CONSENT_SHOW_FIELDS,
    }
)
ERASED_MAIL_NOTE = "Not sent: the personal data of this pledge was erased."
# What erasure empties on every practice row (the agency's words and documents).
ERASED_PRACTICE_DETAILS = {"note": "", "evidence_url": "", "evidence_file": ""}


def anonymous_name(pledge: Pledge) -> str:
    return f"Erased pledge {pledge.pk}"


@dataclass
class ErasurePlan:
    """What :func:`erase` will empty for one pledge (the admin's confirm page lists it)."""

    pledge: Pledge
    keeps_agency: bool
    fields: list[str]
    revisions: int
    submissions: int
    mails: int
    logos: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def _kept_answer(name: str, keeps_agency: bool) -> bool:
    return (
        name in KEPT_ANSWERS
        or name.startswith(("practice_", "target_"))
        or (keeps_agency and name in AGENCY_FIELDS)
    )


def _scrub_answers(form_data: dict[str, Any], keeps_agency: bool) -> dict[str, Any]:
    return {
        name: value if _kept_answer(name, keeps_agency) else ""
        for name, value in form_data.items()
    }


def _scrub_content(
    content: dict[str, Any], pledge: Pledge, keeps_agency: bool
) -> dict[str, Any]:
    content = dict(content)
    for name in PERSONAL_FIELDS:
        if name in content:
            content[name] = ""
    content["logo"] = ""
    content["consent_show_chief"] = False
    if not keeps_agency:
        content.update(_anonymous_agency(pledge))
    content["practices"] = [
        {**row, **ERASED_PRACTICE_DETAILS} for row in content.get("practices") or []
    ]
    return content


def _anonymous_agency(pledge: Pledge) -> dict[str, str]:
    return {
        "legal_name": anonymous_name(pledge),
        "display_name": anonymous_name(pledge),
        "city": "",
        "website": "",
        "slug": f"erased-{pledge.pk}",
        "normalised_key": f"erased:{pledge.pk}",
    }


def _logo_names(pledge: Pledge, revisions) -> list[str]:
    names = {pledge.logo.name} if pledge.logo else set()
    for revision in revisions:
        name = (revision.content or {}).get("logo")
        if name:
            names.add(name)
    return sorted(names)


def erasure_plan(pledge: Pledge) -> ErasurePlan:
    revisions = list(Revision.objects.for_instance(pledge).only("content"))
    keeps_agency = pledge.live
    fields = [*PERSONAL_FIELDS, "logo", "practice notes", "practice evidence"]
    if not keeps_agency:
        fields = [*AGENCY_FIELDS, *fields]
    return ErasurePlan(
        pledge=pledge,
        keeps_agency=keeps_agency,
        fields=fields,
        revisions=len(revisions),
        submissions=PledgeSubmission.objects.filter(pledge=pledge).count(),
        mails=OutgoingMail.objects.filter(pledge=pledge).count(),
        logos=_logo_names(pledge, revisions),
        evidence=sorted(
            pledge_evidence_names(pledge, submissions=True, revisions=revisions)
        ),
    )


def _erase_mails(mails) -> int:
    mails.filter(status__in=[MailStatus.PENDING, MailStatus.SENDING]).update(
        status=MailStatus.FAILED, last_error=ERASED_MAIL_NOTE
    )
    return mails.update(
        to=[],
        subject="Erased message",
        body_text="",
        body_html="",
        last_error=ERASED_MAIL_NOTE,
        claimed_at=None,
        next_attempt_at=None,
    )


def _erase_submissions(submissions, keeps_agency: bool) -> int:
    count = 0
    for pk, answers, client_hash in submissions.values_list(
        "pk", "form_data", "client_hash"
    ):
        scrubbed = _scrub_answers(answers or {}, keeps_agency)
        if scrubbed == answers and not client_hash:
            continue  # nothing left to erase
        # Records are never changed through save() (ImmutableRecordError); an erasure is
        # the one change the law asks for, made by an UPDATE of these two fields only.
        PledgeSubmission.objects.filter(pk=pk).update(
            form_data=scrubbed, client_hash=""
        )
        count += 1
    return count


def erase(pledge: Pledge, reason: str, user=None) -> PledgeErasure | None:
    """Erase the personal data of ``pledge`` (see the module) and log who did it, once.

    Returns the erasure record, or None when the pledge had already been erased."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if PledgeErasure.objects.filter(pledge=pledge).exists():
            return None
        plan = erasure_plan(pledge)
        keeps_agency = plan.keeps_agency
        for name in PERSONAL_FIELDS:
            setattr(pledge, name, "")
        pledge.logo = ""
        pledge.consent_show_chief = False
        if not keeps_agency:
            for name, value in _anonymous_agency(pledge).items():
                setattr(pledge, name, value)
        # Update links sent so far stop working: the address they went to is gone.
        pledge.update_link_version += 1
        pledge.save()
        PledgePractice.objects.filter(pledge=pledge).update(**ERASED_PRACTICE_DETAILS)
        for revision in Revision.objects.for_instance(pledge):
            revision.content = _scrub_content(revision.content, pledge, keeps_agency)
            if not keeps_agency:
                revision.object_str = anonymous_name(pledge)
            revision.save(update_fields=["content", "object_str"])
        _erase_submissions(PledgeSubmission.objects.filter(pledge=pledge), keeps_agency)
        _erase_mails(OutgoingMail.objects.filter(pledge=pledge))
        # A logo still waiting for media storage goes too, bytes and all.
        PendingLogo.objects.filter(pledge=pledge).delete()
        history = ModelLogEntry.objects.for_instance(pledge)
        # A reviewer's words may name a person: emptied; a reason code stays.
        for entry in history.filter(
            action__in=["pledge_forms.decline", "pledge_forms.request_changes"]
        ):
            entry.data = {**(entry.data or {}), "reason": "", "comments": ""}
            entry.save(update_fields=["data"])
        if not keeps_agency:
            history.update(label=anonymous_name(pledge))
        record = PledgeErasure.objects.create(
            pledge=pledge, reason=reason, erased_by=user
        )
        log(
            pledge,
            ERASE_ACTION,
            user=user,
            data={
                "reason": reason,
                "fields": plan.fields,
                "revisions": plan.revisions,
                "submissions": plan.submissions,
                "mails": plan.mails,
            },
        )
        for name in plan.logos:
            transaction.on_commit(lambda name=name: default_storage.delete(name))
        for name in plan.evidence:
            transaction.on_commit(lambda name=name: evidence.delete_evidence(name))
    return record


# --- Retention -------------------------------------------------------------------------------


def unverified_days() -> int:
    days = conf.get("RETENTION_UNVERIFIED_DAYS")
    return conf.get("PURGE_UNVERIFIED_DAYS") if days is None else days


def due_for_erasure(now: datetime | None = None) -> dict[str, list[int]]:
    """Ids of the pledges whose retention period is over, per reason (each pledge once)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    pledges = Pledge.objects.filter(erasure__isnull=True)
    declined = pledges.filter(
        review_status=ReviewStatus.DECLINED,
        declined_at__lt=now - timedelta(days=conf.get("RETENTION_DECLINED_DAYS")),
    )
    unverified = pledges.filter(
        verified_at__isnull=True,
        live=False,
        created_at__lt=now - timedelta(days=unverified_days()),
    )
    lapsed = pledges.filter(
        lapsed_q(today - timedelta(days=conf.get("RETENTION_LAPSED_DAYS")))
    )
    due: dict[str, list[int]] = {}
    seen: set[int] = set()
    for reason, queryset in (
        (ErasureReason.DECLINED, declined),
        (ErasureReason.UNVERIFIED, unverified),
        (ErasureReason.LAPSED, lapsed),
    ):
        ids = [pk for pk in queryset.values_list("pk", flat=True) if pk not in seen]
        seen.update(ids)
        due[reason.value] = sorted(ids)
    return due


def erase_orphans(now: datetime | None = None) -> int:
    """Submissions and e-mails whose pledge was deleted (the purge of unconfirmed pledges
    deleted them before erasure existed), once the never-confirmed period is over."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=unverified_days())
    with transaction.atomic():
        submissions = PledgeSubmission.objects.filter(
            pledge__isnull=True, submit_time__lt=cutoff
        )
        count = _erase_submissions(submissions, keeps_agency=False)
        mails = OutgoingMail.objects.filter(
            pledge__isnull=True, created_at__lt=cutoff
        ).exclude(last_error=ERASED_MAIL_NOTE)
        count += _erase_mails(mails)
    return count


def erase_unverified(days: int | None = None, now: datetime | None = None) -> int:
    """Erase pledges never confirmed within ``days`` (default: the retention setting)."""
    days = unverified_days() if days is None else days
    now = now or timezone.now()
    stale = Pledge.objects.filter(
        erasure__isnull=True,
        verified_at__isnull=True,
        live=False,
        created_at__lt=now - timedelta(days=days),
    )
    return sum(
        1 for pledge in stale if erase(pledge, ErasureReason.UNVERIFIED) is not None
    )


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Erase every pledge whose retention period is over; counts per reason."""
    counts = {}
    for reason, ids in due_for_erasure(now).items():
        counts[reason] = sum(
            1 for pk in ids if erase(Pledge.objects.get(pk=pk), reason) is not None
        )
    counts["orphans"] = erase_orphans(now)
    return counts
