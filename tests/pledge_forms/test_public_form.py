"""The public pledge form at /pledge/, through HTTP."""

import re
import time

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.utils import timezone

from pledge_forms.choices import PracticeStatus, ReviewStatus
from pledge_forms.forms import STARTED_SALT
from pledge_forms.models import Pledge, PledgeFormField, PledgeSubmission
from pledge_forms.services.identity import add_months
from tests.pledge_forms.steps_walk import step_slugs, step_url, walk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def started(seconds_ago=60):
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def form_post(page, **overrides):
    data = {
        "legal_name": "Riverside Falls Police Department",
        "agency_type": "municipal",
        "country": "US",
        "region": "US-OR",
        "city": "Riverside Falls",
        "size_band": "51-100",
        "website": "https://police.riverside-falls.example",
        "chief_name": "Dana Example",
        "chief_title": "Chief of Police",
        "chief_email": "chief@riverside-falls.example",
        "chief_phone": "+1 555 0100",
        "committed_all_areas": "on",
        "signatory_name": "Dana Example",
        "signatory_title": "Chief of Police",
        "signed_on": "2026-11-02",
        "consent_listed": "on",
        "consent_show_city": "on",
        "public_statement": "Proud to join.",
        "started": started(),
        "fax_number": "",
    }
    target = add_months(timezone.localdate(), 6).strftime("%Y-%m")
    for item in page.checklist_items():
        data[f"practice_{item.pk}"] = PracticeStatus.IN_PROGRESS
        data[f"target_{item.pk}"] = target
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_shows_every_section_and_links_each_practice(
    client, form_page, settings
):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    settings.PLEDGE_FORMS_PRACTICE_URL = "/areas/{section}/#p{number}"
    response = client.get("/pledge/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-hidden="true"' in html and 'name="fax_number"' in html
    walk(client, form_page, until="commitment")
    radios = 0
    for slug in step_slugs(client, form_page):
        if slug.startswith("practices-"):
            step = client.get(step_url(form_page, slug)).content.decode()
            radios += step.count('type="radio"')
            assert step.count("(required)") == len(re.findall(r"<legend[ >]", step))
            for item in form_page.checklist_items():
                if slug == f"practices-{item.section.slug}":
                    assert f'href="/areas/{item.section.slug}/#p{item.number}"' in step
                    assert f"{item.number}. {item.title}" in step
    assert radios == 25 * 4


def test_a_pledge_goes_from_form_to_e_mail_link_to_reviewer_queue(
    client, form_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/pledge/", form_post(form_page))
    assert response.status_code == 302
    assert response["Location"].endswith("/pledge/received/")
    assert client.get(response["Location"]).status_code == 200
    pledge = Pledge.objects.get()
    assert pledge.review_status == ReviewStatus.UNVERIFIED
    link = re.search(r"https?://\S+/verify/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else link
    assert client.get(path, follow=True).status_code == 200
    assert Pledge.objects.get().verified_at is None  # a GET never confirms
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post("/pledge/verify/")
    assert confirmed.status_code == 200
    assert Pledge.objects.get().review_status == ReviewStatus.AWAITING_REVIEW
    assert mail.outbox[-1].to == ["reviewers@example.org"]


def test_errors_are_summarised_and_nothing_typed_is_lost(client, form_page):
    response = client.post(
        "/pledge/",
        form_post(form_page, chief_email="not-an-email", city="", region="CA-ON"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="pf-error-summary"' in html
    assert 'href="#id_chief_email"' in html and 'href="#id_city"' in html
    assert 'href="#id_region"' in html
    assert 'value="not-an-email"' in html
    assert 'value="Riverside Falls Police Department"' in html
    assert 'aria-invalid="true"' in html
    assert Pledge.objects.count() == 0


def test_a_missing_practice_status_points_at_its_radio_group(client, form_page):
    item = form_page.checklist_items().first()
    response = client.post(
        "/pledge/", form_post(form_page, **{f"practice_{item.pk}": None})
    )
    assert f'href="#id_practice_{item.pk}_0"' in response.content.decode()


def test_markup_typed_in_the_form_comes_back_escaped(client, form_page):
    response = client.post(
        "/pledge/", form_post(form_page, legal_name="<script>x</script>", city="")
    )
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_a_filled_honeypot_is_thanked_but_stores_nothing(client, form_page):
    response = client.post("/pledge/", form_post(form_page, fax_number="555"))
    assert response.status_code == 302
    assert Pledge.objects.count() == 0 and PledgeSubmission.objects.count() == 0


def test_a_form_sent_faster_than_a_person_can_type_is_refused(client, form_page):
    response = client.post("/pledge/", form_post(form_page, started=started(0)))
    assert "very fast" in response.content.decode()
    response = client.post("/pledge/", form_post(form_page, started="forged"))
    assert "expired" in response.content.decode()
    assert Pledge.objects.count() == 0


def test_too_many_pledges_from_one_client_are_refused_with_answers_kept(
    client, form_page, settings
):
    settings.PLEDGE_FORMS_RATE_LIMIT = 1
    assert client.post("/pledge/", form_post(form_page)).status_code == 302
    response = client.post("/pledge/", form_post(form_page, legal_name="Second Agency"))
    assert response.status_code == 429
    assert 'value="Second Agency"' in response.content.decode()


def test_a_cache_outage_never_turns_into_an_error_page(client, form_page, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.post("/pledge/", form_post(form_page))
    assert response.status_code == 302
    assert Pledge.objects.count() == 1


def test_a_repeat_pledge_is_kept_and_answered_like_a_new_one(client, form_page):
    client.post("/pledge/", form_post(form_page))
    response = client.post(
        "/pledge/", form_post(form_page, legal_name="riverside falls police dept")
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/pledge/received/")
    assert Pledge.objects.count() == 1
    assert PledgeSubmission.objects.count() == 2


def test_extra_questions_are_asked_and_stored_with_their_labels(
    client, form_page, settings
):
    PledgeFormField.objects.create(
        page=form_page,
        label="How did you hear of us?",
        field_type="singleline",
        required=True,
        help_text="<b>bold</b>",
    )
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    walk(client, form_page, until="commitment")
    html = client.get(step_url(form_page, "commitment")).content.decode()
    assert "How did you hear of us?" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    response = client.post("/pledge/", form_post(form_page))
    assert "How did you hear of us?" in response.content.decode()  # required, missing
    client.post(
        "/pledge/", form_post(form_page, extra_how_did_you_hear_of_us="A colleague")
    )
    submission = PledgeSubmission.objects.get()
    assert submission.form_data["extra_how_did_you_hear_of_us"] == "A colleague"
    assert (
        submission.labels["extra_how_did_you_hear_of_us"] == "How did you hear of us?"
    )


def test_malformed_requests_get_field_errors_not_server_errors(client, form_page):
    item = form_page.checklist_items().first()
    response = client.post(
        "/pledge/",
        form_post(
            form_page,
            country="XX",
            agency_type="bogus",
            size_band="\x00",
            signed_on="31/31/2026",
            **{f"practice_{item.pk}": "maybe"},
        ),
    )
    assert response.status_code == 200
    assert Pledge.objects.count() == 0
    assert client.get("/pledge/verify/garbage/").status_code == 404
    assert client.get("/pledge/update/garbage/").status_code == 404
    assert client.put("/pledge/").status_code == 405


def test_a_closed_form_says_so(client, form_page):
    from django.utils import timezone

    form_page.closes_at = timezone.now()
    form_page.save_revision().publish()
    response = client.post("/pledge/", form_post(form_page))
    assert "not open" in response.content.decode()
    assert Pledge.objects.count() == 0


def test_the_update_link_makes_a_draft_and_keeps_the_live_entry(client, form_page):
    from pledge_forms import services
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    token = services.make_update_token(pledge)
    page = client.get(f"/pledge/update/{token}/", follow=True)
    assert page.status_code == 200
    assert "Riverside Falls Police Department" in page.content.decode()
    response = client.post(
        "/pledge/update/",
        form_post(form_page, public_statement="Two more practices in place."),
    )
    assert response.status_code == 200
    live = Pledge.objects.get()
    assert live.public_statement == "We are proud to join."
    assert (
        live.get_latest_revision_as_object().public_statement
        == "Two more practices in place."
    )


def test_the_update_form_shows_and_needs_no_identity_and_keeps_practice_details(
    client, form_page
):
    """A browser does not post disabled fields: the agency's name, country and state
    come from the pledge; its target months and evidence links are filled in."""
    from pledge_forms import services
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    item = form_page.checklist_items().first()
    pledge.practices.filter(item=item).update(
        status="in_progress", target_month=add_months(timezone.localdate(), 3)
    )
    client.get(f"/pledge/update/{services.make_update_token(pledge)}/", follow=True)
    html = client.get("/pledge/update/step/location/").content.decode()
    assert html.count("<option") == 2  # the pledge's own state, and "none"
    agency = client.get("/pledge/update/step/agency/").content.decode()
    assert agency.count("<option") < 25  # its country; agency types, sizes
    assert "disabled" in html
    month = add_months(timezone.localdate(), 3).strftime("%Y-%m")
    area = client.get(f"/pledge/update/step/practices-{item.section.slug}/")
    assert f'name="target_{item.pk}" value="{month}"' in area.content.decode()
    answers = form_post(form_page, public_statement="Posted without identity.")
    for name in ("legal_name", "country", "region"):
        answers.pop(name)
    response = client.post("/pledge/update/", answers)
    assert "Update received" in response.content.decode()


REQUIRED = [
    "legal_name",
    "agency_type",
    "country",
    "city",
    "size_band",
    "chief_name",
    "chief_title",
    "chief_email",
    "chief_phone",
    "signatory_name",
    "signatory_title",
    "signed_on",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_every_required_answer_is_asked_for_by_name(client, form_page, name):
    response = client.post("/pledge/", form_post(form_page, **{name: ""}))
    html = response.content.decode()
    assert f'href="#id_{name}"' in html
    assert f'id="id_{name}_error"' in html
    assert Pledge.objects.count() == 0


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("chief_email", "chief@", "valid email"),
        ("website", "not a url", "valid URL"),
        ("contact_email", "x@", "valid email"),
        ("signed_on", "2026-13-45", "valid date"),
        ("legal_name", "x" * 256, "at most 255"),
        ("public_statement", "x" * 1001, "at most 1000"),
        ("country", "ZZ", "from the list"),
        ("region", "US-ZZ", "from the list"),
        ("region", "", "state or province"),
        ("contact_phone", "+1 555 0199", "second contact"),
    ],
)
def test_each_field_explains_what_is_wrong(client, form_page, name, value, message):
    response = client.post("/pledge/", form_post(form_page, **{name: value}))
    html = response.content.decode()
    assert message in html, html[html.find("pf-error-summary") :][:800]
    assert Pledge.objects.count() == 0


def test_choices_and_ticks_survive_an_error(client, form_page):
    item = form_page.checklist_items().last()
    response = client.post(
        "/pledge/",
        form_post(form_page, city="", **{f"practice_{item.pk}": "planned"}),
    )
    html = response.content.decode()
    assert re.search(
        rf'<input type="radio" name="practice_{item.pk}" value="planned"[^>]*checked',
        html,
    )
    assert re.search(r'name="committed_all_areas"[^>]*checked', html)
    assert re.search(r'<option value="US-OR" selected>', html)
    assert re.search(r'<option value="US" selected>', html)


def test_a_post_without_the_csrf_token_is_refused(form_page):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/pledge/", form_post(form_page))
    assert response.status_code == 403
    assert Pledge.objects.count() == 0
    page = client.get("/pledge/")
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()
    )
    response = client.post(
        "/pledge/", {**form_post(form_page), "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    assert Pledge.objects.count() == 1


def test_each_visitor_gets_a_form_of_their_own(form_page):
    """The form is never served from a shared cache: tokens differ per visitor."""
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [client.get("/pledge/") for client in (first, second)]
    assert all("no-cache" in page.get("Cache-Control", "") for page in pages)
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        for page in pages
    ]
    response = second.post(
        "/pledge/", {**form_post(form_page), "csrfmiddlewaretoken": tokens[1].group(1)}
    )
    assert response.status_code == 302


def test_the_long_country_and_region_lists_follow_the_answer_and_the_form(form_page):
    """The two long lists are kept rendered in the cache: never with another answer,
    another error state, or the first pledge's enabled lists on an update form."""
    from django.template.loader import render_to_string

    from pledge_forms.forms import PledgeForm

    def region_markup(form) -> str:
        return render_to_string(
            "pledge_forms/includes/field.html", {"field": form["region"]}
        )

    blank = region_markup(PledgeForm(page=form_page))
    assert '<option value="US-CA">' in blank
    assert "selected" not in blank.split('value="US-CA"')[1][:12]

    answered = PledgeForm(
        {"country": "US", "region": "US-CA"}, page=form_page, check_timing=False
    )
    answered.is_valid()
    assert '<option value="US-CA" selected>' in region_markup(answered)

    wrong = PledgeForm(
        {"country": "FR", "region": "US-CA"}, page=form_page, check_timing=False
    )
    wrong.is_valid()
    assert 'aria-invalid="true"' in region_markup(wrong)

    update = PledgeForm(
        initial={"country": "US", "region": "US-CA"}, page=form_page, for_update=True
    )
    markup = region_markup(update)
    assert "disabled" in markup
    assert '<option value="US-CA" selected>' in markup
