"""Backup and restore of the whole campaign: one archive that rebuilds the site in an empty database.

The archive (a tar file) holds:

- ``data.json_exact.gz``: every row of every model (pages and their revisions, snippets, the checklist,
  pledges, practice rows, submissions, outgoing e-mails, the audit log, users, groups and their
  permissions, settings), written by Django's serializer with primary keys kept, content types
  and permissions included, so that every reference inside (revisions' JSON, log entries'
  object ids, generic relations) still points at the same row after a restore;
- ``manifest.json``: when and from which release it was made (the applied migrations), the row
  count of every model, a SHA-256 of the data file, and every media file the rows refer to;
- ``media/…`` (with ``--media``): the referenced media files themselves.

Left out on purpose, because they are rebuilt or expire: sessions, the search index, the
reference index, image renditions, editing sessions and the task queue (unsent e-mails are kept as
``OutgoingMail`` rows; the restore reports them and an operator sends them).

A restore needs the same release as the backup (the same migrations): it refuses otherwise and
says which migrations differ. It loads everything in one transaction into a database that holds
nothing but what ``migrate`` creates, so a failed restore leaves the database as it was.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import django
import wagtail
from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

logger = logging.getLogger(__name__)

FORMAT = "tbc-campaign-backup"
FORMAT_VERSION = 1
# The name tells loaddata the format (cms/serializers.py): Django's JSON, exact to the microsecond.
SERIALIZER = "json_exact"
DATA_NAME = f"data.{SERIALIZER}.gz"
serializers.register_serializer(SERIALIZER, "cms.serializers")
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"

# Rows that are rebuilt or expire: kept out of every backup.
EXCLUDED = {
    "sessions.Session",
    "wagtailsearch.IndexEntry",
    "wagtailsearch.SQLiteFTSIndexEntry",
    "wagtailcore.ReferenceIndex",
    "wagtailimages.Rendition",
    "media.CampaignRendition",
    "wagtailadmin.EditingSession",
    "django_tasks_database.DBTaskResult",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "pledge_forms.RateCounter",
}


class BackupError(Exception):
    """A backup cannot be read or restored here; the message says why."""


def _table_exists(model, tables: set[str]) -> bool:
    return model._meta.db_table in tables


def backed_up_models() -> list[type[models.Model]]:
    """Every concrete model with a table, except the rebuilt and expiring ones."""
    tables = set(connection.introspection.table_names())
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label not in EXCLUDED
        and _table_exists(model, tables)
    ]


def applied_migrations() -> dict[str, list[str]]:
    """The migrations applied to this database, by app (sorted, comparable)."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def row_counts(model_list) -> dict[str, int]:
    # Base managers: a manager that hides rows (live pages only, say) must not hide them here.
    return {
        model._meta.label: model._base_manager.count()
        for model in sorted(model_list, key=lambda m: m._meta.label)
    }


def media_references(model_list) -> list[dict]:
    """Every file name stored in a file field of the public media storage."""
    found: dict[str, dict] = {}
    for model in model_list:
        file_fields = [
            f
            for f in model._meta.local_fields
            if isinstance(f, models.FileField) and f.storage is default_storage
        ]
        for f in file_fields:
            names = (
                model._base_manager.exclude(**{f.name: ""})
                .exclude(**{f"{f.name}__isnull": True})
                .values_list(f.name, flat=True)
                .iterator()
            )
            for name in names:
                found.setdefault(name, {"name": name, "model": model._meta.label})
    return sorted(found.values(), key=lambda item: item["name"])


@dataclass
class BackupResult:
    path: Path
    counts: dict[str, int]
    media: list[dict]
    media_included: int = 0
    media_missing: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(payload))


def create_backup(path: Path, *, include_media: bool = False) -> BackupResult:
    """Write the archive to ``path``; the rows are read in one transaction (one snapshot)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir, transaction.atomic():
        model_list = backed_up_models()
        data_path = Path(workdir) / DATA_NAME
        call_command(
            "dumpdata",
            *[model._meta.label for model in model_list],
            output=str(data_path),
            format=SERIALIZER,
            use_base_manager=True,
            verbosity=0,
        )
        counts = row_counts(model_list)
        media = media_references(model_list)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "django": django.get_version(),
            "wagtail": wagtail.__version__,
            "migrations": applied_migrations(),
            "counts": counts,
            "data_sha256": _sha256(data_path),
            "media": media,
            "media_included": include_media,
        }
        result = BackupResult(path=path, counts=counts, media=media)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(data_path, arcname=DATA_NAME)
            if include_media:
                for item in media:
                    try:
                        with default_storage.open(item["name"], "rb") as handle:
                            payload = handle.read()
                    except (FileNotFoundError, OSError):
                        result.media_missing.append(item["name"])
                        continue
                    _add_bytes(archive, MEDIA_PREFIX + item["name"], payload)
                    result.media_included += 1
            manifest["media_missing"] = result.media_missing
            _add_bytes(
                archive,
                MANIFEST_NAME,
                json.dumps(manifest, indent=2, sort_keys=True).encode(),
            )
        partial.replace(path)  # never a half-written archive under the final name
    return result


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST_NAME)
        manifest = json.load(archive.extractfile(member))
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupError(
            f"This is not a campaign backup: no readable {MANIFEST_NAME}."
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not a campaign backup (unknown format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {manifest.get('format_version')}; this release "
            f"reads version {FORMAT_VERSION}."
        )
    return manifest


def migration_differences(manifest: dict) -> list[str]:
    """What differs between the backup's migrations and this database's (empty: the same)."""
    theirs = {
        (app, name) for app, names in manifest["migrations"].items() for name in names
    }
    ours = {
        (app, name) for app, names in applied_migrations().items() for name in names
    }
    lines = [f"only in the backup: {app}.{name}" for app, name in sorted(theirs - ours)]
    lines += [
        f"only in this release: {app}.{name}" for app, name in sorted(ours - theirs)
    ]
    return lines


def content_rows() -> dict[str, int]:
    """What the campaign holds beyond what ``migrate`` creates (zero everywhere: empty)."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    from pledge_forms.models import Pledge, PledgeSubmission

    return {
        "users": get_user_model().objects.count(),
        "pledges": Pledge.objects.count(),
        "submissions": PledgeSubmission.objects.count(),
        # migrate creates the tree's root and Wagtail's welcome page
        "pages": max(Page.objects.count() - 2, 0),
    }


@dataclass
class RestoreResult:
    counts: dict[str, int]
    expected: dict[str, int]
    media_written: int = 0
    media_missing: list[str] = field(default_factory=list)

    @property
    def mismatches(self) -> dict[str, tuple[int, int]]:
        return {
            label: (expected, self.counts.get(label, 0))
            for label, expected in self.expected.items()
            if self.counts.get(label, 0) != expected
        }


def restore_backup(path: Path, *, replace: bool = False) -> RestoreResult:
    """Load the archive at ``path`` into this (migrated) database."""
    path = Path(path)
    with _open_archive(path) as archive, tempfile.TemporaryDirectory() as workdir:
        manifest = read_manifest(archive)
        differences = migration_differences(manifest)
        if differences:
            raise BackupError(
                "This backup was made by another release (its migrations differ). Restore it "
                "with the release that made it, then upgrade with `migrate`:\n  "
                + "\n  ".join(differences)
            )
        if not replace:
            held = {name: count for name, count in content_rows().items() if count}
            if held:
                raise BackupError(
                    "The database is not empty ("
                    + ", ".join(f"{count} {name}" for name, count in held.items())
                    + "). Restore into an empty database, or pass --replace to replace "
                    "everything in this one."
                )
        try:
            member = archive.getmember(DATA_NAME)
        except KeyError as exc:
            raise BackupError(f"The backup has no {DATA_NAME}.") from exc
        data_path = Path(workdir) / DATA_NAME
        with archive.extractfile(member) as source, data_path.open("wb") as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        if _sha256(data_path) != manifest["data_sha256"]:
            raise BackupError(
                "The data file does not match its checksum: the backup is damaged."
            )
        _check_readable(data_path)

        with transaction.atomic():
            # Empty every table, without the handlers that would fill some again (content
            # types, permissions, the default site): the backup brings its own rows, same keys.
            call_command(
                "flush", interactive=False, inhibit_post_migrate=True, verbosity=0
            )
            call_command("loaddata", str(data_path), verbosity=0)
            model_list = backed_up_models()
            counts = row_counts(model_list)

        result = RestoreResult(counts=counts, expected=manifest["counts"])
        if manifest.get("media_included"):
            for item in manifest["media"]:
                name = item["name"]
                try:
                    payload = archive.extractfile(MEDIA_PREFIX + name).read()
                except KeyError:
                    result.media_missing.append(name)
                    continue
                if default_storage.exists(name):
                    continue
                saved = default_storage.save(name, ContentFile(payload))
                if (
                    saved != name
                ):  # the storage chose another name: the row would not find it
                    default_storage.delete(saved)
                    result.media_missing.append(name)
                    continue
                result.media_written += 1
        else:
            result.media_missing = [
                item["name"]
                for item in manifest["media"]
                if not default_storage.exists(item["name"])
            ]
        return result


def _open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r")  # noqa: SIM115 (the caller's `with` closes it)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"Cannot open {path}: {exc}") from exc


def _check_readable(data_path: Path) -> None:
    try:
        with gzip.open(data_path, "rt", encoding="utf-8") as handle:
            handle.read(1)
    except (OSError, EOFError) as exc:
        raise BackupError(
            "The data file cannot be read: the backup is damaged."
        ) from exc


def after_restore() -> int:
    """Rebuild what a backup leaves out; the number of e-mails that were waiting to be sent.

    Those are not sent again by themselves: one that was waiting when the backup was made may
    have gone out before the database was lost, and an agency should not get it twice unless
    an operator decides so (``manage.py retry_pledge_mail``).
    """
    from cms import page_cache
    from pledge_forms import tasks as pledge_tasks

    call_command("rebuild_references_index", verbosity=0)
    call_command("update_index", verbosity=0)
    page_cache.invalidate()
    return len(pledge_tasks.due_ids())
