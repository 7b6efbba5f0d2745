"""The maintenance commands: retry failed e-mails, purge unconfirmed pledges."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from pledge_forms import services
from pledge_forms.models import OutgoingMail, Pledge
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db


def test_mail_that_failed_is_sent_by_the_retry_command(
    form_page, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.pledge_forms.failing_backend.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(form_page, pledge_data(form_page.checklist))
    assert OutgoingMail.objects.get().status == "failed"
    assert Pledge.objects.count() == 1

    out = StringIO()
    call_command("retry_pledge_mail", stdout=out)
    assert "0 sent, 1 still failing" in out.getvalue()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("retry_pledge_mail", stdout=out)
    assert OutgoingMail.objects.get().status == "sent"
    assert OutgoingMail.objects.get().attempts == 3
    assert "/verify/" in mail.outbox[0].body


def test_the_retry_command_gives_up_after_the_attempt_limit(form_page, settings):
    OutgoingMail.objects.create(
        to=["a@example.org"], subject="s", body_text="b", attempts=5, status="failed"
    )
    out = StringIO()
    call_command("retry_pledge_mail", stdout=out)
    assert "0 sent, 0 still failing" in out.getvalue()


def test_the_purge_command_removes_old_unconfirmed_pledges(form_page):
    stale = submitted_pledge(form_page, "unverified")
    Pledge.objects.filter(pk=stale.pk).update(
        created_at=stale.created_at.replace(year=2020)
    )
    submitted_pledge(form_page, "unverified", legal_name="Fresh Agency")
    out = StringIO()
    call_command("purge_unverified_pledges", stdout=out)
    assert "1 unconfirmed pledge(s) deleted" in out.getvalue()
    assert list(Pledge.objects.values_list("legal_name", flat=True)) == ["Fresh Agency"]


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
        "retry_pledge_mail",
        "purge_unverified_pledges",
    ):
        assert command in get_commands(), command
        assert f"manage.py {command}" in scheduled, command
    assert "every minute" in scheduled
