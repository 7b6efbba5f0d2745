"""Private links of the pledge flow: signed confirmation and update links, and the
addresses e-mails point at (the form page's routes, the admin, the member page)."""

from __future__ import annotations

import base64
import logging
import re
from datetime import timedelta

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.log_actions import log

from pledge_forms import conf, emails, localization
from pledge_forms.choices import ReviewStatus
from pledge_forms.models.drafts import PledgeDraft
from pledge_forms.models.pledges import Pledge
from pledge_forms.models.submissions import OutgoingMail

logger = logging.getLogger(__name__)

VERIFY_SALT = "pledge_forms.verify"
UPDATE_SALT = "pledge_forms.update"
RESUME_SALT = "pledge_forms.resume"
MEMBER_URL_HOOK = "pledge_forms_member_url"

# What ``_encode`` produces: URL-safe base64 of a signed value, about 80 to 120 characters.
# Anything else is refused before it is decoded, and long before the database is asked.
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{40,200}")

# E-mails that carry a private link to the pledge's contact; counted for the daily limit.
LINK_PURPOSES = (
    "confirmation",
    "update",
    "repeat",
    "resubmitted",
    "resubmit_waiting",
)


class InvalidLink(Exception):
    """A confirmation or update link that is forged, expired, revoked or unknown."""


def page_link(page, route: str) -> str:
    """Absolute address of ``route`` under the pledge form page ``page``."""
    if page is None:
        return conf.base_url() + "/" + route
    try:
        url = page.get_url() or page.url_path
    except Exception:  # Wagtail keeps site root paths in the cache; it may be down
        logger.warning("Page URL unavailable, using its path under the site root")
        url = "/" + page.url_path.strip("/").partition("/")[2] + "/"
    if url.startswith("/"):
        url = conf.base_url() + url
    return url.rstrip("/") + "/" + route


def admin_link(pledge: Pledge) -> str:
    """Where reviewers open the pledge in the admin."""
    return conf.admin_base_url() + pledge.get_admin_url()


def member_link(pledge: Pledge) -> str:
    """The public member page of ``pledge``, or "" when the site shows no members.

    The showcase app answers through the ``pledge_forms_member_url`` hook (a function of
    the pledge returning an absolute URL or ""), so the core never builds that address.
    """
    for hook in hooks.get_hooks(MEMBER_URL_HOOK):
        url = hook(pledge)
        if url:
            return url
    return ""


def _encode(signed: str) -> str:
    # Page routes only accept letters, digits, "-" and "_" in a path segment.
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _decode(token: str) -> str:
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise InvalidLink(_("This link is not valid or has expired.")) from exc


def make_verify_token(pledge: Pledge) -> str:
    return _encode(signing.dumps({"p": pledge.pk}, salt=VERIFY_SALT))


def verify_link(pledge: Pledge) -> str:
    return page_link(
        localization.form_page_for(pledge), f"verify/{make_verify_token(pledge)}/"
    )


def make_update_token(pledge: Pledge) -> str:
    return _encode(
        signing.dumps(
            {"p": pledge.pk, "v": pledge.update_link_version}, salt=UPDATE_SALT
        )
    )


def update_link(pledge: Pledge) -> str:
    return page_link(
        localization.form_page_for(pledge), f"update/{make_update_token(pledge)}/"
    )


def token_is_well_formed(token: str) -> bool:
    """True when ``token`` could be one of ours (letters, digits, "-", "_"; its length)."""
    return isinstance(token, str) and TOKEN_FORMAT.fullmatch(token) is not None


def _load(token: str, salt: str, days: int) -> dict:
    if not token_is_well_formed(token):
        raise InvalidLink(_("This link is not valid or has expired."))
    try:
        payload = signing.loads(_decode(token), salt=salt, max_age=days * 86400)
    except signing.BadSignature as exc:
        raise InvalidLink(_("This link is not valid or has expired.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), int):
        raise InvalidLink(_("This link is not valid or has expired."))
    return payload


def pledge_for_verify_token(token: str) -> Pledge:
    payload = _load(token, VERIFY_SALT, conf.get("VERIFY_MAX_AGE_DAYS"))
    pledge = Pledge.objects.filter(pk=payload["p"]).first()
    if pledge is None:
        raise InvalidLink(_("This link is not valid or has expired."))
    return pledge


def pledge_for_update_token(token: str) -> Pledge:
    payload = _load(token, UPDATE_SALT, conf.get("UPDATE_MAX_AGE_DAYS"))
    pledge = Pledge.objects.filter(pk=payload["p"]).first()
    # A declined pledge's link is its way back (revise and send again), even when its
    # address was never confirmed: the link reached that address, as a confirmation does.
    if (
        pledge is None
        or payload.get("v") != pledge.update_link_version
        or not (pledge.is_verified or pledge.review_status == ReviewStatus.DECLINED)
    ):
        raise InvalidLink(_("This link is not valid or has expired."))
    return pledge


def make_resume_token(draft: PledgeDraft) -> str:
    return _encode(
        signing.dumps({"p": draft.pk, "v": draft.link_version}, salt=RESUME_SALT)
    )


def resume_link(draft: PledgeDraft) -> str:
    return page_link(
        localization.form_page_for(draft),
        f"resume/{make_resume_token(draft)}/",
    )


def draft_for_resume_token(token: str) -> PledgeDraft:
    """The draft a resume link opens; refused once revoked, sent or deleted."""
    payload = _load(token, RESUME_SALT, conf.get("DRAFT_MAX_AGE_DAYS"))
    draft = PledgeDraft.objects.filter(pk=payload["p"], sent_at__isnull=True).first()
    if draft is None or payload.get("v") != draft.link_version:
        raise InvalidLink(_("This link is not valid or has expired."))
    return draft


def link_mails_left(pledge: Pledge) -> int:
    """How many more link-carrying e-mails the public may still cause for ``pledge`` today.

    Counted from the stored ``OutgoingMail`` rows of the last 24 hours (every worker and
    process sees the same rows); ``PLEDGE_FORMS_LINK_MAILS_PER_DAY`` is the limit, 0 turns
    it off.
    """
    limit = conf.get("LINK_MAILS_PER_DAY")
    if not limit:
        return 1
    since = timezone.now() - timedelta(days=1)
    sent = OutgoingMail.objects.filter(
        pledge=pledge, purpose__in=LINK_PURPOSES, created_at__gte=since
    ).count()
    return max(limit - sent, 0)


def send_update_link(pledge: Pledge, *, limited: bool = False) -> bool:
    """E-mail the update link to the pledge's recorded address; True when one was queued.

    ``limited`` is for sends the public can cause (a repeat pledge): beyond the daily
    limit nothing is sent. Staff actions are not limited."""
    if limited and not link_mails_left(pledge):
        logger.info("Daily link e-mail limit reached for pledge %s", pledge.pk)
        return False
    emails.send_kind("update", pledge, [pledge.chief_email], link=update_link(pledge))
    return True


def revoke_update_links(pledge: Pledge, user=None) -> None:
    """Every update link sent so far stops working."""
    Pledge.objects.filter(pk=pledge.pk).update(
        update_link_version=pledge.update_link_version + 1
    )
    pledge.update_link_version += 1
    log(pledge, "pledge_forms.revoke_update_links", user=user)
