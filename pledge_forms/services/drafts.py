"""Pledges being filled in step by step (``PledgeDraft``): keeping their answers, saving
them for later with a private resume link, and deleting them.

Answers are kept as posted (lists of strings per field), so each step's form is bound to
them again as if just posted. Uploads (the logo) wait in private storage
(``PLEDGE_FORMS_DRAFT_STORAGE``) under the draft's own folder until the pledge is sent.
A draft is deleted once its pledge is stored (sent, then stored by a worker:
``pledge_forms.sending``), when the agency deletes it, or by the daily housekeeping once
it has not changed for ``DRAFT_MAX_AGE_DAYS`` (saved for later) or
``DRAFT_UNSAVED_HOURS`` (never saved). A sent draft is found by nothing the visitor
does (the form, a resume link, the update link) and never purged: it waits for the
worker.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict

from pledge_forms import conf, emails, evidence, localization
from pledge_forms.models.drafts import PledgeDraft
from pledge_forms.services.links import resume_link

logger = logging.getLogger(__name__)

# Where an upload kept with a draft lives: draft storage (a logo, until it is sent) or
# evidence storage (evidence files are stored where they stay). An update's draft also
# lists the evidence files the pledge has already (PLEDGE_FILE: never deleted here, an
# older revision may name them), and those the agency chose to remove (REMOVED).
DRAFT_FILE = "draft"
EVIDENCE_FILE = "evidence"
PLEDGE_FILE = "pledge"
REMOVED = "removed"


def draft_storage():
    return storages[conf.get("DRAFT_STORAGE")]


def find(page, key: str, *, for_update: bool = False) -> PledgeDraft | None:
    """The draft of the form ``page`` with this session key (of a new pledge, or with
    ``for_update`` of an update), or None."""
    if not key or not isinstance(key, str) or len(key) > 64:
        return None
    return (
        PledgeDraft.objects.filter(
            form_page=page.source_page,
            key=key,
            pledge__isnull=not for_update,
            sent_at__isnull=True,
        )
        .select_related("pledge")
        .first()
    )


def update_draft(page, pledge, answers: dict[str, list[str]]) -> PledgeDraft:
    """The draft of an update of ``pledge``: the one begun before, unless the pledge
    has changed since (a newer revision), else a new one holding ``answers``.

    Counted as saved from the start: the update link is the way back to it."""
    draft = (
        PledgeDraft.objects.filter(
            form_page=page.source_page, pledge=pledge, sent_at__isnull=True
        )
        .order_by("-updated_at")
        .first()
    )
    revised = pledge.latest_revision.created_at if pledge.latest_revision_id else None
    if draft is not None and (revised is None or draft.created_at >= revised):
        return draft
    if draft is not None:
        delete(draft)
    return PledgeDraft.objects.create(
        form_page=page.source_page,
        language=localization.content_language(),
        pledge=pledge,
        answers=answers,
        files={
            f"evidence_file_{row.item_id}": {
                "name": row.evidence_name,
                "original": row.evidence_display_name,
                "kind": PLEDGE_FILE,
            }
            for row in pledge.get_latest_revision_as_object().practices.all()
            if row.evidence_name
        },
        saved_at=timezone.now(),
        done_steps=[],
    )


def answers_of(draft: PledgeDraft | None) -> MultiValueDict:
    """The draft's answers as a form's ``data``."""
    return MultiValueDict(dict(draft.answers) if draft else {})


def keep_answers(
    draft: PledgeDraft, field_names, posted, *, step: str, valid: bool
) -> None:
    """Replace the draft's answers to ``field_names`` with those ``posted`` (a QueryDict);
    a draft not stored yet is stored with them.

    A question the post leaves out (a checkbox left unticked) has no answer any more."""
    answers = dict(draft.answers)
    for name in field_names:
        answers.pop(name, None)
        values = [value for value in posted.getlist(name) if isinstance(value, str)]
        if values:
            answers[name] = values
    draft.answers = answers
    draft.step = step
    done = [name for name in draft.done_steps if name != step]
    draft.done_steps = [*done, step] if valid else done
    draft.save()


def mark_done(draft: PledgeDraft, steps: list[str]) -> None:
    """Record ``steps`` as answered in full (the step indicator shows them completed)."""
    draft.done_steps = list(steps)
    draft.save(update_fields=["done_steps"])


def keep_file(
    draft: PledgeDraft, field_name: str, content: ContentFile, original: str
) -> None:
    """Keep an upload (already checked; ``original`` is its name as uploaded) with the
    draft, replacing an earlier one."""
    drop_file(draft, field_name)
    suffix = PurePath(content.name or "").suffix.lower()[:10]
    name = draft_storage().save(
        f"drafts/{draft.key[:16]}/{field_name}-{secrets.token_hex(6)}{suffix}", content
    )
    _remember(draft, field_name, name, original, DRAFT_FILE)


def keep_evidence(draft: PledgeDraft, field_name: str, checked) -> None:
    """Store an evidence file (already checked) in evidence storage for the draft; sent
    with the pledge, it belongs to the pledge from then on."""
    replaces = _replaces_pledge_file(draft.files.get(field_name))
    drop_file(draft, field_name)
    name = evidence.store_evidence(checked)
    _remember(
        draft, field_name, name, checked.original_name, EVIDENCE_FILE, replaces=replaces
    )


def _replaces_pledge_file(entry: dict | None) -> bool:
    """Whether the pledge has a file at this field already (kept, removed or replaced):
    removing the draft's file then removes the pledge's too."""
    return bool(entry) and (
        entry.get("kind") in (PLEDGE_FILE, REMOVED) or bool(entry.get("replaces"))
    )


def _remember(
    draft, field_name: str, name: str, original: str, kind: str, replaces=False
) -> None:
    files = dict(draft.files)
    files[field_name] = {
        "name": name,
        "original": PurePath(original or "").name[:255],
        "kind": kind,
        **({"replaces": True} if replaces else {}),
    }
    draft.files = files
    draft.save(update_fields=["files", "updated_at"])


def drop_file(draft: PledgeDraft, field_name: str) -> None:
    """Forget an upload (deleting it, unless the pledge has it already: then sending
    the update removes it from the pledge)."""
    files = dict(draft.files)
    entry = files.pop(field_name, None)
    if not entry or entry.get("kind") == REMOVED:
        return
    _delete_stored(entry)
    if _replaces_pledge_file(entry):
        files[field_name] = {"kind": REMOVED}
    draft.files = files
    draft.save(update_fields=["files", "updated_at"])


def kept_files(draft: PledgeDraft) -> dict[str, dict]:
    """The uploads a draft has, as shown beside their fields (removed ones left out)."""
    return {
        name: entry
        for name, entry in draft.files.items()
        if entry.get("kind") != REMOVED
    }


def evidence_names(draft: PledgeDraft) -> dict[str, str]:
    """The evidence answers the services take, by field: a new file's name, or "" for
    one the agency removed (files the pledge keeps are left out: kept as they are)."""
    answers = {}
    for field_name, entry in draft.files.items():
        if entry.get("kind") == EVIDENCE_FILE:
            answers[field_name] = entry["name"]
        elif entry.get("kind") == REMOVED:
            answers[field_name] = ""
    return answers


def read_file(draft: PledgeDraft, field_name: str) -> ContentFile | None:
    """An upload kept with the draft, read back (None when there is none or it is gone)."""
    entry = draft.files.get(field_name)
    if not entry:
        return None
    try:
        with draft_storage().open(entry["name"]) as handle:
            return ContentFile(handle.read(), name=entry.get("original") or "upload")
    except OSError:
        logger.warning("A draft's upload could not be read: %s", entry["name"])
        return None


def _delete_stored(entry: dict) -> None:
    name = entry.get("name")
    if not name or entry.get("kind") in (PLEDGE_FILE, REMOVED):
        return
    if entry.get("kind") == EVIDENCE_FILE:
        evidence.delete_evidence(name)
        return
    try:
        draft_storage().delete(name)
    except OSError as exc:
        logger.warning("A draft's upload could not be deleted: %s", exc)


def delete(draft: PledgeDraft) -> None:
    """The draft and its uploads are gone; every resume link stops working."""
    for entry in draft.files.values():
        _delete_stored(entry)
    draft.delete()


def claim(draft: PledgeDraft, sent: dict) -> bool:
    """Mark ``draft`` sent, with what its last step checked (``sent``), in one UPDATE;
    False when it was sent already (a second click a moment ago, in any process)."""
    now = timezone.now()
    claimed = PledgeDraft.objects.filter(pk=draft.pk, sent_at__isnull=True).update(
        sent_at=now, sent=sent
    )
    if claimed:
        draft.sent_at, draft.sent = now, sent
    return bool(claimed)


def stored(draft: PledgeDraft) -> None:
    """The draft's pledge is stored: the draft goes, its evidence files stay with the
    pledge (the services delete those a repeat pledge brought), other uploads go."""
    for entry in draft.files.values():
        if entry.get("kind") != EVIDENCE_FILE:
            _delete_stored(entry)
    draft.delete()


def link_mails_left(draft: PledgeDraft) -> bool:
    """Whether the draft may still e-mail a resume link today."""
    limit = conf.get("DRAFT_LINK_MAILS_PER_DAY")
    if not limit:
        return True
    return draft.link_mail_day != timezone.localdate() or draft.link_mails_today < limit


def save_for_later(draft: PledgeDraft, address: str) -> bool:
    """E-mail ``address`` a private link to go on with ``draft``; False when the daily
    limit of such e-mails for this draft is reached (nothing is sent)."""
    with transaction.atomic():
        draft = PledgeDraft.objects.select_for_update().get(pk=draft.pk)
        if not link_mails_left(draft):
            return False
        today = timezone.localdate()
        draft.link_mails_today = (
            draft.link_mails_today + 1 if draft.link_mail_day == today else 1
        )
        draft.link_mail_day = today
        draft.resume_email = address
        draft.saved_at = timezone.now()
        # The link and the e-mail in the language the form is being filled in.
        draft.language = localization.content_language()
        draft.save()
        with translation.override(draft.language):
            subject, text, html = emails.compose(
                localization.form_page_for(draft),
                "draft_saved",
                {
                    "agency": _first(draft.answers.get("legal_name")),
                    "link": resume_link(draft),
                },
            )
        emails.queue([address], subject, text, html, purpose="draft_saved")
    return True


def revoke_links(draft: PledgeDraft) -> None:
    """Every resume link sent for ``draft`` stops working (the draft stays)."""
    PledgeDraft.objects.filter(pk=draft.pk).update(link_version=draft.link_version + 1)
    draft.link_version += 1


def link_expires(draft: PledgeDraft) -> datetime:
    return (draft.saved_at or timezone.now()) + timedelta(
        days=conf.get("DRAFT_MAX_AGE_DAYS")
    )


def purge(now: datetime | None = None) -> int:
    """Delete drafts left unfinished: saved ones untouched for ``DRAFT_MAX_AGE_DAYS``,
    never-saved ones for ``DRAFT_UNSAVED_HOURS``. Answers how many went."""
    now = now or timezone.now()
    stale = PledgeDraft.objects.filter(sent_at__isnull=True).filter(
        Q(
            saved_at__isnull=False,
            updated_at__lt=now - timedelta(days=conf.get("DRAFT_MAX_AGE_DAYS")),
        )
        | Q(
            saved_at__isnull=True,
            updated_at__lt=now - timedelta(hours=conf.get("DRAFT_UNSAVED_HOURS")),
        )
    )
    count = 0
    for draft in stale.iterator():
        delete(draft)
        count += 1
    return count


def _first(values) -> str:
    if isinstance(values, list):
        return values[-1] if values else ""
    return values or ""
