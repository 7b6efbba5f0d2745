"""Demo content of the pledge plugin: the form page and a dozen fictional agencies.

``load(parent_page)`` is idempotent: it finds what it would create before creating it.
The agencies are invented; none stands for a real police agency.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry, Page

from pledge_forms import emails, services
from pledge_forms.choices import (
    AgencyType,
    FormStep,
    PracticeStatus,
    ReviewStatus,
    SizeBand,
)
from pledge_forms.models import (
    Checklist,
    ChecklistItem,
    DeclineReason,
    Pledge,
    PledgeFormField,
    PledgeFormPage,
    PledgeSubmission,
)
from pledge_forms.models.progress import PracticeChange
from pledge_forms.testing.history import plausible_history

# name, type, country, region, city, size band, state in the flow
AGENCIES = [
    (
        "Maplebrook Police Department",
        AgencyType.MUNICIPAL,
        "US",
        "US-OH",
        "Maplebrook",
        SizeBand.B51_100,
        "completed",
    ),
    (
        "Cedar Hollow County Sheriff's Office",
        AgencyType.SHERIFF,
        "US",
        "US-TN",
        "Cedar Hollow",
        SizeBand.B101_250,
        "approved",
    ),
    (
        "Port Elspeth Harbour Police",
        AgencyType.TRANSIT,
        "CA",
        "CA-NS",
        "Port Elspeth",
        SizeBand.B26_50,
        "approved",
    ),
    (
        "Silverlake University Police",
        AgencyType.CAMPUS,
        "US",
        "US-MN",
        "Silverlake",
        SizeBand.B11_25,
        "approved",
    ),
    (
        "Redstone Valley Police Service",
        AgencyType.MUNICIPAL,
        "CA",
        "CA-AB",
        "Redstone",
        SizeBand.B251_500,
        "completed",
    ),
    (
        "Kestrel Bay Tribal Police",
        AgencyType.TRIBAL,
        "US",
        "US-WA",
        "Kestrel Bay",
        SizeBand.B1_10,
        "approved",
    ),
    (
        "Granite Falls Police Department",
        AgencyType.MUNICIPAL,
        "US",
        "US-CO",
        "Granite Falls",
        SizeBand.B26_50,
        "verified",
    ),
    (
        "Westmere Highway Patrol",
        AgencyType.STATE,
        "US",
        "US-NM",
        "Westmere",
        SizeBand.B501_1000,
        "changes_requested",
    ),
    (
        "Orchard Plains County Police",
        AgencyType.COUNTY,
        "US",
        "US-GA",
        "Orchard Plains",
        SizeBand.B101_250,
        "unverified",
    ),
    (
        "Lowmoor Constabulary",
        AgencyType.NATIONAL,
        "GB",
        "GB-ENG",
        "Lowmoor",
        SizeBand.B1001,
        "unverified",
    ),
    (
        "Brightwater Transit Police",
        AgencyType.TRANSIT,
        "AU",
        "AU-NSW",
        "Brightwater",
        SizeBand.B51_100,
        "declined",
    ),
    (
        "Fernvale Police Department",
        AgencyType.MUNICIPAL,
        "US",
        "US-VT",
        "Fernvale",
        SizeBand.B11_25,
        "approved",
    ),
]


# When each agency pledged (days before the demo is loaded), spread over three years:
# the completed ones pledged long ago, those still waiting for review or confirmation
# last week (unconfirmed pledges are purged after 30 days by default).
PLEDGED_DAYS_AGO = {
    "Maplebrook Police Department": 1010,
    "Cedar Hollow County Sheriff's Office": 870,
    "Port Elspeth Harbour Police": 640,
    "Silverlake University Police": 455,
    "Redstone Valley Police Service": 780,
    "Kestrel Bay Tribal Police": 300,
    "Granite Falls Police Department": 12,
    "Westmere Highway Patrol": 6,
    "Orchard Plains County Police": 3,
    "Lowmoor Constabulary": 1,
    "Brightwater Transit Police": 210,
    "Fernvale Police Department": 95,
}
# Days from the pledge to its confirmation, to the review decision, and (for completed
# members) to the last practice in place.
CONFIRMED_AFTER = 1
REVIEWED_AFTER = 9
COMPLETED_AFTER = {
    "Maplebrook Police Department": 640,
    "Redstone Valley Police Service": 700,
}


def _checklist() -> Checklist:
    checklist = Checklist.objects.first()
    if checklist is None:
        from pledge_forms.testing.factories import make_checklist

        checklist = make_checklist(
            name="25 key policies and practices", slug="key-practices"
        )
    return checklist


def ensure_form_page(parent_page: Page) -> PledgeFormPage:
    page = PledgeFormPage.objects.child_of(parent_page).filter(slug="pledge").first()
    if page:
        return page
    page = PledgeFormPage(
        title="Take the pledge",
        slug="pledge",
        intro=(
            "<p>Commit your agency to the 25 policies and practices in six focus areas. "
            "It takes about fifteen minutes, one short step at a time: the agency, its "
            "contacts, one step per focus area, then the commitment. Have your current "
            "policies at hand; you can save your answers at any step and go on later "
            "from a link we e-mail you.</p>"
        ),
        thank_you_text=(
            "<p>Thank you. We have sent a confirmation link to the chief executive's "
            "e-mail address. Reviewers see the pledge once it is confirmed.</p>"
        ),
        checklist=_checklist(),
        notify_emails="reviewers@campaign.example",
    )
    # An editor's own question, asked in the contacts step.
    page.form_fields.add(
        PledgeFormField(
            label="How did you hear about the campaign?",
            field_type="singleline",
            required=False,
            help_text="Optional: a colleague, an association, the news…",
            step=FormStep.CONTACTS,
        )
    )
    parent_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def _data(page: PledgeFormPage, index: int, row) -> dict:
    name, agency_type, country, region, city, size_band, state = row
    items = ChecklistItem.objects.filter(section__checklist=page.checklist).order_by(
        "number"
    )
    data = {
        "legal_name": name,
        "agency_type": agency_type,
        "country": country,
        "region": region,
        "city": city,
        "size_band": size_band,
        "website": f"https://{city.lower().replace(' ', '-')}.example",
        "chief_name": f"Chief Example {index + 1}",
        "chief_title": "Chief of Police",
        "chief_email": f"chief{index + 1}@agency.example",
        "chief_phone": f"+1 555 01{index:02d}",
        "committed_all_areas": state != "declined",
        "signatory_name": f"Chief Example {index + 1}",
        "signatory_title": "Chief of Police",
        "public_statement": f"{city} is proud to stand with the campaign.",
        "consent_listed": True,
        "consent_show_city": True,
        "consent_show_website": True,
        "consent_show_logo": True,
        "consent_show_statement": True,
        "consent_show_chief": index % 3 == 0,
        "consent_show_practices": True,
    }
    cycle = [
        PracticeStatus.IN_PLACE,
        PracticeStatus.IN_PROGRESS,
        PracticeStatus.PLANNED,
        PracticeStatus.NOT_PLANNED,
    ]
    for position, item in enumerate(items):
        status = (
            PracticeStatus.IN_PLACE
            if state == "completed"
            else cycle[(position + index) % 4]
        )
        data[f"practice_{item.pk}"] = status
        data[f"note_{item.pk}"] = ""
    return data


def load(parent_page: Page, stdout=None) -> str:
    """Create the form page and the demo agencies; returns a one-line summary
    (the caller prints it; ``stdout`` is accepted for the loader's interface)."""
    page = ensure_form_page(parent_page)
    created = 0
    # The agencies' addresses are fictional: no e-mail is stored or sent for them.
    with emails.discarded():
        created = _load_agencies(page)
    summary = (
        f"pledge form at {page.url_path!r}; {created} demo agencies added "
        f"({Pledge.objects.filter(review_status=ReviewStatus.APPROVED).count()} approved)"
    )
    return summary


def _load_agencies(page: PledgeFormPage) -> int:
    created = 0
    for index, row in enumerate(AGENCIES):
        key = services.normalise_key(row[0], row[2], row[3])
        if Pledge.objects.filter(normalised_key=key).exists():
            continue
        state = row[-1]
        with transaction.atomic():
            pledge = services.submit(page, _data(page, index, row)).pledge
            if state != "unverified":
                pledge = services.verify(services.make_verify_token(pledge))
            if state == "declined":
                services.decline(
                    pledge,
                    "We could not find the agency in the state's register.",
                    code=DeclineReason.objects.filter(
                        code="identity-unconfirmed"
                    ).first(),
                )
            elif state == "changes_requested":
                services.request_changes(
                    pledge,
                    "Please give the date your use-of-force policy was last "
                    "reviewed, and say which practices the note on UF-2 covers.",
                )
            elif state in {"approved", "completed"}:
                pledge = services.approve(pledge)
                if state == "completed":
                    services.mark_completed(pledge)
        created += 1
    for pledge in Pledge.objects.filter(legal_name__in=PLEDGED_DAYS_AGO):
        backdate(pledge, PLEDGED_DAYS_AGO[pledge.legal_name], page.period_months)
    return created


def backdate(pledge: Pledge, days_ago: int, period_months: int = 36) -> bool:
    """Move a demo pledge's dates (pledge, deadline, confirmation, review, completion)
    and its history ``days_ago`` into the past. A pledge already moved is left alone, so
    loading the demo again changes nothing. Returns whether the pledge was moved."""
    now = timezone.now()
    pledged_at = now - timedelta(days=days_ago)
    if pledge.pledged_at <= pledged_at + timedelta(hours=12):
        return False
    dates = {
        "pledged_at": pledged_at,
        "signed_on": timezone.localdate(pledged_at),
        "deadline": services.add_months(timezone.localdate(pledged_at), period_months),
    }
    milestones = {"pledge_forms.verify": "verified_at"}
    if pledge.verified_at:
        dates["verified_at"] = pledged_at + timedelta(days=CONFIRMED_AFTER, hours=3)
    reviewed_at = pledged_at + timedelta(days=REVIEWED_AFTER, hours=5)
    if pledge.approved_at:
        dates["approved_at"] = reviewed_at
        milestones.update({"pledge_forms.approve": "approved_at"})
    if pledge.declined_at:
        dates["declined_at"] = reviewed_at
        milestones["pledge_forms.decline"] = "declined_at"
    if pledge.completed_at:
        completed_after = COMPLETED_AFTER.get(pledge.legal_name, days_ago // 2)
        dates["completed_at"] = pledged_at + timedelta(days=completed_after)
        milestones["pledge_forms.complete"] = "completed_at"
    if pledge.first_published_at:
        dates["first_published_at"] = dates.get("approved_at", reviewed_at)
        dates["last_published_at"] = dates.get("completed_at", reviewed_at)
    with transaction.atomic():
        for name, value in dates.items():
            setattr(pledge, name, value)
        pledge.save(update_fields=list(dates))
        # The revisions carry the same dates as the row, and were saved step by step.
        serialised = {name: value.isoformat() for name, value in dates.items()}
        steps = sorted(
            dates[name]
            for name in ("pledged_at", "verified_at", "approved_at", "completed_at")
            if name in dates
        )
        revisions = list(pledge.revisions.order_by("created_at", "pk"))
        for position, revision in enumerate(revisions):
            revision.content.update(
                {
                    name: value
                    for name, value in serialised.items()
                    if name in revision.content
                }
            )
            # The first revision is the submission; the last goes with the last step.
            step = position + len(steps) - len(revisions) if position else 0
            revision.created_at = steps[
                min(max(step, 1 if position else 0), len(steps) - 1)
            ]
            revision.save(update_fields=["content", "created_at"])
        PledgeSubmission.objects.filter(pledge=pledge).update(submit_time=pledged_at)
        # The history shows each step when it happened.
        revision_times = {revision.pk: revision.created_at for revision in revisions}
        for entry in ModelLogEntry.objects.for_instance(pledge):
            field = milestones.get(entry.action)
            if field:
                when = dates[field]
            elif entry.action == "wagtail.publish":
                when = dates.get("last_published_at", pledged_at)
            else:
                when = revision_times.get(entry.revision_id, pledged_at)
            ModelLogEntry.objects.filter(pk=entry.pk).update(timestamp=when)
        if pledge.approved_at:
            _backdate_history(pledge, dates)
    return True


def _backdate_history(pledge: Pledge, dates: dict) -> None:
    """A dated history of the pledge's practices from its (moved) pledge date to its
    completion or today, so the member page and the statistics show progress over time."""
    start = timezone.localdate(dates["pledged_at"])
    end = timezone.localdate(dates.get("completed_at") or timezone.now())
    statuses = dict(pledge.practices.values_list("item_id", "status"))
    rng = random.Random(pledge.legal_name)  # noqa: S311 (fictional data)
    PracticeChange.objects.filter(pledge=pledge).delete()
    PracticeChange.objects.bulk_create(
        plausible_history(pledge.pk, statuses, start, max(start, end), rng)
    )
