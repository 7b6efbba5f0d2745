"""The pledge form in steps: each step its own page, answers kept in a server draft."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from pledge_forms.choices import PracticeStatus, ReviewStatus
from pledge_forms.evidence import evidence_storage
from pledge_forms.housekeeping import run_housekeeping
from pledge_forms.models import Pledge, PledgeDraft, PledgeFormField
from tests.pledge_forms.steps_walk import (
    element_count,
    send,
    step_answers,
    step_slugs,
    step_url,
    visible_text,
    walk,
)
from tests.pledge_forms.test_evidence import PDF
from tests.pledge_forms.test_logos import image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick(settings):
    cache.clear()
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0


def test_every_step_is_light_and_named_by_the_indicator(client, form_page):
    slugs = step_slugs(client, form_page)
    first = client.get(form_page.url)
    html = first.content.decode()
    # Read as text (the site's step indicator sets the number in a circle of its own).
    assert re.search(r"Step 1 of 11:? Your agency", visible_text(html))
    for title in ("Your agency", "Chief executive and contacts", "Check your answers"):
        assert title in html
    walk(client, form_page)
    for slug in [*slugs, "check"]:
        response = client.get(step_url(form_page, slug))
        assert response.status_code == 200, slug
        html = response.content.decode()
        assert len(response.content) < 60_000, (slug, len(response.content))
        assert element_count(html) < 1500, slug


def test_a_whole_pledge_goes_through_the_steps_and_is_stored_once(
    client, form_page, run_on_commit
):
    walk(client, form_page)
    draft = PledgeDraft.objects.get()
    assert client.session.get(f"pledge_forms_draft:{form_page.pk}") == draft.key
    check = client.get(step_url(form_page, "check"))
    html = check.content.decode()
    assert "Riverside Falls Police Department" in html
    assert "Oregon" in html and "In place" in html
    assert check.content.count(b">Change<") >= 10
    response = send(client, form_page)
    assert response.status_code == 303
    assert response["Location"].endswith("/received/")
    pledge = Pledge.objects.get()
    assert pledge.region == "US-OR"
    assert pledge.practices.filter(status=PracticeStatus.IN_PLACE).count() == 25
    assert not PledgeDraft.objects.exists()
    assert [m.to for m in mail.outbox] == [["chief@riverside-falls.example"]]
    # A second click on "Send" finds nothing more to send: the same answer.
    again = send(client, form_page)
    assert again.status_code == 303 and again["Location"].endswith("/received/")
    assert Pledge.objects.count() == 1


def box_ticked(html: str, name: str) -> bool:
    """Whether the checkbox ``name`` of the page is shown ticked."""
    (tag,) = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    return re.search(r"\schecked[\s>]", tag) is not None


def test_back_keeps_every_answer_even_unchecked_boxes(client, form_page):
    walk(client, form_page, until="commitment")
    answers = step_answers(form_page, "commitment", consent_show_city=None)
    client.post(step_url(form_page, "commitment"), {**answers, "action": "back"})
    html = client.get(step_url(form_page, "commitment")).content.decode()
    assert 'name="consent_show_city"' in html
    assert not box_ticked(html, "consent_show_city")
    # The same check for a box left ticked (so the line above can fail).
    assert box_ticked(html, "committed_all_areas")
    assert "Proud to join." in html


def test_an_error_keeps_what_was_typed_and_names_the_field(client, form_page):
    response = client.post(
        step_url(form_page, "agency"),
        step_answers(form_page, "agency", legal_name="", size_band="lots"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem with your answers" in html
    assert 'href="#id_legal_name"' in html and 'href="#id_size_band"' in html
    assert 'value="municipal" selected' in html
    assert PledgeDraft.objects.get().answers["agency_type"] == ["municipal"]


def test_the_state_list_is_that_of_the_country_chosen_before(client, form_page):
    client.post(
        step_url(form_page, "agency"), step_answers(form_page, "agency", country="CA")
    )
    html = client.get(step_url(form_page, "location")).content.decode()
    assert "Ontario" in html and "Oregon" not in html
    response = client.post(
        step_url(form_page, "location"),
        step_answers(form_page, "location", region="US-OR"),
    )
    assert response.status_code == 200
    assert "Choose a state or province from the list." in response.content.decode()
    # A country without states or provinces does not ask for one.
    client.post(
        step_url(form_page, "agency"), step_answers(form_page, "agency", country="BM")
    )
    assert (
        'name="region"'
        not in client.get(step_url(form_page, "location")).content.decode()
    )


def test_practices_in_progress_or_planned_ask_for_a_target_month(client, form_page):
    walk(client, form_page, until="practices-bias-free-policing")
    item = (
        form_page.checklist_items().filter(section__slug="bias-free-policing").first()
    )
    answers = step_answers(
        form_page,
        "practices-bias-free-policing",
        **{f"practice_{item.pk}": PracticeStatus.IN_PROGRESS},
    )
    response = client.post(step_url(form_page, "practices-bias-free-policing"), answers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Give the month by which this practice will be in place." in html
    assert f"{item.number}. {item.title}" in html
    answers[f"target_{item.pk}"] = "2020-01"
    response = client.post(step_url(form_page, "practices-bias-free-policing"), answers)
    assert "Choose this month or a later one." in response.content.decode()
    answers[f"target_{item.pk}"] = "2099-01"
    response = client.post(step_url(form_page, "practices-bias-free-policing"), answers)
    assert "within the 36 months" in response.content.decode()


def test_the_target_month_tells_its_format_in_valid_markup(client, form_page):
    """HTML allows no placeholder on a month input (the Nu checker's error): the format
    is in the field's help text, which the input names."""
    walk(client, form_page, until="practices-bias-free-policing")
    html = client.get(step_url(form_page, "practices-bias-free-policing")).content
    months = re.findall(r'<input type="month"[^>]*>', html.decode())
    assert months
    for tag in months:
        assert "placeholder" not in tag
        (helptext,) = re.findall(r'aria-describedby="(id_target_\d+_helptext)"', tag)
        assert f'id="{helptext}"' in html.decode()
    assert "as year and month (for example 2027-03)" in html.decode()


def test_extra_questions_appear_in_the_step_the_editor_chose(client, form_page):
    PledgeFormField.objects.create(
        page=form_page,
        label="Who referred you?",
        field_type="singleline",
        required=False,
        step="contacts",
    )
    walk(client, form_page, until="contacts")
    assert (
        "Who referred you?"
        in client.get(step_url(form_page, "contacts")).content.decode()
    )
    assert "Who referred you?" not in client.get(form_page.url).content.decode()


def test_a_step_cannot_be_reached_before_the_first(client, form_page):
    response = client.get(step_url(form_page, "contacts"))
    assert response.status_code == 303
    assert client.get(step_url(form_page, "nowhere")).status_code == 404


def test_a_new_pledge_for_an_agency_that_pledged_looks_the_same(
    client, form_page, run_on_commit
):
    walk(client, form_page)
    send(client, form_page)
    Pledge.objects.update(
        review_status=ReviewStatus.APPROVED, verified_at="2026-01-01T00:00Z"
    )
    mail.outbox.clear()
    other = client.__class__()
    walk(other, form_page, {"contacts": {"chief_email": "someone@else.example"}})
    response = send(other, form_page)
    assert response.status_code == 303 and response["Location"].endswith("/received/")
    assert Pledge.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["chief@riverside-falls.example"]]


def resume_link_from(message) -> str:
    return re.search(r"https?://\S+/resume/[A-Za-z0-9_-]+/", message.body).group(0)


def test_save_and_continue_later_mails_a_link_that_works_in_another_browser(
    client, form_page, run_on_commit, settings
):
    walk(client, form_page, until="practices-bias-free-policing")
    response = client.post(
        step_url(form_page, "practices-bias-free-policing"), {"action": "save"}
    )
    assert response.status_code == 303 and response["Location"].endswith("/save/")
    page = client.get(response["Location"]).content.decode()
    assert 'value="chief@riverside-falls.example"' in page  # the chief's, to start with
    sent = client.post(f"{form_page.url}save/", {"email": "deputy@riverside.example"})
    assert (
        "We have e-mailed a private link to deputy@riverside.example"
        in sent.content.decode()
    )
    (message,) = mail.outbox
    assert message.to == ["deputy@riverside.example"]
    assert "30 days" in message.body
    link = resume_link_from(message)
    # The session holds only the draft's key, never the answers.
    session = dict(client.session.items())
    assert "Riverside" not in repr(session)

    deputy = client.__class__()
    token = link.rstrip("/").rpartition("/")[2]
    opened = deputy.get(_path(link))
    assert opened.status_code == 303 and token not in opened["Location"]
    landed = deputy.get(opened["Location"], follow=True)
    assert landed.status_code == 200
    html = landed.content.decode()
    assert "Bias-Free Policing" in html
    walk(deputy, form_page)
    assert send(deputy, form_page).status_code == 303
    assert Pledge.objects.get().chief_email == "chief@riverside-falls.example"
    assert not PledgeDraft.objects.exists()
    # Sent: the link opens nothing any more.
    stale = client.__class__().get(_path(link), follow=True)
    assert stale.status_code == 404


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].partition("/")[2]


def test_a_resume_link_can_be_revoked_and_the_draft_deleted(
    client, form_page, run_on_commit
):
    walk(client, form_page, until="location")
    client.post(f"{form_page.url}save/", {"email": "chief@riverside-falls.example"})
    first = resume_link_from(mail.outbox[-1])
    client.post(f"{form_page.url}save/", {"action": "revoke"})
    assert client.__class__().get(_path(first), follow=True).status_code == 404
    client.post(f"{form_page.url}save/", {"email": "chief@riverside-falls.example"})
    second = resume_link_from(mail.outbox[-1])
    assert client.__class__().get(_path(second)).status_code == 303
    deleted = client.post(f"{form_page.url}discard/")
    assert "Your draft is deleted" in deleted.content.decode()
    assert not PledgeDraft.objects.exists()
    assert client.__class__().get(_path(second), follow=True).status_code == 404


def test_resume_links_are_limited_per_draft_and_day(client, form_page, run_on_commit):
    walk(client, form_page, until="location")
    for _ in range(3):
        client.post(f"{form_page.url}save/", {"email": "chief@riverside-falls.example"})
    refused = client.post(
        f"{form_page.url}save/", {"email": "chief@riverside-falls.example"}
    )
    assert "already sent several links" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_a_bad_address_is_refused_on_its_field(client, form_page):
    walk(client, form_page, until="location")
    response = client.post(f"{form_page.url}save/", {"email": "not an address"})
    html = response.content.decode()
    assert 'href="#id_email"' in html and 'value="not an address"' in html


def test_unfinished_drafts_are_purged_by_housekeeping(client, form_page, settings):
    walk(client, form_page, until="location")
    saved = PledgeDraft.objects.create(form_page=form_page, saved_at=timezone.now())
    now = timezone.now()
    counts = run_housekeeping(now + timedelta(hours=49))
    assert counts["drafts_deleted"] == 1  # the unsaved one
    assert list(PledgeDraft.objects.all()) == [saved]
    assert run_housekeeping(now + timedelta(days=31))["drafts_deleted"] == 1
    assert not PledgeDraft.objects.exists()


def test_a_logo_waits_with_the_draft_and_reaches_the_pledge(
    client, form_page, run_on_commit
):
    walk(client, form_page, until="location")
    upload = SimpleUploadedFile(
        "badge.png", image_bytes("PNG"), content_type="image/png"
    )
    client.post(
        step_url(form_page, "location"),
        {**step_answers(form_page, "location"), "logo": upload},
    )
    draft = PledgeDraft.objects.get()
    assert draft.files["logo"]["original"] == "badge.png"
    assert "badge.png" in client.get(step_url(form_page, "location")).content.decode()
    walk(client, form_page)  # posts the location step again, without a file
    assert "badge.png" in client.get(step_url(form_page, "check")).content.decode()
    send(client, form_page)
    assert Pledge.objects.get().logo.name


AREA = "practices-bias-free-policing"


def test_evidence_and_a_target_month_reach_the_practice_rows(
    client, form_page, run_on_commit
):
    first, second = form_page.checklist_items().filter(
        section__slug="bias-free-policing"
    )[:2]
    target = timezone.localdate().replace(day=1) + timedelta(days=62)
    walk(client, form_page, until=AREA)
    answers = step_answers(
        form_page,
        AREA,
        **{
            f"practice_{first.pk}": PracticeStatus.IN_PROGRESS,
            f"target_{first.pk}": target.strftime("%Y-%m"),
            f"evidence_url_{second.pk}": "https://kv.example/policy",
            f"evidence_file_{second.pk}": SimpleUploadedFile(
                "policy.pdf", PDF, content_type="application/pdf"
            ),
        },
    )
    assert client.post(step_url(form_page, AREA), answers).status_code == 303
    stored = PledgeDraft.objects.get().files[f"evidence_file_{second.pk}"]
    assert stored["original"] == "policy.pdf" and stored["kind"] == "evidence"
    assert "policy.pdf" in client.get(step_url(form_page, AREA)).content.decode()
    # The rest of the steps (the practices step again, its file kept without a new upload).
    kept = {key: value for key, value in answers.items() if "evidence_file" not in key}
    walk(client, form_page, {AREA: kept})
    check = client.get(step_url(form_page, "check")).content.decode()
    assert "Evidence file: policy.pdf" in check and "In progress" in check
    send(client, form_page)
    pledge = Pledge.objects.get()
    row = pledge.practices.get(item=first)
    assert row.status == PracticeStatus.IN_PROGRESS
    assert row.target_month == target.replace(day=1)
    evidence = pledge.practices.get(item=second)
    assert evidence.evidence_url == "https://kv.example/policy"
    assert evidence.evidence_file.name == stored["name"]
    assert evidence.evidence_file.storage.exists(stored["name"])


def test_a_file_of_another_type_is_refused_on_its_field_answers_kept(client, form_page):
    item = (
        form_page.checklist_items().filter(section__slug="bias-free-policing").first()
    )
    walk(client, form_page, until=AREA)
    answers = step_answers(
        form_page,
        AREA,
        **{
            f"note_{item.pk}": "Adopted in May.",
            f"evidence_file_{item.pk}": SimpleUploadedFile(
                "policy.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
        },
    )
    response = client.post(step_url(form_page, AREA), answers)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_evidence_file_{item.pk}"' in html
    assert "none of these" in html
    assert 'value="Adopted in May."' in html
    assert not PledgeDraft.objects.get().files


def test_deleting_a_draft_deletes_its_evidence_files(client, form_page):
    item = (
        form_page.checklist_items().filter(section__slug="bias-free-policing").first()
    )
    walk(client, form_page, until=AREA)
    client.post(
        step_url(form_page, AREA),
        step_answers(
            form_page,
            AREA,
            **{f"evidence_file_{item.pk}": SimpleUploadedFile("p.pdf", PDF)},
        ),
    )
    name = PledgeDraft.objects.get().files[f"evidence_file_{item.pk}"]["name"]
    storage = evidence_storage()
    assert storage.exists(name)
    client.post(f"{form_page.url}discard/")
    assert not storage.exists(name)


def test_sending_too_soon_after_starting_is_refused_with_the_answers_kept(
    client, form_page, settings
):
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 600
    walk(client, form_page)
    response = send(client, form_page)
    assert response.status_code == 200
    assert "That was very fast" in response.content.decode()
    assert PledgeDraft.objects.exists() and not Pledge.objects.exists()


def test_the_rate_limit_and_a_database_failure_keep_the_draft(
    client, form_page, settings, monkeypatch
):
    from django.db import DatabaseError

    from pledge_forms import services
    from pledge_forms.services import drafts

    walk(client, form_page)
    settings.PLEDGE_FORMS_RATE_LIMIT = 1
    monkeypatch.setattr(services, "rate_limited", lambda client: True)
    limited = send(client, form_page)
    assert limited.status_code == 429
    assert "Too many pledges" in limited.content.decode()
    monkeypatch.setattr(services, "rate_limited", lambda client: False)

    def fail(*args, **kwargs):
        raise DatabaseError("down")

    # The database fails as the request marks the draft sent: nothing is sent.
    monkeypatch.setattr(drafts, "claim", fail)
    failed = send(client, form_page)
    assert failed.status_code == 503
    assert "could not be stored just now" in failed.content.decode()
    assert "Riverside Falls Police Department" in failed.content.decode()
    assert PledgeDraft.objects.filter(sent_at__isnull=True).count() == 1
    assert not Pledge.objects.exists()


def test_answers_missing_at_the_end_are_listed_with_links_to_their_step(
    client, form_page
):
    walk(client, form_page, until="contacts")
    response = send(client, form_page)
    html = response.content.decode()
    assert response.status_code == 200
    assert "These answers still need your attention" in html
    assert f'href="{step_url(form_page, "contacts")}?change=1#id_chief_email"' in html
    assert not Pledge.objects.exists()


def test_a_filled_trap_field_is_thanked_and_stores_nothing(client, form_page):
    walk(client, form_page, {"agency": {"fax_number": "555-0100"}})
    response = send(client, form_page)
    assert response.status_code == 303 and response["Location"].endswith("/received/")
    assert not Pledge.objects.exists() and not PledgeDraft.objects.exists()


# --- An update, in the same steps -----------------------------------------------------


def open_update(client, pledge):
    from pledge_forms import services

    response = client.get(f"/pledge/update/{services.make_update_token(pledge)}/")
    assert response.status_code == 303
    return client.get(response["Location"])


def test_an_update_starts_from_the_pledge_and_sends_only_when_asked(
    client, form_page, run_on_commit
):
    from pledge_forms.testing.factories import submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    opened = open_update(client, pledge)
    assert opened.status_code == 303 and opened["Location"] == "/pledge/update/check/"
    check = client.get(opened["Location"]).content.decode()
    assert f"Update of the pledge of {pledge.legal_name}" in check
    assert "Send the update" in check and "Save and continue later" not in check
    assert pledge.public_statement in check
    # Change the statement from "check your answers": back there after the step.
    commitment = client.get("/pledge/update/step/commitment/?change=1").content.decode()
    assert 'name="change"' in commitment and "Save and go back" in commitment
    answers = {
        "committed_all_areas": "on",
        "signatory_name": pledge.signatory_name,
        "signatory_title": pledge.signatory_title,
        "signed_on": pledge.signed_on.isoformat(),
        "consent_listed": "on",
        "public_statement": "Three more practices in place.",
        "change": "1",
    }
    back = client.post("/pledge/update/step/commitment/", answers)
    assert back.status_code == 303 and back["Location"] == "/pledge/update/check/"
    assert (
        "Three more practices in place."
        in client.get(back["Location"]).content.decode()
    )
    # Every practice is in place now (no target month needed any more).
    areas = tuple(
        s for s in step_slugs(client, form_page) if s.startswith("practices-")
    )
    walk(client, form_page, only=areas, prefix="update/")
    # Opened again from the link: the same draft, with the change.
    open_update(client, pledge)
    assert PledgeDraft.objects.get().pledge == pledge
    sent = client.post("/pledge/update/check/", {"action": "send"})
    assert sent.status_code == 303 and sent["Location"] == "/pledge/update/received/"
    assert "Update received" in client.get(sent["Location"]).content.decode()
    live = Pledge.objects.get()
    assert live.public_statement != "Three more practices in place."
    assert (
        live.get_latest_revision_as_object().public_statement
        == "Three more practices in place."
    )
    assert not PledgeDraft.objects.exists()
    again = client.post("/pledge/update/check/", {"action": "send"})
    assert again["Location"] == "/pledge/update/received/"
    assert live.revisions.count() == Pledge.objects.get().revisions.count()


def test_an_update_draft_is_begun_again_once_the_pledge_has_changed(client, form_page):
    from pledge_forms import services
    from pledge_forms.testing.factories import pledge_data, submitted_pledge

    pledge = submitted_pledge(form_page, "approved")
    open_update(client, pledge)
    first = PledgeDraft.objects.get()
    services.submit_update(
        services.make_update_token(pledge), pledge_data(form_page.checklist)
    )
    open_update(client, Pledge.objects.get())
    assert PledgeDraft.objects.get().pk != first.pk


def test_an_update_step_without_its_link_leads_nowhere(client, form_page):
    response = client.get("/pledge/update/step/commitment/")
    assert response.status_code == 303
    assert client.get(response["Location"]).status_code == 404


def test_a_client_beginning_too_many_pledges_is_refused_with_answers_kept(
    form_page, settings
):
    settings.PLEDGE_FORMS_DRAFT_RATE_LIMIT = 2
    for _ in range(2):  # a new browser (no cookie) each time
        fresh = Client()
        assert (
            fresh.post(
                form_page.url + "step/agency/", step_answers(form_page, "agency")
            ).status_code
            == 303
        )
    refused = Client().post(
        form_page.url + "step/agency/", step_answers(form_page, "agency")
    )
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many pledges were begun from your network" in html
    assert 'value="Riverside Falls Police Department"' in html
    assert PledgeDraft.objects.count() == 2


def test_an_update_shows_the_evidence_the_pledge_has_and_can_remove_it(
    client, form_page, run_on_commit
):
    from pledge_forms import services
    from pledge_forms.evidence import check_evidence, store_evidence
    from pledge_forms.testing.factories import pledge_data, submitted_pledge

    item = (
        form_page.checklist_items().filter(section__slug="bias-free-policing").first()
    )
    name = store_evidence(check_evidence(SimpleUploadedFile("policy.pdf", PDF)))
    data = pledge_data(form_page.checklist)
    data.update({f"practice_{item.pk}": "in_place", f"evidence_file_{item.pk}": name})
    pledge = submitted_pledge(form_page, "approved")
    services.submit_update(services.make_update_token(pledge), data)
    services.approve(Pledge.objects.get())
    assert Pledge.objects.get().practices.get(item=item).evidence_file.name == name

    open_update(client, Pledge.objects.get())
    area = client.get(f"/pledge/update/step/{AREA}/").content.decode()
    assert "File kept with your answers: policy.pdf" in area
    assert (
        "Evidence file: policy.pdf"
        in client.get("/pledge/update/check/").content.decode()
    )
    # Kept when the step is sent again without a new file.
    answers = step_answers(form_page, AREA)
    client.post(f"/pledge/update/step/{AREA}/", answers)
    assert (
        "File kept with your answers: policy.pdf"
        in client.get(f"/pledge/update/step/{AREA}/").content.decode()
    )
    # Removed: the update sends the removal; the file stays for the older revision.
    client.post(
        f"/pledge/update/step/{AREA}/",
        {**answers, f"remove_evidence_file_{item.pk}": "1"},
    )
    assert "policy.pdf" not in client.get("/pledge/update/check/").content.decode()
    walk(
        client,
        form_page,
        only=tuple(
            s for s in step_slugs(client, form_page) if s.startswith("practices-")
        ),
        prefix="update/",
    )
    assert client.post("/pledge/update/check/", {"action": "send"}).status_code == 303
    pending = Pledge.objects.get().get_latest_revision_as_object()
    assert not pending.practices.get(item=item).evidence_file
    assert evidence_storage().exists(name)


def test_editors_can_word_the_saved_draft_e_mail(client, form_page, run_on_commit):
    form_page.draft_saved_subject = "Your pledge is waiting – {site}"
    form_page.draft_saved_body = "Go on with the pledge of {agency} here:\n{link}"
    form_page.save()
    walk(client, form_page, until="location")
    client.post(f"{form_page.url}save/", {"email": "chief@riverside-falls.example"})
    (message,) = mail.outbox
    assert message.subject.startswith("Your pledge is waiting")
    assert (
        "Go on with the pledge of Riverside Falls Police Department here:"
        in message.body
    )
    assert resume_link_from(message)
    assert "30 days" in message.body


def test_an_update_that_replaces_then_removes_a_file_removes_the_pledges_file(
    client, form_page, run_on_commit
):
    from pledge_forms import services
    from pledge_forms.evidence import check_evidence, store_evidence
    from pledge_forms.testing.factories import pledge_data, submitted_pledge

    item = (
        form_page.checklist_items().filter(section__slug="bias-free-policing").first()
    )
    name = store_evidence(check_evidence(SimpleUploadedFile("policy.pdf", PDF)))
    data = pledge_data(form_page.checklist)
    data.update({f"practice_{item.pk}": "in_place", f"evidence_file_{item.pk}": name})
    pledge = submitted_pledge(form_page, "approved")
    services.submit_update(services.make_update_token(pledge), data)
    services.approve(Pledge.objects.get())

    open_update(client, Pledge.objects.get())
    answers = step_answers(form_page, AREA)
    field = f"evidence_file_{item.pk}"
    client.post(
        f"/pledge/update/step/{AREA}/",
        {**answers, field: SimpleUploadedFile("new.pdf", PDF)},
    )
    client.post(f"/pledge/update/step/{AREA}/", {**answers, f"remove_{field}": "1"})
    areas = tuple(
        s for s in step_slugs(client, form_page) if s.startswith("practices-")
    )
    walk(client, form_page, only=areas, prefix="update/")
    assert client.post("/pledge/update/check/", {"action": "send"}).status_code == 303
    pending = Pledge.objects.get().get_latest_revision_as_object()
    assert not pending.practices.get(item=item).evidence_file
