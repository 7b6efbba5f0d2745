"""Wagtail's moderation e-mails (submitted for review, approved, changes requested) leave the
editor's request: a task worker sends them.

Wagtail connects its e-mail notifiers to the workflow signals and sends in the request
thread: with SMTP hanging, "Submit for moderation" or "Approve" would wait ``EMAIL_TIMEOUT``
and more. Here the same notifiers are connected under Wagtail's own ``dispatch_uid``, behind
a receiver that enqueues :data:`send_moderation_mail` once the transaction commits; the
worker then calls Wagtail's notifier with the state and the user reloaded. ``connect()``
runs from ``CmsConfig.ready()``, before ``wagtail.admin``'s (``cms`` comes first in
``INSTALLED_APPS``), and Django ignores a second receiver with the same ``dispatch_uid`` and
sender: Wagtail's in-request sending is never connected. With the immediate task backend
the mail goes out right after the commit, still within the request.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task
from wagtail.admin import signal_handlers as wagtail_notifiers
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import (
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

# kind: (signal, sender Wagtail connects to, Wagtail's dispatch_uid, Wagtail's notifier)
NOTIFICATIONS = {
    "task_submitted": (
        task_submitted,
        TaskState,
        "group_approval_task_submitted_email_notification",
        "task_submission_email_notifier",
    ),
    "workflow_submitted": (
        workflow_submitted,
        WorkflowState,
        "workflow_state_submitted_email_notification",
        "workflow_submission_email_notifier",
    ),
    "workflow_rejected": (
        workflow_rejected,
        WorkflowState,
        "workflow_state_rejected_email_notification",
        "workflow_rejection_email_notifier",
    ),
    "workflow_approved": (
        workflow_approved,
        WorkflowState,
        "workflow_state_approved_email_notification",
        "workflow_approval_email_notifier",
    ),
}


@task(priority=10)
def send_moderation_mail(kind: str, state_id: int, user_id: int | None) -> bool:
    """The task: Wagtail's notifier for ``kind``, as its signal would have called it."""
    _signal, model, _uid, notifier_name = NOTIFICATIONS[kind]
    instance = model.objects.filter(pk=state_id).first()
    if instance is None:
        return False  # the page or its workflow was deleted meanwhile
    if model is TaskState:
        instance = instance.specific
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    notifier = getattr(wagtail_notifiers, notifier_name)
    return bool(notifier(sender=type(instance), instance=instance, user=user))


def _enqueuer(kind: str):
    def enqueue(sender, instance, user=None, **kwargs):
        user_id = getattr(user, "pk", None)
        transaction.on_commit(
            lambda: send_moderation_mail.enqueue(kind, instance.pk, user_id),
            robust=True,
        )

    return enqueue


def connect() -> None:
    for kind, (signal, sender, dispatch_uid, _notifier) in NOTIFICATIONS.items():
        signal.connect(
            _enqueuer(kind), sender=sender, dispatch_uid=dispatch_uid, weak=False
        )
