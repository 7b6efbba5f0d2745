"""Pledge e-mail through a real SMTP server on loopback (a local sink), not an in-memory outbox."""

import email
import socket
from email import policy
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core.management import call_command

from pledge_forms import services
from pledge_forms.models import OutgoingMail, Pledge
from pledge_forms.testing.factories import pledge_data

pytestmark = pytest.mark.django_db


class Sink(Message):
    """Keeps every message the SMTP server accepts."""

    def __init__(self):
        super().__init__(message_class=email.message.EmailMessage)
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return settings


def start_sink(port: int) -> tuple[Controller, Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink


def body_of(message) -> str:
    parsed = email.message_from_bytes(bytes(message), policy=policy.default)
    return parsed.get_body(preferencelist=("plain",)).get_content()


def test_the_confirmation_email_reaches_an_smtp_server_with_its_link(
    form_page, smtp_settings, django_capture_on_commit_callbacks
):
    controller, sink = start_sink(smtp_settings.EMAIL_PORT)
    try:
        data = pledge_data(form_page.checklist, legal_name="Lakeside <b>Police</b>")
        with django_capture_on_commit_callbacks(execute=True):
            services.submit(form_page, data)
    finally:
        controller.stop()

    assert OutgoingMail.objects.get().status == "sent"
    assert len(sink.messages) == 1
    message = sink.messages[0]
    assert message["To"] == data["chief_email"]
    assert "<b>" not in message["Subject"]
    assert "/verify/" in body_of(message)


def test_mail_refused_while_the_smtp_server_is_down_is_delivered_by_its_next_attempt(
    form_page, smtp_settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(form_page, pledge_data(form_page.checklist))
    assert Pledge.objects.count() == 1
    waiting = OutgoingMail.objects.get()
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.next_attempt_at is not None

    controller, sink = start_sink(smtp_settings.EMAIL_PORT)
    try:
        # Without a worker (immediate backend) the next attempt is started by hand.
        OutgoingMail.objects.update(next_attempt_at=None)
        call_command("retry_pledge_mail", stdout=StringIO())
    finally:
        controller.stop()
    assert OutgoingMail.objects.get().status == "sent"
    assert len(sink.messages) == 1
    assert "/verify/" in body_of(sink.messages[0])


def test_a_recipient_the_smtp_server_refuses_for_good_is_failed_not_retried(
    form_page, smtp_settings, django_capture_on_commit_callbacks
):
    class Refusing(Sink):
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 5.1.1 no such mailbox"

    sink = Refusing()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.submit(form_page, pledge_data(form_page.checklist))
    finally:
        controller.stop()
    refused = OutgoingMail.objects.get()
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert "550" in refused.last_error and "no such mailbox" in refused.last_error
    assert refused.next_attempt_at is None
    assert sink.messages == []
