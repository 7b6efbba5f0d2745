"""E-mails of the pledge flow: editor-written texts with fixed placeholders, sent in the background.

Every message is stored as an ``OutgoingMail`` first; once the transaction that stored it
commits, a delivery task is enqueued (``pledge_forms.tasks``), which a worker runs: nothing in
the pledge flow waits for SMTP. Failures are retried by the task and stay visible to staff.
Subjects never contain text typed by the public. In the bodies, values typed by the public
(``PUBLIC_VALUES``) are escaped and *defanged* the way security advisories quote addresses
(``example[.]org``, ``hxxps[:]//``, ``name[@]example[.]org``), so no mail client turns
them into links; the only link in an e-mail is the site's own ``{link}``.

Every message has a plain-text and an HTML part, both rendered from templates under
``pledge_forms/emails/``: the HTML one extends ``base.html`` (the campaign's name as header,
a footer saying why the recipient got it and the campaign's postal address). A message with
a private link says how long it stays valid, from the very setting the token check reads
(``LINK_MAX_AGE_SETTINGS``), so the sentence cannot drift from what the link does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.template.loader import select_template
from django.utils import translation
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from pledge_forms import conf, localization, tasks
from pledge_forms.models.submissions import OutgoingMail

if TYPE_CHECKING:
    from pledge_forms.models.pages import PledgeFormPage
    from pledge_forms.models.pledges import Pledge

_discard = ContextVar("pledge_forms_discard_mail", default=False)

PLACEHOLDER = re.compile(r"\{(agency|comments|link|reason|remaining|site)\}")

# Placeholders whose values come from the public form (the others are the site's own).
# A reviewer's words (``{reason}``, ``{comments}``) are the campaign's own, written by a
# signed-in reviewer: escaped in the HTML part like every value, not defanged.
PUBLIC_VALUES = frozenset({"agency"})

# The ``PLEDGE_FORMS_*`` setting that ``services.links`` passes as ``max_age`` when it checks
# the link an e-mail kind carries, and the kinds whose link never expires (the admin asks
# reviewers to sign in; the member page is public). A kind in neither says nothing about
# its link rather than something untrue: a new kind with a link belongs in one of them.
LINK_MAX_AGE_SETTINGS = {
    "confirmation": "VERIFY_MAX_AGE_DAYS",
    "repeat": "UPDATE_MAX_AGE_DAYS",
    "update": "UPDATE_MAX_AGE_DAYS",
    "reminder": "UPDATE_MAX_AGE_DAYS",
    # The way back after a decline is the update link (docs/resubmit.md).
    "declined": "UPDATE_MAX_AGE_DAYS",
    "changes_requested": "UPDATE_MAX_AGE_DAYS",
    "resubmitted": "UPDATE_MAX_AGE_DAYS",
    "resubmit_waiting": "UPDATE_MAX_AGE_DAYS",
    "draft_saved": "DRAFT_MAX_AGE_DAYS",
}
LINKS_WITHOUT_EXPIRY = frozenset({"reviewer", "reviewer_update", "approved"})
# Sent to the campaign's reviewers rather than to the agency.
REVIEWER_KINDS = frozenset({"reviewer", "reviewer_update"})

# A full stop (or an ideographic / full-width one) between two word characters: a host name.
_HOST_DOT = re.compile(r"(?<=\w)[.\u3002\uff0e\uff61](?=\w)")
_SCHEME = re.compile(r"(?i)\b(h)tt(ps?)?(:)(?=//)|(:)(//)")


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
        "reviewer_update": Template(
            _("A pledge update is ready for review – {site}"),
            _(
                "{agency} has sent an update to its pledge. This is an update of a "
                "pledge already confirmed, not a new pledge: the live entry stays as it "
                "is until the update is published. Review the update here:\n{link}"
            ),
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
                "Once this is addressed, revise and send again the same pledge with "
                "this private link (keep it to yourself; anyone with the link can "
                "revise the pledge):\n{link}"
            ),
        ),
        "changes_requested": Template(
            _("Changes requested to your pledge – {site}"),
            _(
                "Thank you for the pledge of {agency}. Before it can be approved, a "
                "reviewer asks you to change the following:\n\n{comments}\n\n"
                "Revise the pledge and send it again with this private link (keep it "
                "to yourself; anyone with the link can revise the pledge):\n{link}\n\n"
                "Anything already published stays as it is until the revision is "
                "approved."
            ),
        ),
        "resubmitted": Template(
            _("Your pledge was sent again for review – {site}"),
            _(
                "Someone has just sent the pledge of {agency} again through the form, "
                "after it was declined, from this address. It is now back with the "
                "reviewers. To correct it, use this private link; keep it to "
                "yourself, anyone with the link can revise the pledge:\n{link}\n\n"
                "If nobody at your agency sent it, please tell us by replying."
            ),
        ),
        "resubmit_waiting": Template(
            _("Someone sent a new pledge for your agency – {site}"),
            _(
                "Someone has just sent a new pledge for {agency}, whose pledge was "
                "declined. Nothing goes to the reviewers until you check it: this private link opens the pledge "
                "with the answers just sent (check every field, the e-mail addresses "
                "too) and sends it again for review:\n{link}\n\n"
                "If nobody at your agency sent it, you need not do anything."
            ),
        ),
        "repeat": Template(
            _("Someone sent a new pledge for your agency – {site}"),
            _(
                "Someone has just sent a pledge for {agency}, which has already "
                "pledged, so no second pledge was made. If it was you or a colleague, "
                "use this private link to report progress or correct the details; "
                "keep it to yourself, anyone with the link can send an update:\n"
                "{link}\n\n"
                "If nobody at your agency sent it, you need not do anything."
            ),
        ),
        "update": Template(
            _("Your private update link – {site}"),
            _(
                "Use this private link to report the progress of {agency}. "
                "Keep it to yourself; anyone with the link can send an update:\n{link}"
            ),
        ),
        # Sent by ``services.drafts`` when a pledge is saved to be finished later.
        "draft_saved": Template(
            _("Your unfinished pledge – {site}"),
            _(
                "The pledge you started on the campaign's site is saved. To go on "
                "where you stopped, from any computer, open this private link:\n"
                "{link}\n\n"
                "Keep it to yourself: anyone with the link can read and change the "
                "answers. Nothing has been sent to the campaign yet; the pledge is "
                "sent only when you confirm it on its last step. If you did not "
                "start a pledge, ignore this message and the draft will be deleted."
            ),
        ),
        # Sent by ``services.lapse`` at each of PLEDGE_FORMS_REMINDER_MONTHS.
        "reminder": Template(
            _("A reminder about your pledge – {site}"),
            _(
                "This is a reminder about the pledge of {agency}: every practice of "
                "the checklist should be in place by its deadline. Not yet in place:\n"
                "{remaining}\n\n"
                "Use this private link to report your progress. Keep it to yourself; "
                "anyone with the link can send an update:\n{link}"
            ),
        ),
    }


def reason_sent(kind: str) -> str:
    """The footer's sentence: why this address gets e-mail of kind ``kind``."""
    if kind == "draft_saved":
        return _(
            "You receive this e-mail because this address was given when a pledge "
            "was saved on this campaign's site to be finished later."
        )
    if kind.startswith("reviewer"):
        return _(
            "You receive this e-mail because your address is listed as a reviewer "
            "of the pledge form of this campaign."
        )
    return _(
        "You receive this e-mail because a pledge to this campaign gave your address "
        "as its contact."
    )


def link_validity(kind: str, link: str) -> str:
    """How long the link of an e-mail of ``kind`` stays valid, in one sentence ("" for
    none). The number of days is the setting the token check uses, read when the link is
    signed (which is when the message is composed)."""
    if not link:
        return ""
    name = LINK_MAX_AGE_SETTINGS.get(kind)
    if name is None:
        if kind not in LINKS_WITHOUT_EXPIRY:
            return ""
        if kind.startswith("reviewer"):
            return _("This link does not expire; it asks you to sign in.")
        return _("This link does not expire.")
    days = int(conf.get(name))
    return ngettext(
        "This link stays valid for %(days)d day after this e-mail was sent.",
        "This link stays valid for %(days)d days after this e-mail was sent.",
        days,
    ) % {"days": days}


def postal_address() -> str:
    """The campaign's postal address for the footer (``PLEDGE_FORMS_MAIL_POSTAL_ADDRESS``)."""
    return str(conf.get("MAIL_POSTAL_ADDRESS") or "").strip()


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def defang(value: str) -> str:
    """``value`` with every address in it broken so that mail clients do not link it.

    The convention of security advisories: ``https://a.example/x`` reads
    ``hxxps[:]//a[.]example/x`` and ``me@a.example`` reads ``me[@]a[.]example``; names
    such as "St. Louis County" are left alone (a full stop followed by a space is no host).
    """

    def scheme(match: re.Match) -> str:
        if match.group(1):
            return f"{match.group(1)}xx{match.group(2) or ''}[:]"
        return "[:]//"

    value = _SCHEME.sub(scheme, value)
    value = _HOST_DOT.sub("[.]", value)
    return value.replace("@", "[@]")


def _html_body(source: str, values: dict[str, str]) -> str:
    """The editor's text escaped, each placeholder filled escaped; ``{link}`` a link."""
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(source):
        parts.append(escape(source[position : match.start()]))
        value = values.get(match.group(1), "")
        if match.group(1) == "link" and value.startswith(("https://", "http://")):
            parts.append(format_html('<a href="{}">{}</a>', value, value))
        else:
            parts.append(escape(value))
        position = match.end()
    parts.append(escape(source[position:]))
    return linebreaks("".join(parts))


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
    shown = {
        key: defang(value or "") if key in PUBLIC_VALUES else (value or "")
        for key, value in values.items()
    }
    context = {
        "subject": subject,
        "language_code": get_language() or "en",
        "site_name": values["site"],
        "reason_sent": reason_sent(kind),
        "postal_address": postal_address(),
        # Said only when the text (perhaps the editor's) shows the link at all.
        "validity": link_validity(kind, values.get("link") or "")
        if "{link}" in body_source
        else "",
    }
    text = select_template(
        [f"pledge_forms/emails/{kind}.txt", "pledge_forms/emails/message.txt"]
    ).render(
        {**context, "body": _fill(body_source, shown).strip()},
    )
    html = select_template(
        [f"pledge_forms/emails/{kind}.html", "pledge_forms/emails/message.html"]
    ).render(
        # Safe: ``_html_body`` escaped every piece of it (text and values alike).
        {**context, "body": mark_safe(_html_body(body_source, shown))}  # noqa: S308
    )
    return subject, text.strip() + "\n", html


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
    comments: str = "",
    remaining: str = "",
) -> OutgoingMail | None:
    """The e-mail ``kind`` about ``pledge``: to the agency in the pledge's language, with
    the wording of its form page in that language; to reviewers in the site's language."""
    if kind in REVIEWER_KINDS:
        language, page = localization.default_language(), pledge.form_page
    else:
        language = localization.record_language(pledge)
        page = localization.form_page_for(pledge)
    with translation.override(language):
        subject, text, html = compose(
            page,
            kind,
            {
                "agency": pledge.legal_name,
                "link": link,
                "reason": reason,
                "comments": comments,
                "remaining": remaining,
            },
        )
    return queue(to, subject, text, html, purpose=kind, pledge=pledge)
