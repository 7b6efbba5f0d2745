"""Demo content of the pledge plugin: the form page and a dozen fictional agencies.

``load(parent_page)`` is idempotent: it finds what it would create before creating it.
The agencies are invented; none stands for a real police agency.
"""

from django.db import transaction
from wagtail.models import Page

from pledge_forms import emails, services
from pledge_forms.choices import AgencyType, PracticeStatus, ReviewStatus, SizeBand
from pledge_forms.models import Checklist, ChecklistItem, Pledge, PledgeFormPage

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
        "verified",
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


def _checklist() -> Checklist:
    checklist = Checklist.objects.first()
    if checklist is None:
        from tests.factories.pledges import make_checklist

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
            "It takes about fifteen minutes; you can save nothing half-way, so have your "
            "current policies at hand.</p>"
        ),
        thank_you_text=(
            "<p>Thank you. We have sent a confirmation link to the chief executive's "
            "e-mail address. Reviewers see the pledge once it is confirmed.</p>"
        ),
        checklist=_checklist(),
        notify_emails="reviewers@campaign.example",
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
                    pledge, "We could not confirm that this agency exists."
                )
            elif state in {"approved", "completed"}:
                pledge = services.approve(pledge)
                if state == "completed":
                    services.mark_completed(pledge)
        created += 1
    return created
