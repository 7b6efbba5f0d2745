"""Browser journeys in Chromium: keyboard-only pledge, e-mail link, reviewer approval, axe."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from pledge_forms.choices import ReviewStatus
from pledge_forms.models import Pledge

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TEXT = {
    "legal_name": "Keyboard Valley Police Department",
    "city": "Keyboard Valley",
    "website": "https://kv.example",
    "chief_name": "Robin Example",
    "chief_title": "Chief of Police",
    "chief_email": "robin@kv.example",
    "chief_phone": "+1 555 0111",
    "signatory_name": "Robin Example",
    "signatory_title": "Chief of Police",
}
SELECT = {
    "agency_type": ("Municipal police", "municipal"),
    "country": ("United States", "US"),
    "region": ("Oregon", "US-OR"),
    "size_band": ("51", "51-100"),
}
CHECK = {"committed_all_areas", "consent_listed"}


def active(page):
    return page.evaluate(
        "() => { const e = document.activeElement; return {tag: e.tagName.toLowerCase(), "
        "type: e.type || '', name: e.name || '', checked: !!e.checked, value: e.value || '', "
        "text: e.textContent.trim(), "
        "inForm: !!(e.form && e.form.id === 'pledge-form')}; }"
    )


def fill_by_keyboard(page, in_progress: set[str] = frozenset()):
    """Fill the step shown by keyboard alone, then press its "Continue" button.

    Every practice is put "in place", those named in ``in_progress`` "in progress" with
    a target month typed into the month field."""
    seen_groups = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        element = active(page)
        name = element["name"]
        if element["tag"] == "button" and element["value"] == "next":
            page.keyboard.press("Enter")
            return
        if name in TEXT and not element["value"]:
            page.keyboard.type(TEXT[name])
        elif name in SELECT:
            label, value = SELECT[name]
            page.keyboard.type(label)
            assert page.eval_on_selector(f"#id_{name}", "e => e.value") == value, name
        elif name in CHECK and not element["checked"]:
            page.keyboard.press("Space")
        elif name.startswith("practice_") and name not in seen_groups:
            seen_groups.add(name)
            page.keyboard.press("ArrowRight")  # "In progress"
            if name not in in_progress:
                page.keyboard.press("ArrowLeft")  # back to "In place"
        elif name.startswith("target_") and not element["value"]:
            page.keyboard.type("03")  # the month field takes the month,
            page.keyboard.press("ArrowRight")  # then, in its next part,
            page.keyboard.type(str(timezone.localdate().year + 1))  # the year
    raise AssertionError("never reached the Continue button")


def pledge_by_keyboard(page, first_area_in_progress: str = ""):
    """Every step of the form by keyboard, then "Send the pledge" on the last page."""
    page.goto("/pledge/")
    while "/check/" not in page.url:
        current = page.url
        fill_by_keyboard(page, {first_area_in_progress} - {""})
        page.wait_for_function(f"() => location.href !== {current!r}")
    expect(
        page.get_by_role("heading", name="Check your answers", exact=True)
    ).to_be_visible()
    for _ in range(200):
        page.keyboard.press("Tab")
        if (
            active(page)["text"] == "Send the pledge"
            and active(page)["tag"] == "button"
        ):
            break
    page.keyboard.press("Enter")


def test_an_agency_pledges_by_keyboard_follows_the_link_and_a_reviewer_approves(
    browser_page, live_server, pledge_page, django_user_model
):
    page = browser_page
    first = pledge_page.checklist_items().first()
    pledge_by_keyboard(page, f"practice_{first.pk}")
    page.wait_for_url(re.compile(r"/pledge/received/$"))

    pledge = Pledge.objects.get()
    assert pledge.legal_name == TEXT["legal_name"]
    assert pledge.region == "US-OR"
    statuses = dict(pledge.practices.values_list("item_id", "status"))
    assert statuses.pop(first.pk) == "in_progress"
    assert set(statuses.values()) == {"in_place"}
    row = pledge.practices.get(item=first)
    assert (row.target_month.year, row.target_month.month) == (
        timezone.localdate().year + 1,
        3,
    )

    link = re.search(r"https?://\S+/verify/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.goto(path)
    page.keyboard.press("Tab")
    while active(page)["text"] != "Confirm the pledge":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Pledge confirmed").wait_for()
    assert Pledge.objects.get().review_status == ReviewStatus.AWAITING_REVIEW

    reviewer = django_user_model.objects.create_user(
        "reviewer", password="pw-reviewer-1"
    )
    reviewer.groups.add(Group.objects.get(name="Campaign reviewers"))
    page.goto("/admin/login/")
    page.fill("#id_username", "reviewer")
    page.fill("#id_password", "pw-reviewer-1")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"/admin/snippets/pledge_forms/pledge/inspect/{pledge.pk}/")
    page.get_by_role("link", name="Approve and publish").click()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(re.compile(r"/inspect/"))
    page.wait_for_load_state("networkidle")  # no request in flight when the test ends
    approved = Pledge.objects.get()
    assert approved.live and approved.review_status == ReviewStatus.APPROVED


@pytest.mark.parametrize("width", [375, 1280])
def test_every_step_and_its_error_state_have_no_axe_violations(
    browser_page, live_server, pledge_page, axe, width
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/pledge/")
    while "/check/" not in page.url:
        axe(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_role("button", name=re.compile("^Continue")).click()
        # The summary is focused by a deferred script, which may run after it is shown.
        expect(page.locator("#pf-error-summary")).to_be_focused()
        axe(page)
        current = page.url
        fill_by_keyboard(page)
        page.wait_for_function(f"() => location.href !== {current!r}")
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # "Save and continue later": its page, its error state, and the "saved" page.
    page.get_by_role("link", name="Save and continue later").click()
    axe(page)
    page.fill("#id_email", "not an address")
    page.get_by_role("button", name="E-mail me the link").click()
    expect(page.locator("#pf-error-summary")).to_be_focused()
    axe(page)
    page.fill("#id_email", "robin@kv.example")
    page.get_by_role("button", name="E-mail me the link").click()
    expect(page.get_by_text("We have e-mailed a private link")).to_be_visible()
    axe(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
