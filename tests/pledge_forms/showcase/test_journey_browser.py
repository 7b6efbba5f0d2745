"""The agency's whole journey in Chromium (issue "the agency's whole journey").

Three steps by keyboard, "Save and continue later", the resume link opened in a fresh
browser, a practice in progress with its target month and one in place with an evidence
file, the confirmation link; a reviewer requests changes, the agency revises through its
link (its steps, from "check your answers"), the reviewer approves, and the member page
shows the pledge.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Site

from pledge_forms.choices import PracticeStatus, ReviewStatus
from pledge_forms.models import Pledge
from pledge_forms.showcase.demo import ensure_showcase_page
from tests.pledge_forms.test_browser import active, fill_by_keyboard
from tests.pledge_forms.test_evidence import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey_page(pledge_page):
    ensure_showcase_page(Site.objects.get(is_default_site=True).root_page)
    return pledge_page


def link_in(message, route: str) -> str:
    link = re.search(rf"https?://\S+/{route}/[A-Za-z0-9_-]+/", message.body).group(0)
    return "/" + link.split("/", 3)[3]


def next_step(page, **kwargs):
    current = page.url
    fill_by_keyboard(page, **kwargs)
    page.wait_for_function(f"() => location.href !== {current!r}")


def sign_in_reviewer(page, django_user_model):
    reviewer = django_user_model.objects.create_user("reviewer", password="pw-rev-1")
    reviewer.groups.add(Group.objects.get(name="Campaign reviewers"))
    page.goto("/admin/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "pw-rev-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_an_agency_saves_resumes_elsewhere_revises_on_request_and_becomes_a_member(
    _playwright_browser, browser_page, live_server, journey_page, django_user_model
):
    items = list(journey_page.checklist_items())
    first, second = items[0], items[1]
    page = browser_page
    page.goto("/pledge/")
    for _ in range(3):  # agency, location, contacts
        next_step(page)
    expect(page.get_by_role("heading", name=first.section.title)).to_be_visible()
    page.get_by_role("button", name="Save and continue later").click()
    page.wait_for_url(re.compile(r"/pledge/save/$"))
    expect(page.locator("#id_email")).to_have_value("robin@kv.example")
    page.get_by_role("button", name="E-mail me the link").click()
    expect(page.get_by_text("We have e-mailed a private link")).to_be_visible()
    (saved,) = mail.outbox

    # Another browser, from the e-mail's link: the same draft, at the same step.
    other = _playwright_browser.new_context(base_url=live_server.url)
    agency = other.new_page()
    agency.set_default_timeout(15_000)
    agency.goto(link_in(saved, "resume"))
    expect(agency.get_by_role("heading", name=first.section.title)).to_be_visible()
    agency.set_input_files(
        f"#id_evidence_file_{second.pk}",
        files=[
            {
                "name": "body-cameras.pdf",
                "mimeType": "application/pdf",
                "buffer": PDF,
            }
        ],
    )
    next_step(agency, in_progress={f"practice_{first.pk}"})
    while "/check/" not in agency.url:
        next_step(agency)
    expect(agency.get_by_text("Evidence file: body-cameras.pdf")).to_be_visible()
    for _ in range(300):
        agency.keyboard.press("Tab")
        if (
            active(agency)["text"] == "Send the pledge"
            and active(agency)["tag"] == "button"
        ):
            break
    agency.keyboard.press("Enter")
    agency.wait_for_url(re.compile(r"/pledge/received/$"))

    pledge = Pledge.objects.get()
    in_progress = pledge.practices.get(item=first)
    assert in_progress.status == PracticeStatus.IN_PROGRESS
    assert in_progress.target_month.year == timezone.localdate().year + 1
    in_place = pledge.practices.get(item=second)
    assert in_place.status == PracticeStatus.IN_PLACE and in_place.evidence_file.name

    confirmation = mail.outbox[-1]
    agency.goto(link_in(confirmation, "verify"))
    agency.get_by_role("button", name="Confirm the pledge").click()
    agency.get_by_role("heading", name="Pledge confirmed").wait_for()

    # The reviewer asks for a change.
    sign_in_reviewer(page, django_user_model)
    page.goto(f"/admin/snippets/pledge_forms/pledge/inspect/{pledge.pk}/")
    page.get_by_role("link", name="Request changes").click()
    page.get_by_label(re.compile("What the agency should change")).fill(
        "Please add your public statement."
    )
    page.get_by_role("button", name="Request changes").click()
    page.wait_for_url(re.compile(r"/inspect/"))
    assert Pledge.objects.get().review_status == ReviewStatus.CHANGES_REQUESTED

    # The agency revises through the link in the reviewer's e-mail.
    request = mail.outbox[-1]
    assert "Please add your public statement." in request.body
    agency.goto(link_in(request, "update"))
    agency.wait_for_url(re.compile(r"/pledge/update/check/$"))
    agency.get_by_role("link", name="Change Public statement (optional)").click()
    agency.get_by_label("Public statement (optional)").fill("We are proud to join.")
    agency.get_by_role("button", name="Save and go back to your answers").click()
    agency.wait_for_url(re.compile(r"/pledge/update/check/$"))
    expect(agency.get_by_text("We are proud to join.")).to_be_visible()
    agency.get_by_role("button", name="Send the update").click()
    expect(
        agency.get_by_role("heading", name=re.compile("Update received"))
    ).to_be_visible()
    assert Pledge.objects.get().review_status == ReviewStatus.AWAITING_REVIEW

    page.goto(f"/admin/snippets/pledge_forms/pledge/inspect/{pledge.pk}/")
    page.get_by_role("link", name="Approve and publish").click()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(re.compile(r"/inspect/"))
    member = Pledge.objects.get()
    assert member.live and member.public_statement == "We are proud to join."

    agency.goto(f"/members/{member.slug}/")
    expect(agency.get_by_role("heading", name=member.display_name)).to_be_visible()
    expect(agency.get_by_text("We are proud to join.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    other.close()
