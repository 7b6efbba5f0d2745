"""One pledge, any language (docs/i18n.md): the French form asks in French under the English
form's keys, and a pledge made in French is the same record, with its e-mails in French."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from campaign_pages.demo_translations import demo_objects, translate
from pledge_forms import checked
from pledge_forms.models import (
    ChecklistItem,
    OutgoingMail,
    Pledge,
    PledgeDraft,
    PledgeFormField,
    PledgeSubmission,
)
from pledge_forms.services import review
from pledge_forms.testing.factories import PledgeFormPageFactory
from tests.campaign_pages.conftest import build_site
from tests.pledge_forms.conftest import run_on_commit  # noqa: F401 (a fixture)
from tests.pledge_forms.steps_walk import send, visible_text, walk
from tests.snapshots import built_once

pytestmark = pytest.mark.django_db

FRENCH = {
    "Trust Building Campaign": "Campagne pour bâtir la confiance",
    "Building trust together.": "Bâtir la confiance ensemble.",
    "Pledge": "Engagement",
    "Use of Force": "Recours à la force",
    "Policy built on the National Consensus Policy": "Politique fondée sur la "
    "National Consensus Policy",
    "How did you hear about the campaign?": "Comment avez-vous connu la campagne ?",
    "A colleague or an association": "Un collègue ou une association",
    # wagtail-localize shows a plain text field's line breaks as <br/>.
    "Colleague<br/>Association<br/>The news": "Collègue<br/>Association<br/>Les actualités",
    "Do you have a community advisory board?": "Avez-vous un comité consultatif ?",
}


@pytest.fixture
def site(settings):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    return build_translated_site()


@built_once
def build_translated_site():
    built = build_site(resources=0, news=0)
    checklist = built.areas[0].checklist_section.checklist
    built.page = PledgeFormPageFactory(parent=built.home, checklist=checklist)
    PledgeFormField.objects.create(
        page=built.page,
        label="How did you hear about the campaign?",
        help_text="A colleague or an association",
        field_type="radio",
        choices="Colleague\nAssociation\nThe news",
        required=False,
        step="commitment",
    )
    PledgeFormField.objects.create(
        page=built.page,
        label="Do you have a community advisory board?",
        field_type="singleline",
        required=False,
        step="commitment",
    )
    built.page.refresh_from_db()
    french = Locale.objects.get(language_code="fr")
    # wagtail-localize publishes a translation once its transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        made, _missing = translate(demo_objects(built.home), french, FRENCH)
    assert made
    built.french = built.page.get_translation(french)
    return built


def names(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_0-9]+)"', html))


def test_the_french_form_asks_in_french_under_the_english_keys(client, site):
    walk(client, site.page, until="commitment")
    english = client.get(f"{site.page.url}step/commitment/").content.decode()
    french_url = f"{site.french.url}step/commitment/"
    assert french_url.startswith("/fr/")
    french = client.get(french_url).content.decode()

    assert "Comment avez-vous connu la campagne ?" in french
    assert "Un collègue ou une association" in french
    assert "Avez-vous un comité consultatif ?" in french
    assert "How did you hear" not in french
    # The same fields under the same names; a choice keeps the English value it is
    # stored under and shows the French label.
    assert names(french) == names(english)
    assert 'value="Colleague"' in french
    assert re.search(r'value="The news"[^>]*>\s*<label[^>]*>\s*Les actualités', french)
    # The translated questions keep the source's keys (wagtail-localize keeps them).
    source_keys = set(site.page.form_fields.values_list("clean_name", flat=True))
    assert set(site.french.form_fields.values_list("clean_name", flat=True)) == (
        source_keys
    )


def test_the_practices_are_asked_in_french_by_the_english_practices(client, site):
    item = ChecklistItem.objects.get(code="UF-1", locale__language_code="en")
    walk(client, site.page, until="practices-use-of-force")
    html = client.get(f"{site.french.url}step/practices-use-of-force/").content.decode()
    assert "Politique fondée sur la National Consensus Policy" in visible_text(html)
    assert "Policy built on the National Consensus Policy" not in visible_text(html)
    assert f'name="practice_{item.pk}"' in html
    french_item = item.get_translation(Locale.objects.get(language_code="fr"))
    assert f'name="practice_{french_item.pk}"' not in html


def test_a_pledge_made_in_french_is_the_english_pages_record_with_french_mail(
    client,
    site,
    run_on_commit,  # noqa: F811
):
    walk(
        client,
        site.french,
        {"commitment": {"extra_how_did_you_hear_about_the_campaign": "The news"}},
    )
    assert send(client, site.french).status_code == 303

    pledge = Pledge.objects.get()
    assert pledge.form_page_id == site.page.pk
    assert pledge.language == "fr"
    submission = PledgeSubmission.objects.get(pledge=pledge)
    assert submission.page_id == site.page.pk
    assert submission.language == "fr"
    assert (
        submission.form_data.get("extra_how_did_you_hear_about_the_campaign")
        == "The news"
    ), submission.form_data
    assert {row.item.locale.language_code for row in pledge.practices.all()} == {"en"}

    confirmation = OutgoingMail.objects.get(pledge=pledge, purpose="confirmation")
    assert confirmation.subject == (
        "Veuillez confirmer votre engagement – Campagne pour bâtir la confiance"
    )
    assert "/fr/pledge/verify/" in confirmation.body_text
    assert 'lang="fr"' in confirmation.body_html

    # Confirming in French sends the reviewers their notice in English.
    link = re.search(
        r"http://testserver(/fr/pledge/verify/\S+/)", confirmation.body_text
    )
    assert client.get(link.group(1)).status_code in (200, 302, 303)
    confirmed = client.post(f"{site.french.url}verify/")
    assert confirmed.status_code == 200
    assert '<html lang="fr">' in confirmed.content.decode()
    reviewer = OutgoingMail.objects.get(pledge=pledge, purpose="reviewer")
    assert reviewer.subject == "A pledge is ready for review – Trust Building Campaign"

    review.approve(Pledge.objects.get(pk=pledge.pk))
    approved = OutgoingMail.objects.get(pledge=pledge, purpose="approved")
    assert 'lang="fr"' in approved.body_html
    assert approved.subject.startswith("Votre engagement a été approuvé")


def test_changing_language_in_the_middle_keeps_the_answers(client, site):
    walk(client, site.page, until="contacts")
    draft = PledgeDraft.objects.get()
    assert draft.form_page_id == site.page.pk
    html = client.get(f"{site.french.url}step/agency/").content.decode()
    assert "Riverside Falls Police Department" in html
    assert PledgeDraft.objects.count() == 1


def check_page(client, page) -> str:
    response = client.get(f"{page.url}check/")
    assert response.status_code == 200
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()
    )


def test_the_check_step_shows_a_change_to_the_checklist_or_form_at_once_in_each_language(
    client, site
):
    """ "Check your answers" lists a draft whose steps all passed without checking it
    again: an edited practice or question shows at once, in the language edited, and
    what checking the whole pledge again shows is what it shows."""
    walk(
        client,
        site.page,
        {"commitment": {"extra_how_did_you_hear_about_the_campaign": "The news"}},
    )
    steps = checked.kept_form(site.page, for_update=False).steps
    assert checked.all_checked(
        site.page, PledgeDraft.objects.get(), steps, for_update=False
    )
    for page in (site.page, site.french):
        check_page(client, page)
    english = ChecklistItem.objects.get(code="UF-1", locale__language_code="en")
    french = english.get_translation(Locale.objects.get(language_code="fr"))
    english.title = "Written use-of-force policy, reviewed yearly"
    english.save()
    french.title = "Politique écrite sur le recours à la force, revue chaque année"
    french.save()
    for question in PledgeFormField.objects.filter(
        clean_name="how_did_you_hear_about_the_campaign"
    ):
        french_page = question.page_id == site.french.pk
        question.label = (
            "Où avez-vous entendu parler de nous ?"
            if french_page
            else ("Where did you hear of us?")
        )
        question.save()

    pages = {"en": check_page(client, site.page), "fr": check_page(client, site.french)}
    assert "Written use-of-force policy, reviewed yearly" in pages["en"]
    assert "Where did you hear of us?" in pages["en"]
    assert (
        "Politique écrite sur le recours à la force, revue chaque année" in pages["fr"]
    )
    assert "Où avez-vous entendu parler de nous ?" in pages["fr"]
    assert "Les actualités" in pages["fr"]
    assert "Written use-of-force" not in pages["fr"]

    cache.clear()  # the steps' notes: the whole pledge is checked again
    assert check_page(client, site.page) == pages["en"]
    assert check_page(client, site.french) == pages["fr"]


def test_a_practice_added_after_its_step_passed_is_asked_for_in_french(client, site):
    walk(client, site.page)
    english = ChecklistItem.objects.get(code="UF-1", locale__language_code="en")
    added = ChecklistItem.objects.create(
        section=english.section,
        number=26,
        code="UF-9",
        title="A new practice",
        description="",
    )
    html = check_page(client, site.french)
    assert (
        f'href="{site.french.url}step/practices-use-of-force/?change=1#id_practice_{added.pk}_0"'
        in html
    )


def test_the_french_form_costs_two_queries_more_than_the_english(client, site):
    counts = {}
    walk(client, site.page, until="commitment")
    for page in (site.page, site.french):
        url = f"{page.url}step/commitment/"
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[page.locale.language_code] = len(captured)
    # The source page and its questions (whose words the translation borrows).
    assert counts["fr"] <= counts["en"] + 2, counts
    assert not mail.outbox


def test_the_site_text_is_translated_like_a_page(client, site):
    french = client.get("/fr/").content.decode()
    footer = french.split('<footer class="usa-footer', 1)[1]
    assert "Bâtir la confiance ensemble." in footer
    assert "Building trust together." not in french
    assert (
        '<span class="usa-logo__text">Campagne pour bâtir la confiance</span>' in french
    )
    title = re.search(
        r"<title>(.*?)</title>", client.get(site.french.url).content.decode()
    )
    assert title.group(1).endswith("· Campagne pour bâtir la confiance")
    english = client.get("/").content.decode()
    assert "Building trust together." in english
    assert 'href="/" class="site-logo__link"' in english
    assert 'href="/fr/" class="site-logo__link"' in french


def test_staff_translate_the_form_and_the_checklist_in_the_translation_editor(
    client, site, django_user_model
):
    """wagtail-localize's editor opens on Wagtail 8 for a translated page (with its
    questions) and a translated snippet (a practice), showing each source string and its
    translation; the source keeps its own edit view."""
    admin = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(admin)
    page = client.get(f"/admin/pages/{site.french.pk}/edit/")
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    assert 'class="js-translation-editor"' in html
    assert "How did you hear about the campaign?" in html
    assert "Comment avez-vous connu la campagne" in html

    french_item = ChecklistItem.objects.get(code="UF-1", locale__language_code="fr")
    snippet = client.get(
        f"/admin/snippets/pledge_forms/checklistitem/edit/{french_item.pk}/"
    )
    assert snippet.status_code == 200
    assert 'class="js-translation-editor"' in snippet.content.decode()
    source = client.get(f"/admin/pages/{site.page.pk}/edit/")
    assert 'class="js-translation-editor"' not in source.content.decode()


def test_reviewers_see_the_language_of_a_pledge(client, django_user_model):
    from django.urls import reverse

    from pledge_forms.testing.factories import PledgeFactory

    pledge = PledgeFactory(language="fr", legal_name="Service de police de Lévis")
    admin = django_user_model.objects.create_superuser(
        "reviewer", "r@example.org", "pw"
    )
    client.force_login(admin)
    listing = client.get(reverse("wagtailsnippets_pledge_forms_pledge:list"))
    assert listing.status_code == 200
    assert "French" in visible_text(listing.content.decode())
    inspect = client.get(
        reverse("wagtailsnippets_pledge_forms_pledge:inspect", args=[pledge.pk])
    )
    assert inspect.status_code == 200
    assert "French" in visible_text(inspect.content.decode())
