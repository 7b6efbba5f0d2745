"""Factories for the pledge plugin: checklist, form page, pledge data, pledges, submissions.

Used by the tests and by the demo content (``pledge_forms.testing.demo``).
"""

import datetime
import itertools

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory

from pledge_forms import services
from pledge_forms.choices import AgencyType, PracticeStatus, ReviewStatus, SizeBand
from pledge_forms.models import (
    Checklist,
    ChecklistItem,
    ChecklistSection,
    Pledge,
    PledgeFormPage,
    PledgePractice,
    PledgeSubmission,
)

DEFAULT_SECTIONS = [
    ("bias-free-policing", "Bias-Free Policing", "BF", 4),
    ("use-of-force", "Use of Force", "UF", 4),
    ("leadership-and-culture", "Leadership and Culture", "LC", 4),
    ("recruitment-hiring-retention", "Recruitment, Hiring and Retention", "RH", 4),
    ("victim-services", "Victim Services", "VS", 4),
    ("community-relations", "Community Relations", "CR", 5),
]

_checklist_counter = itertools.count(1)


class ChecklistFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Checklist {n}")
    slug = factory.Sequence(lambda n: f"checklist-{n}")

    class Meta:
        model = Checklist


class ChecklistSectionFactory(DjangoModelFactory):
    checklist = factory.SubFactory(ChecklistFactory)
    title = factory.Sequence(lambda n: f"Focus area {n}")
    slug = factory.Sequence(lambda n: f"focus-area-{n}")
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = ChecklistSection


class ChecklistItemFactory(DjangoModelFactory):
    section = factory.SubFactory(ChecklistSectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"P-{n}")
    title = factory.Sequence(lambda n: f"Practice {n}")

    class Meta:
        model = ChecklistItem


def make_checklist(sections=DEFAULT_SECTIONS, **kwargs) -> Checklist:
    """A checklist with six focus areas and 25 practices (codes unique per checklist)."""
    checklist = ChecklistFactory(**kwargs)
    first_code = f"{sections[0][2]}-1"
    prefix = (
        f"{next(_checklist_counter)}"
        if ChecklistItem.objects.filter(code=first_code).exists()
        else ""
    )
    number = 0
    for order, (slug, title, code, count) in enumerate(sections):
        section = ChecklistSection.objects.create(
            checklist=checklist, title=title, slug=slug, sort_order=order
        )
        for index in range(1, count + 1):
            number += 1
            ChecklistItem.objects.create(
                section=section,
                number=number,
                code=f"{code}{prefix}-{index}",
                title=f"{title}: practice {index}",
                description=f"What practice {index} of {title.lower()} asks for.",
            )
    return checklist


class PledgeFormPageFactory(wagtail_factories.PageFactory):
    title = "Pledge"
    slug = "pledge"
    intro = "<p>Commit your agency to the 25 practices.</p>"
    thank_you_text = "<p>Thank you. Please check your e-mail.</p>"
    notify_emails = "reviewers@example.org"
    checklist = factory.LazyFunction(
        lambda: Checklist.objects.first() or make_checklist()
    )

    class Meta:
        model = PledgeFormPage


def pledge_data(
    checklist: Checklist,
    status: str = PracticeStatus.IN_PROGRESS,
    **overrides,
) -> dict:
    """Cleaned form data as the public form produces it."""
    data = {
        "legal_name": "Riverside Falls Police Department",
        "agency_type": AgencyType.MUNICIPAL,
        "country": "US",
        "region": "US-OR",
        "city": "Riverside Falls",
        "size_band": SizeBand.B51_100,
        "website": "https://police.riverside-falls.example",
        "chief_name": "Dana Example",
        "chief_title": "Chief of Police",
        "chief_email": "chief@riverside-falls.example",
        "chief_phone": "+1 555 0100",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "committed_all_areas": True,
        "signatory_name": "Dana Example",
        "signatory_title": "Chief of Police",
        "signed_on": datetime.date(2026, 11, 2),
        "public_statement": "We are proud to join.",
        "consent_listed": True,
        "consent_show_city": True,
        "consent_show_website": True,
        "consent_show_logo": True,
        "consent_show_statement": True,
        "consent_show_chief": False,
        "consent_show_practices": True,
    }
    for item in ChecklistItem.objects.filter(section__checklist=checklist):
        data[f"practice_{item.pk}"] = status
        data[f"note_{item.pk}"] = ""
    data.update(overrides)
    return data


class PledgeFactory(DjangoModelFactory):
    """A pledge row made directly (no submission, no e-mail); see ``submitted_pledge``."""

    legal_name = factory.Sequence(lambda n: f"Example Town {n} Police Department")
    display_name = factory.LazyAttribute(lambda o: o.legal_name)
    slug = factory.Sequence(lambda n: f"example-town-{n}")
    normalised_key = factory.LazyAttribute(
        lambda o: services.normalise_key(o.legal_name, o.country, o.region)
    )
    agency_type = AgencyType.MUNICIPAL
    country = "US"
    region = "US-OR"
    city = "Example Town"
    size_band = SizeBand.B26_50
    chief_name = "Chief Example"
    chief_title = "Chief of Police"
    chief_email = factory.Sequence(lambda n: f"chief{n}@example.org")
    chief_phone = "+1 555 0100"
    signatory_name = "Chief Example"
    signatory_title = "Chief of Police"
    committed_all_areas = True
    consent_listed = True
    live = False

    class Meta:
        model = Pledge
        skip_postgeneration_save = True

    @factory.post_generation
    def statuses(obj, create, extracted, **kwargs):
        """Practice rows by code: ``statuses={"BF-1": "in_place"}``, or with a note,
        ``{"BF-1": {"status": "in_place", "note": "…"}}``."""
        if not extracted:
            return
        items = dict(
            ChecklistItem.objects.filter(code__in=list(extracted)).values_list(
                "code", "pk"
            )
        )
        rows = []
        for code, entry in extracted.items():
            entry = entry if isinstance(entry, dict) else {"status": entry}
            rows.append(
                PledgePractice(
                    item_id=items[code],
                    status=entry.get("status") or PracticeStatus.NOT_PLANNED,
                    note=entry.get("note", ""),
                )
            )
        obj.practices = rows
        if create:
            for row in rows:
                row.pledge = obj
            PledgePractice.objects.bulk_create(rows)


def submitted_pledge(
    page: PledgeFormPage, state: str = "unverified", **overrides
) -> Pledge:
    """A pledge made through the services and brought to ``state``: unverified,
    verified, approved, declined or completed."""
    status = (
        PracticeStatus.IN_PLACE if state == "completed" else PracticeStatus.IN_PROGRESS
    )
    result = services.submit(
        page, pledge_data(page.checklist, status=status, **overrides)
    )
    pledge = result.pledge
    if state == "unverified":
        return pledge
    pledge = services.verify(services.make_verify_token(pledge))
    if state == "verified":
        return pledge
    if state == "declined":
        return services.decline(pledge, "The agency could not be identified.")
    pledge = services.approve(pledge)
    if state == "completed":
        pledge = services.mark_completed(pledge)
    if pledge.review_status != ReviewStatus.APPROVED:
        raise ValueError(f"the pledge could not be approved: {pledge.review_status}")
    return pledge


class PledgeSubmissionFactory(DjangoModelFactory):
    page = factory.SubFactory(PledgeFormPageFactory)
    form_data = factory.LazyFunction(lambda: {"legal_name": "Example Agency"})
    labels = factory.LazyFunction(lambda: {"legal_name": "Legal name"})
    submit_time = factory.LazyFunction(timezone.now)

    class Meta:
        model = PledgeSubmission
