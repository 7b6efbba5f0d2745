"""A French-speaking agency's whole journey in Chromium: it pledges at /fr/, gets its
e-mails in French, a reviewer approves it in the (English) admin, and it is a member in
the showcase in all three languages."""

import re

import pytest
from django.core import mail
from wagtail.models import Locale

from campaign_pages.demo_translations import demo_objects, translate
from pledge_forms.choices import ReviewStatus
from pledge_forms.models import Pledge
from pledge_forms.showcase.demo import ensure_showcase_page
from pledge_forms.testing.factories import PledgeFormPageFactory
from tests.campaign_pages.conftest import build_site
from tests.pledge_forms.showcase.test_journey_browser import sign_in_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "Service de police de la Ville de Lévis"
TEXT = {
    "legal_name": AGENCY,
    "city": "Lévis",
    "website": "https://police.levis.example",
    "chief_name": "Camille Exemple",
    "chief_title": "Directrice",
    "chief_email": "camille@levis.example",
    "chief_phone": "+1 418 555 0100",
    "signatory_name": "Camille Exemple",
    "signatory_title": "Directrice",
}
SELECT = {
    "agency_type": "municipal",
    "country": "CA",
    "region": "CA-QC",
    "size_band": "101-250",
}
CHECK = ("committed_all_areas", "consent_listed")
FRENCH = {
    "Trust Building Campaign": "Campagne pour bâtir la confiance",
    "Pledge": "Engagement",
    "Members": "Membres",
}


@pytest.fixture
def site(settings):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    built = build_site(resources=0, news=0)
    checklist = built.areas[0].checklist_section.checklist
    built.form = PledgeFormPageFactory(parent=built.home, checklist=checklist)
    built.showcase = ensure_showcase_page(built.home)
    for code, words in (("fr", FRENCH), ("es", {})):
        translate(
            demo_objects(built.home), Locale.objects.get(language_code=code), words
        )
    return built


def fill_step(page):
    """Answer the step shown, then press its "Continue" button."""
    for name, value in TEXT.items():
        field = page.locator(f"input[name={name}]")
        if field.count() and not field.input_value():
            field.fill(value)
    for name, value in SELECT.items():
        field = page.locator(f"select[name={name}]")
        if field.count():
            field.select_option(value)
    # The design system's checkboxes and radio tiles are chosen by their labels.
    choices = [page.locator(f"input[name={name}]") for name in CHECK]
    choices += page.locator("input[type=radio][value=in_place]").all()
    for choice in choices:
        if choice.count() and not choice.is_checked():
            page.locator(f'label[for="{choice.get_attribute("id")}"]').click()
    current = page.url
    page.locator("button[value=next]").click()
    page.wait_for_function(f"() => location.href !== {current!r}")


def test_a_french_agency_pledges_in_french_and_is_a_member_in_every_language(
    browser_page, live_server, site, django_user_model, axe
):
    page = browser_page
    page.goto("/fr/pledge/")
    assert page.locator("html").get_attribute("lang") == "fr"
    axe(page)
    while "/check/" not in page.url:
        assert "/fr/pledge/" in page.url
        fill_step(page)
    page.get_by_role("heading", name="Vérifiez vos réponses").wait_for()
    page.locator("button[name=action][value=send]").click()
    page.wait_for_url(re.compile(r"/fr/pledge/received/$"))

    pledge = Pledge.objects.get()
    assert (pledge.language, pledge.form_page_id) == ("fr", site.form.pk)
    (confirmation,) = mail.outbox
    assert confirmation.subject == (
        "Veuillez confirmer votre engagement – Campagne pour bâtir la confiance"
    )
    link = re.search(r"https?://\S+/fr/pledge/verify/\S+/", confirmation.body).group(0)
    page.goto("/" + link.split("/", 3)[3])
    page.get_by_role("button", name="Confirmer l'engagement").click()
    page.get_by_role("heading", name="Engagement confirmé").wait_for()
    assert Pledge.objects.get().review_status == ReviewStatus.AWAITING_REVIEW
    reviewers = [m for m in mail.outbox if m.to == ["reviewers@example.org"]]
    assert reviewers[0].subject.startswith("A pledge is ready for review")

    sign_in_reviewer(page, django_user_model)
    page.goto(f"/admin/snippets/pledge_forms/pledge/inspect/{pledge.pk}/")
    assert "French" in page.locator("main").inner_text()
    page.get_by_role("link", name="Approve and publish").click()
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_url(re.compile(r"/inspect/"))
    page.wait_for_load_state("networkidle")
    assert Pledge.objects.get().live

    to_agency = [m for m in mail.outbox if m.to == ["camille@levis.example"]]
    subjects = [m.subject for m in to_agency]
    assert "Votre engagement a été approuvé – Campagne pour bâtir la confiance" in (
        subjects
    )
    # Every e-mail to the agency (confirmation, approval, update link) is in French.
    assert all(s.endswith("– Campagne pour bâtir la confiance") for s in subjects)
    assert len(subjects) >= 3, subjects
    approved = to_agency[
        subjects.index(
            "Votre engagement a été approuvé – Campagne pour bâtir la confiance"
        )
    ]
    assert "/fr/members/" in approved.body

    for prefix, lang in (("", "en"), ("/es", "es"), ("/fr", "fr")):
        page.goto(f"{prefix}/members/")
        assert page.locator("html").get_attribute("lang") == lang
        page.get_by_role("link", name=AGENCY).first.wait_for()
        axe(page)
    page.get_by_role("link", name=AGENCY).first.click()
    page.wait_for_url(re.compile(r"/fr/members/[a-z0-9-]+/$"))
    assert "Québec" in page.locator("main").inner_text()
    axe(page)
