"""E-mails of the pledge flow: editor-written texts with fixed placeholders, sent after commit.

Every message is stored as an ``OutgoingMail`` first, then sent once the transaction that
created it commits. A failure marks the record failed (visible to staff) and
``retry_pledge_mail`` tries again later; nothing in the pledge flow waits for SMTP.
Subjects never contain text typed by the public.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from pledge_forms import conf
from pledge_forms.choices import MailStatus
from pledge_forms.models.submissions import OutgoingMail

if TYPE_CHECKING:
    from pledge_forms.models.pages import PledgeFormPage
    from pledge_forms.models.pledges import Pledge

logger = logging.getLogger(__name__)

_discard = ContextVar("pledge_forms_discard_mail", default=False)

PLACEHOLDER = re.compile(r"\{(agency|link|reason|site)\}")


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


def default_templates() -> dict[str, Template]:
    return {
        "confirmation": Template(
            _("Please confirm your pledge – {site}"),
            _(
                "Thank you for pledging on behalf of {agency}.\n\n"
                "Please confirm your e-mail address by opening this link:\n{link}\n\n"
                "Reviewers see your pledge once it is confirmed. If you did not send "
                "this pledge, ignore this message and it will be removed."
            ),
        ),
        "reviewer": Template(
            _("A pledge is ready for review – {site}"),
            _("{agency} has confirmed its pledge. Review it here:\n{link}"),
        ),
        "approved": Template(
            _("Your pledge has been approved – {site}"),
            _(
                "Welcome! The pledge of {agency} has been approved and now appears "
                "among the campaign's members:\n{link}"
            ),
        ),
        "declined": Template(
            _("About your pledge – {site}"),
            _(
                "Thank you for your interest. The pledge of {agency} could not be "
                "accepted for the following reason:\n\n{reason}\n\n"
                "You are welcome to send a new pledge once this is addressed."
            ),
        ),
        "update": Template(
            _("Your private update link – {site}"),
            _(
                "Use this private link to report the progress of {agency}. "
                "Keep it to yourself; anyone with the link can send an update:\n{link}"
            ),
        ),
    }


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def compose(
    page: PledgeFormPage | None, kind: str, values: dict[str, str]
) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the e-mail ``kind`` for ``page``'s wording."""
    default = default_templates()[kind]
    subject_source = (
        getattr(page, f"{kind}_subject", "") if page else ""
    ) or default.subject
    body_source = (getattr(page, f"{kind}_body", "") if page else "") or default.body
    values = {"site": conf.site_name(), **values}
    # Only the site name goes into a subject: never text typed by the public.
    subject = _fill(subject_source, {"site": values["site"]})
    subject = " ".join(subject.split())[:200]
    text = _fill(body_source, values)
    escaped = {key: escape(value) for key, value in values.items()}
    html = urlize(linebreaks(_fill(escape(body_source), escaped)), autoescape=False)
    return subject, text, html


@contextmanager
def discarded() -> Iterator[None]:
    """No e-mail is stored or sent inside this block (demo content, data imports)."""
    token = _discard.set(True)
    try:
        yield
    finally:
        _discard.reset(token)


def queue(
    to: list[str],
    subject: str,
    text: str,
    html: str = "",
    *,
    purpose: str = "",
    pledge: Pledge | None = None,
) -> OutgoingMail | None:
    """Store a message and send it once the current transaction commits."""
    recipients = [address for address in to if address]
    if not recipients or _discard.get():
        return None
    mail = OutgoingMail.objects.create(
        to=recipients,
        subject=subject,
        body_text=text,
        body_html=html,
        purpose=purpose,
        pledge=pledge,
    )
    transaction.on_commit(lambda: deliver(mail.pk))
    return mail


def send_kind(
    kind: str,
    pledge: Pledge,
    to: list[str],
    *,
    link: str = "",
    reason: str = "",
) -> OutgoingMail | None:
    subject, text, html = compose(
        pledge.form_page,
        kind,
        {"agency": pledge.legal_name, "link": link, "reason": reason},
    )
    return queue(to, subject, text, html, purpose=kind, pledge=pledge)


def deliver(mail_id: int) -> bool:
    """Try to send one stored message; record the outcome. Never raises."""
    mail = OutgoingMail.objects.filter(pk=mail_id).first()
    if mail is None or mail.status == MailStatus.SENT:
        return mail is not None
    message = EmailMultiAlternatives(
        subject=mail.subject, body=mail.body_text, to=mail.to
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    mail.attempts += 1
    try:
        message.send()
    except Exception as exc:  # any transport failure is recorded, never raised
        logger.warning("Pledge e-mail %s failed: %s", mail.pk, exc)
        mail.status = MailStatus.FAILED
        mail.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        mail.save(update_fields=["status", "attempts", "last_error"])
        return False
    mail.status = MailStatus.SENT
    mail.sent_at = timezone.now()
    mail.last_error = ""
    mail.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    return True


def retry_failed(max_attempts: int | None = None) -> tuple[int, int]:
    """Send every pending or failed message that has attempts left: (sent, failed)."""
    limit = max_attempts or conf.get("MAIL_MAX_ATTEMPTS")
    sent = failed = 0
    ids = OutgoingMail.objects.filter(
        status__in=[MailStatus.PENDING, MailStatus.FAILED], attempts__lt=limit
    ).values_list("pk", flat=True)
    for mail_id in list(ids):
        if deliver(mail_id):
            sent += 1
        else:
            failed += 1
    return sent, failed
