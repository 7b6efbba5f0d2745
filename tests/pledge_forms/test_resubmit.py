"""The way back after a decline: the decline e-mail's link, and a new pledge from the form
for a declined agency, both end as a revision of the same pledge, back in review."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from wagtail.models import ModelLogEntry

from pledge_forms import services
from pledge_forms.choices import ReviewStatus, SubmissionKind
from pledge_forms.models import OutgoingMail, Pledge, PledgeSubmission
from pledge_forms.testing.factories import submitted_pledge
from tests.pledge_forms.test_abuse import _answer
from tests.pledge_forms.test_public_form import form_post

pytestmark = pytest.mark.django_db

ON_RECORD = "chief@riverside-falls.example"  # the address submitted_pledge uses
STRANGER = "someone@elsewhere.example"
LINK = re.compile(r"https?://[^/\s]+(/\S*/update/)([A-Za-z0-9_-]{40,200})/")


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _mails(pledge, purpose):
    return list(OutgoingMail.objects.filter(pledge=pledge, purpose=purpose))


def _actions(pledge):
    return list(
        ModelLogEntry.objects.filter(object_id=str(pledge.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _decline_link(pledge) -> str:
    """The path of the link in the pledge's (latest) decline e-mail."""
    mail = OutgoingMail.objects.filter(pledge=pledge, purpose="declined").latest("pk")
    match = LINK.search(mail.body_text)
    assert match, mail.body_text
    assert match.group(0) in mail.body_html
    return match.group(1) + match.group(2) + "/"


def test_the_decline_e_mail_carries_an_update_link_lasting_as_update_links(
    form_page, settings
):
    settings.PLEDGE_FORMS_UPDATE_MAX_AGE_DAYS = 45
    pledge = submitted_pledge(form_page, "declined")
    (mail,) = _mails(pledge, "declined")
    assert "The agency could not be identified." in mail.body_text
    assert "revise and send again" in mail.body_text
    assert "stays valid for 45 days" in mail.body_text
    token = _decline_link(pledge).rstrip("/").rpartition("/")[2]
    assert services.pledge_for_update_token(token) == pledge


def test_links_sent_before_the_decline_stop_working(form_page):
    pledge = submitted_pledge(form_page, "approved")
    before = services.make_update_token(pledge)
    services.decline(pledge, "Not a law-enforcement agency.")
    with pytest.raises(services.InvalidLink):
        services.pledge_for_update_token(before)
    assert Client().get(_decline_link(pledge)).status_code == 303


def test_the_decline_link_revises_the_pledge_and_sends_it_back_to_review(
    client, form_page
):
    pledge = submitted_pledge(form_page, "declined")
    revisions = pledge.revisions.count()
    response = client.get(_decline_link(pledge))
    assert response.status_code == 303 and response["Location"] == "/pledge/update/"
    assert client.get("/pledge/update/", follow=True).status_code == 200
    done = client.post(
        "/pledge/update/", form_post(form_page, public_statement="Now identified.")
    )
    assert "Update received" in done.content.decode()
    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.AWAITING_REVIEW
    assert pledge.decline_reason == ""
    assert pledge.revisions.count() == revisions + 1
    draft = pledge.get_latest_revision_as_object()
    assert draft.public_statement == "Now identified."
    assert not pledge.live
    kinds = PledgeSubmission.objects.filter(pledge=pledge).values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == [SubmissionKind.PLEDGE, SubmissionKind.UPDATE]
    assert len(_mails(pledge, "reviewer_update")) == 1
    assert _actions(pledge)[-2:] == ["wagtail.edit", "pledge_forms.resubmit"]
    entry = ModelLogEntry.objects.get(action="pledge_forms.resubmit")
    assert entry.data == {"via": "update link"}
    assert "Resubmitted" in entry.message
    # Back in review, the same link sends ordinary updates (no second resubmission).
    client.post("/pledge/update/", form_post(form_page, public_statement="Again."))
    assert _actions(pledge).count("pledge_forms.resubmit") == 1
    assert len(_mails(pledge, "reviewer_update")) == 2


def test_a_pledge_declined_before_its_address_was_confirmed_comes_back_confirmed(
    client, form_page
):
    pledge = services.decline(
        submitted_pledge(form_page), "Please use the chief's name."
    )
    assert not pledge.is_verified
    client.get(_decline_link(pledge))
    client.post("/pledge/update/", form_post(form_page, chief_name="Dana Chief"))
    pledge.refresh_from_db()
    assert pledge.is_verified
    assert pledge.review_status == ReviewStatus.AWAITING_REVIEW


def test_a_declined_agency_pledging_again_from_its_address_reaches_review(
    client, form_page
):
    pledge = submitted_pledge(form_page, "declined")
    response = client.post(
        "/pledge/", form_post(form_page, public_statement="Sent again.")
    )
    assert response.status_code == 302 and response["Location"] == "/pledge/received/"
    assert Pledge.objects.count() == 1
    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.AWAITING_REVIEW
    assert pledge.get_latest_revision_as_object().public_statement == "Sent again."
    kinds = PledgeSubmission.objects.filter(pledge=pledge).values_list(
        "kind", flat=True
    )
    assert list(kinds) == [SubmissionKind.PLEDGE, SubmissionKind.PLEDGE]
    assert not PledgeSubmission.objects.filter(kind=SubmissionKind.DUPLICATE).exists()
    assert len(_mails(pledge, "reviewer_update")) == 1
    (told,) = _mails(pledge, "resubmitted")
    assert told.to == [ON_RECORD] and LINK.search(told.body_text)
    assert ModelLogEntry.objects.get(action="pledge_forms.resubmit").data == {
        "via": "form"
    }


def test_another_address_cannot_take_over_a_declined_pledge(client, form_page):
    pledge = submitted_pledge(form_page, "declined")
    to_reviewers = OutgoingMail.objects.filter(purpose__startswith="reviewer").count()
    client.post(
        "/pledge/",
        form_post(form_page, chief_email=STRANGER, public_statement="Taken over."),
    )
    pledge.refresh_from_db()
    # The revision waits: not in review, the pledge's contact unchanged, nothing to the
    # typed address, the contact on record asked.
    assert pledge.review_status == ReviewStatus.DECLINED
    assert pledge.chief_email == ON_RECORD
    assert (
        OutgoingMail.objects.filter(purpose__startswith="reviewer").count()
        == to_reviewers
    )
    assert all(STRANGER not in mail.to for mail in OutgoingMail.objects.all())
    (asked,) = _mails(pledge, "resubmit_waiting")
    assert asked.to == [ON_RECORD]
    assert "pledge_forms.resubmit_waiting" in _actions(pledge)
    assert "pledge_forms.resubmit" not in _actions(pledge)
    # The contact on record opens its link: the answers just sent, to check and send.
    contact = Client()
    match = LINK.search(asked.body_text)
    contact.get(match.group(1) + match.group(2) + "/")
    form = contact.get("/pledge/update/", follow=True).content.decode()
    assert "Taken over." in form and STRANGER in form
    contact.post(
        "/pledge/update/", form_post(form_page, public_statement="Checked by us.")
    )
    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.AWAITING_REVIEW
    assert pledge.get_latest_revision_as_object().chief_email == ON_RECORD


@pytest.mark.parametrize(
    "state,typed",
    [
        ("declined", ON_RECORD),
        ("declined", STRANGER),
        ("verified", STRANGER),
        ("approved", ON_RECORD),
    ],
)
def test_the_screen_is_the_same_for_a_new_declined_pending_or_live_agency(
    client, form_page, state, typed
):
    submitted_pledge(form_page, state)
    unknown = _answer(
        client, form_page, legal_name="Lakeside Sheriff's Office", chief_email=typed
    )
    known = _answer(client, form_page, chief_email=typed)
    assert unknown[0] == 302 and known == unknown
