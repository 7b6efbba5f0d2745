"""The pledge flow's business rules, without HTTP."""

import pytest
from django.core import mail, signing
from wagtail.models import ModelLogEntry

from pledge_forms import services, tasks
from pledge_forms.choices import PracticeStatus, ReviewStatus, Stage, SubmissionKind
from pledge_forms.models import OutgoingMail, Pledge, PledgeSubmission
from pledge_forms.services import links
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db


def test_a_submission_stores_the_answers_and_creates_one_draft_pledge(
    form_page, run_on_commit
):
    data = pledge_data(form_page.checklist)
    result = services.submit(
        form_page, data, {"legal_name": "Legal name"}, client_address="203.0.113.9"
    )

    pledge = result.pledge
    assert not result.duplicate
    assert pledge.live is False
    assert pledge.review_status == ReviewStatus.UNVERIFIED
    assert pledge.latest_revision is not None
    assert pledge.slug == "riverside-falls-police-department"
    assert pledge.practices.count() == 25
    submission = result.submission
    assert submission.form_data["legal_name"] == data["legal_name"]
    assert submission.labels == {"legal_name": "Legal name"}
    assert "203.0.113.9" not in submission.client_hash
    assert len(submission.client_hash) == 64
    assert [m.to for m in mail.outbox] == [[data["chief_email"]]]
    assert "/verify/" in mail.outbox[0].body


def test_the_deadline_is_the_form_period_after_the_pledge(form_page):
    form_page.period_months = 36
    pledge = services.submit(form_page, pledge_data(form_page.checklist)).pledge
    assert (pledge.deadline.year - pledge.pledged_at.year) == 3


def test_the_same_agency_spelt_differently_never_makes_a_second_pledge(
    form_page, run_on_commit
):
    first = services.submit(form_page, pledge_data(form_page.checklist)).pledge
    again = services.submit(
        form_page,
        pledge_data(
            form_page.checklist, legal_name="  the RIVERSIDE-FALLS police dept. "
        ),
    )
    assert again.duplicate
    assert again.pledge.pk == first.pk
    assert again.submission.kind == SubmissionKind.DUPLICATE
    assert Pledge.objects.count() == 1
    assert PledgeSubmission.objects.count() == 2


def test_a_repeat_pledge_sends_the_update_link_to_the_verified_contact_only(
    form_page, run_on_commit
):
    pledge = submitted_pledge(form_page, "verified")
    mail.outbox.clear()
    services.submit(
        form_page, pledge_data(form_page.checklist, chief_email="someone@else.example")
    )
    assert [m.to for m in mail.outbox] == [[pledge.chief_email]]
    assert "/update/" in mail.outbox[0].body
    assert OutgoingMail.objects.filter(pledge=pledge, purpose="repeat").count() == 1


def test_same_name_in_another_state_is_another_agency(form_page):
    services.submit(form_page, pledge_data(form_page.checklist))
    other = services.submit(form_page, pledge_data(form_page.checklist, region="US-WA"))
    assert not other.duplicate
    assert other.pledge.slug == "riverside-falls-police-department-us-wa"


def test_the_confirmation_link_verifies_and_notifies_reviewers(
    form_page, run_on_commit
):
    pledge = services.submit(form_page, pledge_data(form_page.checklist)).pledge
    mail.outbox.clear()
    verified = services.verify(services.make_verify_token(pledge))
    assert verified.is_verified
    assert verified.review_status == ReviewStatus.AWAITING_REVIEW
    assert [m.to for m in mail.outbox] == [["reviewers@example.org"]]
    assert ModelLogEntry.objects.filter(action="pledge_forms.verify").count() == 1
    # A second click changes nothing and notifies nobody again.
    services.verify(services.make_verify_token(pledge))
    assert len(mail.outbox) == 1


def test_a_forged_or_expired_confirmation_link_is_refused(form_page, settings):
    pledge = services.submit(form_page, pledge_data(form_page.checklist)).pledge
    with pytest.raises(services.InvalidLink):
        services.verify("not-a-token")
    with pytest.raises(services.InvalidLink):
        services.verify(links._encode(signing.dumps({"p": pledge.pk}, salt="other")))
    settings.PLEDGE_FORMS_VERIFY_MAX_AGE_DAYS = -1
    with pytest.raises(services.InvalidLink):
        services.verify(services.make_verify_token(pledge))


def test_eligibility_lists_each_focus_area(form_page):
    data = pledge_data(form_page.checklist, status=PracticeStatus.PLANNED)
    pledge = services.submit(form_page, data).pledge
    result = services.evaluate_eligibility(pledge)
    assert not result.eligible
    assert len(result.areas) == 6
    assert all(area.counted == 0 and area.required == 1 for area in result.areas)

    first_section = form_page.checklist.sections.first()
    item = first_section.items.first()
    rows = list(pledge.practices.all())
    for row in rows:
        if row.item_id == item.pk:
            row.status = PracticeStatus.IN_PLACE
    pledge.practices = rows  # as on a draft revision's object, not saved
    result = services.evaluate_eligibility(pledge)
    assert [area.ok for area in result.areas] == [
        True,
        False,
        False,
        False,
        False,
        False,
    ]


def test_eligibility_needs_the_commitment_unless_the_page_says_otherwise(form_page):
    pledge = services.submit(
        form_page, pledge_data(form_page.checklist, committed_all_areas=False)
    ).pledge
    assert not pledge.eligible
    form_page.rule_require_commitment = False
    assert services.evaluate_eligibility(pledge, form_page).eligible


def test_eligibility_can_count_only_practices_in_place(form_page):
    pledge = services.submit(form_page, pledge_data(form_page.checklist)).pledge
    assert pledge.eligible
    form_page.rule_statuses = "in_place"
    assert not services.evaluate_eligibility(pledge, form_page).eligible


def test_approving_publishes_and_tells_the_agency(form_page, run_on_commit):
    pledge = submitted_pledge(form_page, "verified")
    mail.outbox.clear()
    approved = services.approve(pledge)
    assert approved.live
    assert approved.review_status == ReviewStatus.APPROVED
    assert approved.approved_at is not None
    assert ModelLogEntry.objects.filter(action="pledge_forms.approve").exists()
    assert ModelLogEntry.objects.filter(action="wagtail.publish").exists()
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2  # approval and the private update link


def test_an_unconfirmed_pledge_cannot_be_approved(form_page):
    pledge = submitted_pledge(form_page, "unverified")
    with pytest.raises(services.ReviewError):
        services.approve(pledge)
    assert not Pledge.objects.get(pk=pledge.pk).live


def test_declining_needs_a_reason_and_takes_a_live_pledge_out(form_page, run_on_commit):
    pledge = submitted_pledge(form_page, "approved")
    with pytest.raises(services.ReviewError):
        services.decline(pledge, "  ")
    mail.outbox.clear()
    declined = services.decline(pledge, "Not a law-enforcement agency.")
    assert not declined.live
    assert declined.review_status == ReviewStatus.DECLINED
    assert "Not a law-enforcement agency." in mail.outbox[0].body


def test_completion_needs_every_practice_in_place(form_page):
    pledge = submitted_pledge(form_page, "approved")
    with pytest.raises(services.ReviewError):
        services.mark_completed(pledge)
    done = submitted_pledge(
        form_page, "completed", legal_name="Hilltop Sheriff's Office"
    )
    assert done.stage == Stage.COMPLETED
    assert done.completed_at is not None
    assert done.live


def test_an_update_makes_a_draft_revision_while_the_live_entry_stays(
    form_page, run_on_commit
):
    pledge = submitted_pledge(form_page, "approved")
    token = services.make_update_token(pledge)
    data = pledge_data(
        form_page.checklist,
        status=PracticeStatus.IN_PLACE,
        public_statement="All done now",
        legal_name="Renamed agency",
    )
    result = services.submit_update(token, data)

    live = Pledge.objects.get(pk=pledge.pk)
    assert live.public_statement == "We are proud to join."
    assert live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    assert draft.public_statement == "All done now"
    assert draft.legal_name == "Riverside Falls Police Department"
    assert result.submission.kind == SubmissionKind.UPDATE
    assert live.review_status == ReviewStatus.APPROVED


def test_revoked_update_links_stop_working(form_page):
    pledge = submitted_pledge(form_page, "approved")
    token = services.make_update_token(pledge)
    services.revoke_update_links(pledge)
    with pytest.raises(services.InvalidLink):
        services.submit_update(token, pledge_data(form_page.checklist))


def test_publishing_a_draft_never_resets_the_review_state(form_page):
    pledge = submitted_pledge(form_page, "approved")
    old_revision = pledge.revisions.order_by("created_at").first()
    old_revision.publish()
    pledge.refresh_from_db()
    assert pledge.is_verified
    assert pledge.review_status == ReviewStatus.APPROVED


def test_a_failing_mail_server_never_loses_the_pledge(
    form_page, run_on_commit, settings
):
    settings.EMAIL_BACKEND = "tests.pledge_forms.failing_backend.FailingBackend"
    pledge = services.submit(form_page, pledge_data(form_page.checklist)).pledge
    assert Pledge.objects.filter(pk=pledge.pk).exists()
    waiting = OutgoingMail.objects.get()
    assert waiting.status == "pending"
    assert "refused" in waiting.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingMail.objects.update(next_attempt_at=None)  # its next attempt is due
    assert tasks.enqueue_due() == 1
    assert OutgoingMail.objects.get().status == "sent"
    assert len(mail.outbox) == 1


def test_unverified_pledges_are_erased_after_the_configured_days(form_page):
    stale = submitted_pledge(form_page, "unverified")
    kept = submitted_pledge(form_page, "verified", legal_name="Lakeside PD")
    Pledge.objects.filter(pk__in=[stale.pk, kept.pk]).update(
        created_at=stale.created_at.replace(year=2020)
    )
    assert services.purge_unverified(30) == 1
    # The row stays, without its people (tests/pledge_forms/test_privacy.py has it all).
    stale.refresh_from_db()
    assert (stale.chief_email, stale.erasure.reason) == ("", "unverified")
    assert Pledge.objects.get(pk=kept.pk).chief_email
    assert PledgeSubmission.objects.count() == 2
    assert services.purge_unverified(30) == 0


def test_the_rate_limit_counts_per_client_and_fails_open(settings, monkeypatch):
    settings.PLEDGE_FORMS_RATE_LIMIT = 2
    assert not services.rate_limited("198.51.100.1")
    assert not services.rate_limited("198.51.100.1")
    assert services.rate_limited("198.51.100.1")
    assert not services.rate_limited("198.51.100.2")

    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    settings.PLEDGE_FORMS_RATE_CACHE = "default"
    monkeypatch.setattr(cache, "add", broken)
    assert not services.rate_limited("198.51.100.1")


def test_submissions_are_immutable(form_page):
    submission = services.submit(form_page, pledge_data(form_page.checklist)).submission
    submission.form_data = {"legal_name": "changed"}
    from pledge_forms.models import ImmutableRecordError

    with pytest.raises(ImmutableRecordError):
        submission.save()


def test_e_mails_leave_only_after_the_transaction_commits(
    form_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.submit(form_page, pledge_data(form_page.checklist))
        assert mail.outbox == []
        assert OutgoingMail.objects.get().status == "pending"
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    assert OutgoingMail.objects.get().status == "sent"
