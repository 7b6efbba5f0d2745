"""A reviewer asks an agency to change its pledge, or declines it with a reason from the
list: the agency is told, with its link to revise, and the revision comes back for review."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from pledge_forms import services
from pledge_forms.admin.views import available_actions
from pledge_forms.choices import ReviewStatus
from pledge_forms.models import DeclineReason, OutgoingMail, Pledge
from pledge_forms.models.pledges import member_q
from pledge_forms.services.lapse import reminder_candidates
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"
XSS = '<script>alert("x")</script>'
COMMENTS = f"Please give the policy's date for UF-2. {XSS} & thanks"


@pytest.fixture
def admin_client(client, reviewer):
    client.force_login(reviewer)
    return client


def review_url(pledge, action):
    return reverse(f"{NS}:review", args=[pledge.pk, action])


def mails(pledge, purpose):
    return list(OutgoingMail.objects.filter(pledge=pledge, purpose=purpose))


def entries(pledge, action):
    return ModelLogEntry.objects.filter(object_id=str(pledge.pk), action=action)


def link_path(mail_row) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail_row.body_text).group(1)


# --- Request changes -----------------------------------------------------------------


def test_a_reviewer_requests_changes_and_the_agency_gets_the_comments_and_a_link(
    admin_client, form_page
):
    pledge = submitted_pledge(form_page, "verified")
    assert "request_changes" in available_actions(pledge)
    page = admin_client.get(review_url(pledge, "request_changes"))
    assert page.status_code == 200 and b'name="comments"' in page.content

    response = admin_client.post(
        review_url(pledge, "request_changes"), {"comments": COMMENTS}
    )

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.CHANGES_REQUESTED
    assert pledge.get_review_status_display() == "Changes requested"
    (message,) = mails(pledge, "changes_requested")
    assert message.to == [pledge.chief_email]
    assert "Please give the policy's date for UF-2." in message.body_text
    # The reviewer's words are escaped in the HTML part; the only link is the site's.
    assert XSS not in message.body_html
    assert "&lt;script&gt;" in message.body_html
    assert len(re.findall(r"<a\b", message.body_html)) == 1
    assert "stays valid for" in message.body_text
    token = link_path(message).rstrip("/").rpartition("/")[2]
    assert services.pledge_for_update_token(token) == pledge
    (entry,) = entries(pledge, "pledge_forms.request_changes")
    assert entry.user.username == "reviewer"
    assert entry.data["comments"] == COMMENTS
    history = admin_client.get(reverse(f"{NS}:history", args=[pledge.pk]))
    assert b"Changes requested from the agency" in history.content
    assert XSS.encode() not in history.content


@pytest.mark.parametrize("comments", ["", "   \n  "])
def test_comments_are_required_and_the_error_is_on_the_field(
    admin_client, form_page, comments
):
    pledge = submitted_pledge(form_page, "verified")

    response = admin_client.post(
        review_url(pledge, "request_changes"), {"comments": comments}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["comments"] == [
        "Write what the agency should change."
    ]
    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.AWAITING_REVIEW
    assert not mails(pledge, "changes_requested")


def test_the_agency_revises_through_its_link_and_the_pledge_is_back_for_review(
    form_page, run_on_commit
):
    pledge = submitted_pledge(form_page, "verified")
    services.request_changes(pledge, "Say which practices are in place.")
    token = services.make_update_token(pledge)
    mail.outbox.clear()

    services.submit_update(token, pledge_data(form_page.checklist, status="in_place"))

    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.AWAITING_REVIEW
    assert entries(pledge, "pledge_forms.revise").count() == 1
    assert not entries(pledge, "pledge_forms.resubmit").exists()
    notices = [m for m in mail.outbox if m.to == ["reviewers@example.org"]]
    assert len(notices) == 1 and "update" in notices[0].subject.lower()
    # Back in the reviewers' queue, and a reviewer may approve it.
    from pledge_forms.admin.dashboard import awaiting_review

    assert pledge in awaiting_review()
    services.approve(pledge)
    assert Pledge.objects.get(pk=pledge.pk).review_status == ReviewStatus.APPROVED


def test_a_live_member_with_changes_requested_stays_live_and_a_member(
    form_page, run_on_commit
):
    member = submitted_pledge(form_page, "approved")
    services.submit_update(
        services.make_update_token(member),
        pledge_data(form_page.checklist, public_statement="Our new statement."),
    )
    member.refresh_from_db()
    assert "request_changes" in available_actions(member)

    services.request_changes(member, "Your statement names a private person.")

    member.refresh_from_db()
    assert member.live and member.review_status == ReviewStatus.CHANGES_REQUESTED
    assert member.public_statement == "We are proud to join."  # the live entry
    # Still counted as a member for reminders and lapses.
    assert Pledge.objects.filter(member_q(), pk=member.pk).exists()
    assert member in reminder_candidates()
    if_showcase = pytest.importorskip("pledge_forms.showcase.members")
    assert if_showcase.listed_member(member.slug) is not None
    # It cannot be marked completed while it waits for the agency.
    assert "complete" not in available_actions(member)

    services.submit_update(
        services.make_update_token(member),
        pledge_data(form_page.checklist, public_statement="Our corrected statement."),
    )
    member.refresh_from_db()
    # The revision waits as every update of a member does; the member stays approved.
    assert member.review_status == ReviewStatus.APPROVED
    assert member.live and member.has_unpublished_changes
    assert entries(member, "pledge_forms.revise").count() == 1


def test_changes_cannot_be_requested_when_nothing_waits_for_a_review(
    admin_client, form_page
):
    member = submitted_pledge(form_page, "approved")
    unconfirmed = submitted_pledge(form_page, "unverified", legal_name="Other PD")
    assert "request_changes" not in available_actions(member)
    assert "request_changes" not in available_actions(unconfirmed)

    response = admin_client.post(
        review_url(member, "request_changes"), {"comments": "Anything."}, follow=True
    )

    assert response.status_code == 200
    assert b"Nothing of this pledge is waiting for a review." in response.content
    member.refresh_from_db()
    assert member.review_status == ReviewStatus.APPROVED
    assert not mails(member, "changes_requested")


def test_requesting_changes_twice_is_refused_until_the_agency_revises(form_page):
    pledge = submitted_pledge(form_page, "verified")
    services.request_changes(pledge, "First round.")
    with pytest.raises(services.ReviewError):
        services.request_changes(pledge, "Second round.")
    assert "request_changes" not in available_actions(Pledge.objects.get(pk=pledge.pk))


def test_editors_can_word_the_changes_requested_e_mail(form_page):
    form_page.changes_requested_subject = "Please revise – {site}"
    form_page.changes_requested_body = "Dear {agency}: {comments} Link: {link}"
    form_page.save()
    pledge = submitted_pledge(form_page, "verified")

    services.request_changes(Pledge.objects.get(pk=pledge.pk), "Fix the city.")

    (message,) = mails(pledge, "changes_requested")
    assert message.subject.startswith("Please revise – ")
    assert "Fix the city. Link: http" in message.body_text


def test_erasure_empties_the_reviewers_comments_in_the_history(form_page):
    from pledge_forms.services.privacy import erase

    pledge = submitted_pledge(form_page, "verified")
    services.request_changes(pledge, "Ask Officer Jane Doe to sign.")

    erase(Pledge.objects.get(pk=pledge.pk), reason="request")

    (entry,) = entries(pledge, "pledge_forms.request_changes")
    assert entry.data["comments"] == ""


# --- Decline with a reason code --------------------------------------------------------


def test_a_fresh_install_has_reason_codes_in_their_order():
    reasons = list(DeclineReason.objects.filter(active=True))
    assert len(reasons) >= 3
    assert [r.sort_order for r in reasons] == sorted(r.sort_order for r in reasons)
    assert all(r.text and r.label and r.code for r in reasons)


def test_the_decline_form_offers_active_reasons_only(admin_client, form_page):
    pledge = submitted_pledge(form_page, "verified")
    retired = DeclineReason.objects.create(
        code="retired", label="A retired reason", text="Old.", active=False
    )
    active = DeclineReason.objects.filter(active=True).first()

    page = admin_client.get(review_url(pledge, "decline")).content.decode()
    assert active.label in page and retired.label not in page

    response = admin_client.post(review_url(pledge, "decline"), {"code": retired.pk})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Pledge.objects.get(pk=pledge.pk).review_status != ReviewStatus.DECLINED


def test_declining_with_a_reason_code_tells_the_agency_and_keeps_the_code(
    admin_client, form_page
):
    pledge = submitted_pledge(form_page, "verified")
    reason = DeclineReason.objects.get(code="not-law-enforcement")

    response = admin_client.post(
        review_url(pledge, "decline"),
        {"code": reason.pk, "reason": f"See our rules. {XSS}"},
    )

    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.DECLINED
    assert pledge.decline_code == "not-law-enforcement"
    (message,) = mails(pledge, "declined")
    assert reason.text in message.body_text
    assert "See our rules." in message.body_text
    assert message.body_text.index(reason.text) < message.body_text.index("See our")
    assert XSS not in message.body_html
    (entry,) = entries(pledge, "pledge_forms.decline")
    assert entry.data["code"] == "not-law-enforcement"
    assert entry.data["code_label"] == reason.label
    history = admin_client.get(reverse(f"{NS}:history", args=[pledge.pk]))
    assert reason.label in history.content.decode()
    inspect = admin_client.get(reverse(f"{NS}:inspect", args=[pledge.pk]))
    assert f"{reason.label} (not-law-enforcement)" in inspect.content.decode()


def test_a_reason_code_alone_is_enough_and_neither_is_a_field_error(
    admin_client, form_page
):
    pledge = submitted_pledge(form_page, "verified")
    response = admin_client.post(review_url(pledge, "decline"), {"reason": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Choose a reason from the list or write one."
    ]
    reason = DeclineReason.objects.get(code="duplicate")

    admin_client.post(review_url(pledge, "decline"), {"code": reason.pk})

    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.DECLINED
    assert pledge.decline_reason == "" and pledge.decline_code == "duplicate"
    (message,) = mails(pledge, "declined")
    assert reason.text in message.body_text


def test_a_bad_reason_code_is_a_field_error_not_a_server_error(admin_client, form_page):
    pledge = submitted_pledge(form_page, "verified")
    response = admin_client.post(review_url(pledge, "decline"), {"code": "x'; --"})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors


def test_the_code_is_in_the_export_and_cleared_when_the_pledge_comes_back(
    form_page, reviewer
):
    pledge = submitted_pledge(form_page, "verified")
    services.decline(pledge, "", code=DeclineReason.objects.get(code="incomplete"))
    client = Client()
    client.force_login(reviewer)
    export = client.get(reverse(f"{NS}:list") + "?export=csv")
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert b"incomplete" in body

    services.submit_update(
        services.make_update_token(Pledge.objects.get(pk=pledge.pk)),
        pledge_data(form_page.checklist),
    )

    pledge.refresh_from_db()
    assert pledge.review_status == ReviewStatus.AWAITING_REVIEW
    assert pledge.decline_code == ""


def test_reviewers_keep_the_list_of_reasons(admin_client):
    listing = admin_client.get(
        reverse("wagtailsnippets_pledge_forms_declinereason:list")
    )
    assert listing.status_code == 200
    response = admin_client.post(
        reverse("wagtailsnippets_pledge_forms_declinereason:add"),
        {
            "label": "Outside the campaign's area",
            "code": "outside-area",
            "text": "The campaign is not open there yet.",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert DeclineReason.objects.filter(code="outside-area").exists()
