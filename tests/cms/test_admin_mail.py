"""Wagtail's moderation e-mails and the admin's password reset are sent by the task worker,
never in the request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django_tasks_db.models import DBTaskResult
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask
from wagtail.signals import task_submitted, workflow_submitted

from cms import moderation_mail
from tests.pledge_forms.workers import run_worker_once

pytestmark = pytest.mark.django_db

TASK_PATH = "cms.moderation_mail.send_moderation_mail"


def test_wagtail_sends_no_moderation_mail_itself():
    for signal in (workflow_submitted, task_submitted):
        receivers = [receiver for _key, receiver, *_rest in signal.receivers]
        assert receivers and all(
            receiver.__module__ == moderation_mail.__name__ for receiver in receivers
        ), receivers


def test_submitting_a_page_for_moderation_leaves_the_mail_to_the_worker(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    users = get_user_model().objects
    editor = users.create_superuser("editor", "editor@example.org", "pass-word-1")
    moderator = users.create_user("moderator", "moderator@example.org", "pass-word-1")
    reviewers = Group.objects.create(name="Outage reviewers")
    moderator.groups.add(reviewers)
    review = GroupApprovalTask.objects.create(name="Outage review")
    review.groups.add(reviewers)
    workflow = Workflow.objects.create(name="Outage workflow")
    WorkflowTask.objects.create(workflow=workflow, task=review, sort_order=0)
    page = Page.get_first_root_node().add_child(
        instance=Page(title="For review", slug="for-review")
    )
    WorkflowPage.objects.create(workflow=workflow, page=page)
    page.save_revision(user=editor)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.start(page, editor)
    assert mail.outbox == []  # nothing was sent in the request
    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()

    run_worker_once(monkeypatch)
    recipients = {address for message in mail.outbox for address in message.to}
    assert "moderator@example.org" in recipients
    assert "For review" in mail.outbox[0].subject
    assert (
        not DBTaskResult.objects.filter(task_path=TASK_PATH)
        .exclude(status="SUCCESSFUL")
        .exists()
    )


def test_the_admin_password_reset_mail_is_sent_by_the_worker_with_a_working_link(
    client, settings, monkeypatch
):
    import re

    from django.urls import reverse

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    get_user_model().objects.create_user(
        "forgetful", "forgetful@example.org", "old-pass-word-1"
    )
    response = client.post(
        reverse("wagtailadmin_password_reset"), {"email": "forgetful@example.org"}
    )
    assert response.status_code == 302
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(
        task_path="cms.password_reset.send_password_reset", status="READY"
    ).exists()
    run_worker_once(monkeypatch)
    assert [message.to for message in mail.outbox] == [["forgetful@example.org"]]
    assert "\n" not in mail.outbox[0].subject
    link = re.search(
        r"https?://[^/\s]+(/admin/password_reset/\S+/)", mail.outbox[0].body
    )
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    assert "new_password1" in response.content.decode()
