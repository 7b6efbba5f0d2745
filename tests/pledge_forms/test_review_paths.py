"""One review path: whatever a reviewer presses, a pledge is approved, declined or taken
out of the showcase the same way, with the same e-mails and history entries."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.models import ModelLogEntry, Workflow, WorkflowContentType

from pledge_forms import services
from pledge_forms.choices import PracticeStatus, ReviewStatus, Stage
from pledge_forms.models import OutgoingMail, Pledge
from pledge_forms.testing.factories import pledge_data, submitted_pledge
from tests.pledge_forms.test_admin import practices_formset_data

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"
REASON = "We could not confirm that this is a law-enforcement agency."


@pytest.fixture
def admin_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def verified(form_page):
    return submitted_pledge(form_page, "verified")


@pytest.fixture
def unconfirmed(form_page):
    return submitted_pledge(form_page, "unverified")


def in_showcase(pledge) -> bool:
    """Whether the public showcase lists the pledge (its own query when installed)."""
    if apps.is_installed("pledge_forms.showcase"):
        from pledge_forms.showcase.members import listed_member

        return listed_member(Pledge.objects.get(pk=pledge.pk).slug) is not None
    return (
        Pledge.objects.filter(pk=pledge.pk, live=True)
        .exclude(review_status=ReviewStatus.DECLINED)
        .exists()
    )


def mails(pledge, purpose) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(pledge=pledge, purpose=purpose))


def entries(pledge, action):
    return ModelLogEntry.objects.filter(object_id=str(pledge.pk), action=action)


def edit_form_data(pledge, **changes) -> dict:
    """What the admin's edit form posts for ``pledge`` as it stands, with ``changes``."""
    pledge = pledge.get_latest_revision_as_object()
    data = {
        key: value
        for key, value in model_to_dict(pledge).items()
        if value is not None and key != "logo"
    }
    data.update(practices_formset_data(pledge))
    for name in [name for name, value in data.items() if value is False]:
        del data[name]  # an unticked checkbox is not posted
    data.update(changes)
    return data


def assert_approved_once(pledge, user=None):
    """The outcome of an approval, whichever path led to it, exactly once."""
    pledge.refresh_from_db()
    assert pledge.live
    assert pledge.review_status == ReviewStatus.APPROVED
    assert pledge.approved_at is not None
    assert len(mails(pledge, "approved")) == 1
    assert len(mails(pledge, "update")) == 1
    assert mails(pledge, "approved")[0].to == [pledge.chief_email]
    assert mails(pledge, "update")[0].to == [pledge.chief_email]
    approvals = entries(pledge, "pledge_forms.approve")
    assert approvals.count() == 1
    if user is not None:
        assert approvals.get().user == user
    assert in_showcase(pledge)


def assert_declined_once(pledge):
    pledge.refresh_from_db()
    assert not pledge.live
    assert pledge.review_status == ReviewStatus.DECLINED
    assert pledge.decline_reason == REASON
    declined = mails(pledge, "declined")
    assert len(declined) == 1 and REASON in declined[0].body_text
    assert entries(pledge, "pledge_forms.decline").count() == 1
    assert not in_showcase(pledge)


# --- Approving: every path, the same outcome ------------------------------------------


def test_the_edit_forms_publish_approves_and_tells_the_agency(
    admin_client, reviewer, verified
):
    response = admin_client.post(
        reverse(f"{NS}:edit", args=[verified.pk]),
        edit_form_data(verified, **{"action-publish": "action-publish"}),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert_approved_once(verified, reviewer)


def test_the_approve_review_action_approves_and_tells_the_agency(
    admin_client, reviewer, verified
):
    response = admin_client.post(reverse(f"{NS}:review", args=[verified.pk, "approve"]))
    assert response.status_code == 302
    assert_approved_once(verified, reviewer)
    # The service publishes itself: Wagtail's published signal added nothing.
    assert entries(verified, "wagtail.publish").count() == 1


def test_publishing_in_code_approves_like_any_button(verified):
    verified.latest_revision.publish()
    assert_approved_once(verified)


def test_reverting_to_an_old_revision_and_publishing_it_approves(
    admin_client, reviewer, verified
):
    old = verified.latest_revision
    verified.public_statement = "A later draft."
    verified.save_revision()
    response = admin_client.post(
        reverse(f"{NS}:revisions_revert", args=[verified.pk, old.pk]),
        edit_form_data(
            verified,
            public_statement="We are proud to join.",
            **{"action-publish": "action-publish"},
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert_approved_once(verified, reviewer)
    assert Pledge.objects.get(pk=verified.pk).public_statement == (
        "We are proud to join."
    )


def test_a_scheduled_publication_approves_when_it_goes_live_not_before(
    verified, monkeypatch
):
    # As Wagtail's publishing panel schedules it (the pledge form does not show one).
    go_live = timezone.now() + datetime.timedelta(days=2)
    draft = verified.get_latest_revision_as_object()
    draft.go_live_at = go_live
    draft.save_revision().publish()
    verified.refresh_from_db()
    assert not verified.live
    assert verified.review_status == ReviewStatus.AWAITING_REVIEW
    assert not mails(verified, "approved")
    assert not entries(verified, "pledge_forms.approve").exists()

    call_command("publish_scheduled")  # too early
    assert not Pledge.objects.get(pk=verified.pk).live
    later = go_live + datetime.timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled")
    assert_approved_once(verified)
    call_command("publish_scheduled")  # nothing left to publish, nothing sent again
    assert_approved_once(verified)


def test_publishing_an_update_of_a_member_approves_that_update(form_page):
    member = submitted_pledge(form_page, "approved")
    OutgoingMail.objects.filter(pledge=member).delete()
    ModelLogEntry.objects.filter(object_id=str(member.pk)).delete()
    services.submit_update(
        services.make_update_token(member),
        pledge_data(form_page.checklist, public_statement="Two more in place."),
    )
    Pledge.objects.get(pk=member.pk).latest_revision.publish()
    assert_approved_once(member)
    assert member.public_statement == "Two more in place."


def test_wagtail_offers_no_bulk_publishing_for_pledges():
    """Were Wagtail to add one, it would need a test here like the paths above."""
    actions = bulk_action_registry.get_bulk_actions_for_model(
        Pledge._meta.app_label, Pledge._meta.model_name
    )
    assert {action.action_type for action in actions} == {"delete"}


def test_no_moderation_workflow_is_left_for_pledges():
    assert not Workflow.objects.filter(name="Pledge review").exists()
    assert not WorkflowContentType.objects.filter(
        content_type__app_label="pledge_forms", content_type__model="pledge"
    ).exists()
    # Pledges take no workflow at all: none can be assigned to them in the admin.
    from wagtail.models import WorkflowMixin

    assert not issubclass(Pledge, WorkflowMixin)


# --- Declining and unpublishing ------------------------------------------------------


def test_the_decline_review_action_tells_the_agency_the_reason(admin_client, form_page):
    member = submitted_pledge(form_page, "approved")
    assert in_showcase(member)
    response = admin_client.post(
        reverse(f"{NS}:review", args=[member.pk, "decline"]), {"reason": REASON}
    )
    assert response.status_code == 302
    assert_declined_once(member)
    # Declining unpublished it without counting as a withdrawal as well.
    assert not entries(member, "pledge_forms.withdraw").exists()


def test_declining_cancels_a_scheduled_publication(verified):
    verified.go_live_at = timezone.now() + datetime.timedelta(days=1)
    verified.save_revision().publish()
    services.decline(verified, REASON)
    assert not Pledge.objects.get(pk=verified.pk).revisions.filter(
        approved_go_live_at__isnull=False
    )
    call_command("publish_scheduled")
    assert_declined_once(verified)


def test_wagtails_unpublish_withdraws_a_member_without_declining_it(
    admin_client, reviewer, form_page
):
    member = submitted_pledge(form_page, "approved")
    sent_before = OutgoingMail.objects.filter(pledge=member).count()
    response = admin_client.post(reverse(f"{NS}:unpublish", args=[member.pk]))
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.live and not in_showcase(member)
    assert member.review_status == ReviewStatus.AWAITING_REVIEW
    assert member.decline_reason == ""
    assert OutgoingMail.objects.filter(pledge=member).count() == sent_before
    withdrawn = entries(member, "pledge_forms.withdraw")
    assert withdrawn.count() == 1 and withdrawn.get().user == reviewer
    assert not entries(member, "pledge_forms.decline").exists()
    # The update link keeps working; publishing again is approving again.
    services.pledge_for_update_token(services.make_update_token(member))
    services.approve(member, user=reviewer)
    assert entries(member, "pledge_forms.approve").count() == 2


def test_an_expired_member_is_withdrawn_like_an_unpublished_one(form_page):
    member = submitted_pledge(form_page, "approved")
    Pledge.objects.filter(pk=member.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    member.refresh_from_db()
    assert not member.live and member.review_status == ReviewStatus.AWAITING_REVIEW
    assert entries(member, "pledge_forms.withdraw").count() == 1
    assert not mails(member, "declined")


# --- An unconfirmed pledge is never published ----------------------------------------


def assert_not_published(pledge):
    pledge.refresh_from_db()
    assert not pledge.live
    assert pledge.review_status == ReviewStatus.UNVERIFIED
    assert not mails(pledge, "approved") and not mails(pledge, "update")
    assert not entries(pledge, "pledge_forms.approve").exists()
    assert not entries(pledge, "wagtail.publish").exists()
    assert not in_showcase(pledge)


def test_the_edit_forms_publish_refuses_an_unconfirmed_pledge_and_keeps_the_edits(
    admin_client, unconfirmed
):
    response = admin_client.post(
        reverse(f"{NS}:edit", args=[unconfirmed.pk]),
        edit_form_data(
            unconfirmed,
            public_statement="Edited by a reviewer.",
            **{"action-publish": "action-publish"},
        ),
        follow=True,
    )
    assert "its e-mail address is not confirmed" in response.content.decode()
    assert_not_published(unconfirmed)
    draft = Pledge.objects.get(pk=unconfirmed.pk).get_latest_revision_as_object()
    assert draft.public_statement == "Edited by a reviewer."


def test_the_approve_review_action_refuses_an_unconfirmed_pledge(
    admin_client, unconfirmed
):
    response = admin_client.post(
        reverse(f"{NS}:review", args=[unconfirmed.pk, "approve"])
    )
    assert "An unconfirmed pledge cannot be approved." in response.content.decode()
    assert_not_published(unconfirmed)


def test_reverting_and_publishing_refuses_an_unconfirmed_pledge(
    admin_client, unconfirmed
):
    old = unconfirmed.latest_revision
    unconfirmed.save_revision()
    admin_client.post(
        reverse(f"{NS}:revisions_revert", args=[unconfirmed.pk, old.pk]),
        edit_form_data(unconfirmed, **{"action-publish": "action-publish"}),
    )
    assert_not_published(unconfirmed)


def test_a_scheduled_publication_of_an_unconfirmed_pledge_never_goes_live(unconfirmed):
    revision = unconfirmed.latest_revision
    revision.approved_go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision.save(update_fields=["approved_go_live_at"])
    with pytest.raises(PermissionDenied):
        call_command("publish_scheduled")
    assert_not_published(unconfirmed)
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None  # the next run is not stuck on it
    call_command("publish_scheduled")


def test_publishing_an_unconfirmed_pledge_in_code_is_refused(unconfirmed):
    with pytest.raises(PermissionDenied):
        unconfirmed.latest_revision.publish()
    with pytest.raises(services.ReviewError):
        services.approve(unconfirmed)
    assert_not_published(unconfirmed)


# --- Mark as completed: one rule -----------------------------------------------------


def all_in_place(pledge):
    """A new draft with every practice of the pledge in place."""
    draft = pledge.get_latest_revision_as_object()
    rows = list(draft.practices.all())
    for row in rows:
        row.status = PracticeStatus.IN_PLACE
    draft.practices = rows
    draft.save_revision(clean=False)


def test_mark_as_completed_is_offered_and_allowed_by_the_same_rule(
    admin_client, form_page
):
    from pledge_forms.admin.views import available_actions

    member = submitted_pledge(form_page, "approved")
    url = reverse(f"{NS}:review", args=[member.pk, "complete"])
    assert "complete" not in available_actions(member)
    assert not services.can_mark_completed(member)
    response = admin_client.post(url)
    assert "Not every practice is in place yet" in response.content.decode()
    assert Pledge.objects.get(pk=member.pk).stage == Stage.PLEDGED

    all_in_place(member)
    member = Pledge.objects.get(pk=member.pk)
    assert "complete" in available_actions(member)
    assert admin_client.post(url).status_code == 302
    member.refresh_from_db()
    assert member.stage == Stage.COMPLETED and member.live
    assert entries(member, "pledge_forms.complete").count() == 1
    # Completing publishes without approving a second time.
    assert entries(member, "pledge_forms.approve").count() == 1
    assert len(mails(member, "approved")) == 1
    assert "complete" not in available_actions(member)


def test_only_an_approved_member_can_be_completed(verified):
    all_in_place(verified)
    verified = Pledge.objects.get(pk=verified.pk)
    assert not services.can_mark_completed(verified)
    with pytest.raises(services.ReviewError):
        services.mark_completed(verified)
