"""The maintenance commands: hand e-mails back to the workers, purge unconfirmed pledges."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from pledge_forms import services
from pledge_forms.models import OutgoingMail, Pledge
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db


def test_the_retry_command_hands_a_message_without_a_task_to_the_workers(
    form_page, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.pledge_forms.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(form_page, pledge_data(form_page.checklist))
    # The immediate backend cannot defer: the temporary failure waits for its time.
    waiting = OutgoingMail.objects.get()
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert Pledge.objects.count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = StringIO()
    call_command("retry_pledge_mail", stdout=out)
    assert "0 e-mail(s) enqueued" in out.getvalue()  # not due yet
    OutgoingMail.objects.update(next_attempt_at=None)
    call_command("retry_pledge_mail", stdout=out)
    assert "1 e-mail(s) enqueued" in out.getvalue()
    assert (OutgoingMail.objects.get().status, OutgoingMail.objects.get().attempts) == (
        "sent",
        2,
    )
    assert "/verify/" in mail.outbox[0].body


def test_the_retry_command_resends_messages_that_failed_for_good_only_when_asked(
    form_page, settings
):
    refused = OutgoingMail.objects.create(
        to=["a@example.org"], subject="s", body_text="b", attempts=5, status="failed"
    )
    out = StringIO()
    call_command("retry_pledge_mail", stdout=out)
    assert "0 e-mail(s) enqueued" in out.getvalue()
    assert OutgoingMail.objects.get().status == "failed"

    call_command("retry_pledge_mail", "--failed", "--id", str(refused.pk), stdout=out)
    assert (
        "1 e-mail(s) enqueued for delivery (1 of them failed before" in out.getvalue()
    )
    refused.refresh_from_db()
    assert (refused.status, refused.attempts, len(mail.outbox)) == ("sent", 1, 1)


def test_the_purge_command_erases_old_unconfirmed_pledges(form_page):
    stale = submitted_pledge(form_page, "unverified")
    Pledge.objects.filter(pk=stale.pk).update(
        created_at=stale.created_at.replace(year=2020)
    )
    submitted_pledge(form_page, "unverified", legal_name="Fresh Agency")
    out = StringIO()
    call_command("purge_unverified_pledges", stdout=out)
    assert "1 unconfirmed pledge(s) erased" in out.getvalue()
    assert sorted(Pledge.objects.values_list("legal_name", flat=True)) == [
        f"Erased pledge {stale.pk}",
        "Fresh Agency",
    ]
    call_command("purge_unverified_pledges", stdout=out)
    assert "0 unconfirmed pledge(s) erased" in out.getvalue()


def test_the_scheduled_commands_are_documented_and_make_runs_publish_scheduled():
    import re
    from pathlib import Path

    from django.core.management import get_commands

    root = Path(__file__).resolve().parents[2]
    makefile = (root / "Makefile").read_text()
    target = re.search(r"^publish-scheduled:.*## .+\n\t(.+)$", makefile, flags=re.M)
    assert target and target.group(1) == "$(MANAGE) publish_scheduled"
    assert "MANAGE := $(BIN)/python manage.py" in makefile
    readme = (root / "README.md").read_text()
    scheduled = readme.split("### Scheduled tasks", 1)[1].split("\n## ", 1)[0]
    for command in (
        "publish_scheduled",
        "purge_unverified_pledges",
        "prune_db_task_results",
        "db_worker",
    ):
        assert command in get_commands(), command
        assert f"manage.py {command}" in scheduled, command
    assert "every minute" in scheduled
    # Retries are the workers' job now; the command stays for what no task will pick up.
    assert "retry_pledge_mail" in get_commands()
    assert "*/15 * * * *  cd /srv/campaign && .venv/bin/python manage.py retry" not in (
        scheduled
    )
