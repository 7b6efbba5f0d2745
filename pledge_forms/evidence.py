"""Evidence files of practices in place: checked by their content, kept in private storage.

An agency may attach one file to a practice it has in place: a PDF, a Word document (DOCX)
or a PNG, JPEG or WebP image, at most ``PLEDGE_FORMS_EVIDENCE_MAX_BYTES``. What the file is
is read from its bytes, never from its name or the type the browser declared: a renamed
program, an HTML page or an SVG image is refused whatever it is called.

Files go to the ``STORAGES`` alias ``PLEDGE_FORMS_EVIDENCE_STORAGE`` ("private": outside the
public media, a private prefix of the bucket on S3), under an unguessable name
``evidence/<32 hex digits>/<safe name>.<extension of the content>``. They are never given a
public URL: reviewers download them through the admin (``pledge_forms.admin.evidence``).

The public form uses :class:`EvidenceFileField` (its ``clean`` runs :func:`check_evidence`),
stores the checked file with :func:`store_evidence` and passes the returned name to the
services as ``evidence_file_<item pk>`` (docs/evidence.md).
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import warnings
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from pledge_forms import conf

logger = logging.getLogger(__name__)

FOLDER = "evidence"
DOCX_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
# Kind of content -> (content type, file extension).
KINDS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": (DOCX_CONTENT_TYPE, "docx"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
    "webp": ("image/webp", "webp"),
}
CONTENT_TYPES = {extension: content_type for content_type, extension in KINDS.values()}
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
# What the file input offers (a hint for the browser's file picker; the content decides).
ACCEPT = ".pdf,.docx,.png,.jpg,.jpeg,.webp"
# A stored evidence name, as store_evidence makes it; nothing else is ever served.
NAME_PATTERN = re.compile(r"^evidence/[0-9a-f]{32}/[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

# DOCX: the parts a Word document must have, and the main part's content type (a
# macro-enabled document, DOCM, declares another one and is refused).
DOCX_PARTS = ("[Content_Types].xml", "word/document.xml")
DOCX_MAIN_TYPE = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_RATIO = 200  # unpacked size / packed size of one part


@dataclass(frozen=True)
class CheckedEvidence:
    """An upload that passed :func:`check_evidence`: its bytes and what they are."""

    data: bytes
    kind: str  # a key of KINDS
    original_name: str

    @property
    def content_type(self) -> str:
        return KINDS[self.kind][0]

    @property
    def size(self) -> int:
        return len(self.data)


def evidence_storage():
    """The storage evidence files go to (``PLEDGE_FORMS_EVIDENCE_STORAGE``)."""
    return storages[conf.get("EVIDENCE_STORAGE")]


def _megabytes(size: int) -> str:
    value = round(size / 1024 / 1024, 1)
    return str(int(value)) if value == int(value) else str(value)


def not_allowed() -> ValidationError:
    return ValidationError(
        _(
            "The file must be a PDF, a Word document (DOCX) or a PNG, JPEG or WebP "
            "image; this file is none of these."
        ),
        code="evidence_type",
    )


def _check_docx(data: bytes) -> None:
    unreadable = ValidationError(
        _(
            "The Word document could not be read; please save it again as DOCX, or "
            "as PDF."
        ),
        code="evidence_docx",
    )
    # A zip file starts with a local file header: a program with a zip appended (a
    # self-extracting archive) does not.
    if not data.startswith(b"PK\x03\x04"):
        raise not_allowed()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_allowed() from None
    with archive:
        entries = archive.infolist()
        names = {entry.filename for entry in entries}
        if not all(part in names for part in DOCX_PARTS):
            raise not_allowed()
        # Zip bombs: the sizes the central directory declares, before unpacking anything.
        if len(entries) > DOCX_MAX_ENTRIES:
            raise unreadable
        limit = conf.get("EVIDENCE_MAX_UNZIPPED_BYTES")
        if sum(entry.file_size for entry in entries) > limit:
            raise unreadable
        for entry in entries:
            if entry.file_size > DOCX_MAX_RATIO * max(entry.compress_size, 1024):
                raise unreadable
        if "word/vbaProject.bin" in names:
            raise ValidationError(
                _(
                    "Word documents with macros are not accepted; please save it as "
                    "DOCX without macros, or as PDF."
                ),
                code="evidence_macros",
            )
        try:
            # Read with a bound, whatever the directory declared.
            with archive.open("[Content_Types].xml") as handle:
                content_types = handle.read(1024 * 1024 + 1)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
            raise unreadable from None
        if len(content_types) > 1024 * 1024 or DOCX_MAIN_TYPE not in content_types:
            raise not_allowed()


def _image_kind(data: bytes) -> str | None:
    """The kind of an image Pillow reads and verifies, or None for anything else."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(
            _("The image has too many pixels; please send a smaller one."),
            code="evidence_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    return IMAGE_FORMATS.get(image_format)


def check_evidence(upload) -> CheckedEvidence:
    """Check an uploaded evidence file by its content; the checked bytes and their kind.

    ``upload`` is a Django ``UploadedFile`` (or any file object with ``read``). Raises
    ``ValidationError`` with a message for the person uploading when the file is empty,
    too large, or not a PDF, DOCX, PNG, JPEG or WebP image."""
    max_bytes = conf.get("EVIDENCE_MAX_BYTES")
    too_large = ValidationError(
        _("The file is too large: at most %(mb)s MB, please.")
        % {"mb": _megabytes(max_bytes)},
        code="evidence_size",
    )
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_large
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    if not data:
        raise ValidationError(_("The file is empty."), code="evidence_empty")
    name = os.path.basename(getattr(upload, "name", "") or "")
    if re.match(rb"%PDF-[12]\.\d", data[:8]):
        kind = "pdf"
    elif data.startswith(b"PK"):
        _check_docx(data)
        kind = "docx"
    else:
        kind = _image_kind(data)
        if kind is None:
            raise not_allowed()
    return CheckedEvidence(data=data, kind=kind, original_name=name)


def safe_name(original_name: str, kind: str) -> str:
    """A file name safe in a storage key and a download header: letters, digits, ``.``,
    ``-`` and ``_``, with the extension of what the content is (not of what it claimed)."""
    stem = os.path.splitext(os.path.basename(original_name or ""))[0]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:60] or "evidence"
    return f"{stem}.{KINDS[kind][1]}"


def store_evidence(checked: CheckedEvidence) -> str:
    """Store a checked file in private storage under an unguessable name; that name."""
    name = f"{FOLDER}/{secrets.token_hex(16)}/{safe_name(checked.original_name, checked.kind)}"
    return evidence_storage().save(name, ContentFile(checked.data))


def is_evidence_name(name: object) -> bool:
    """Whether ``name`` is one :func:`store_evidence` could have returned."""
    return isinstance(name, str) and bool(NAME_PATTERN.match(name))


def delete_evidence(name: str) -> None:
    """Delete a stored evidence file; a name that is not one, or a missing file, is
    ignored, and a storage error is logged (the file is then left behind)."""
    if not is_evidence_name(name):
        return
    try:
        evidence_storage().delete(name)
    except Exception:
        logger.exception("Could not delete the evidence file %s", name)


def display_name(name: str) -> str:
    """The file name a reviewer downloads (the safe name, without the random folder)."""
    return os.path.basename(name or "")


def content_type(name: str) -> str:
    """The content type of a stored evidence file (its extension was set from its
    content by :func:`store_evidence`)."""
    extension = os.path.splitext(name or "")[1].lstrip(".").lower()
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def web_link(url: object) -> str:
    """``url`` when it is an http(s) address, else "" (an evidence link is never a
    ``javascript:`` or ``data:`` link in the admin)."""
    url = str(url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in {"http", "https"} and len(url) <= 500 else ""


def help_text() -> str:
    return _(
        "Optional. A PDF, a Word document (DOCX) or a PNG, JPEG or WebP image, at most "
        "%(mb)s MB. Only the campaign's reviewers see it; it is never published."
    ) % {"mb": _megabytes(conf.get("EVIDENCE_MAX_BYTES"))}


class EvidenceFileField(forms.FileField):
    """An optional evidence upload; its cleaned value is a :class:`CheckedEvidence` (or
    None when nothing was chosen), ready for :func:`store_evidence`."""

    default_error_messages = {
        "invalid": gettext_lazy("No file was sent; please choose the file again."),
        "empty": gettext_lazy("The file is empty."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", gettext_lazy("Evidence file"))
        kwargs.setdefault("allow_empty_file", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return check_evidence(upload)


def create_evidence_field(**kwargs) -> EvidenceFileField:
    """The evidence upload of one practice, for the public form."""
    kwargs.setdefault("help_text", help_text())
    return EvidenceFileField(**kwargs)
