"""E-mails of the pledge flow: editor-written texts with fixed placeholders, sent in the background.

Every message is stored as an ``OutgoingMail`` first; once the transaction that stored it
commits, a delivery task is enqueued (``pledge_forms.tasks``), which a worker runs: nothing in
the pledge flow waits for SMTP. Failures are retried by the task and stay visible to staff.
Subjects never contain text typed by the public.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from pledge_forms import conf, tasks
from pledge_forms.models.submissions import OutgoingMail

if TYPE_CHECKING:
    from pledge_forms.models.pages import PledgeFormPage
    from pledge_forms.models.pledges import Pledge

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
    """Store a message and enqueue its delivery once the current transaction commits."""
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
    # Robust: the request has committed by then; a failure to enqueue leaves the message
    # pending for `retry_pledge_mail` instead of turning a stored pledge into an error page.
    transaction.on_commit(lambda: tasks.enqueue(mail.pk), robust=True)
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
