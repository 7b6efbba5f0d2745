"""Test data that takes seconds to build, built once per test process and copied back after.

``@built_once`` wraps a function that creates rows (the demo content, a small campaign site).
Its first call in a test process runs it and keeps what it changed: the rows it added,
changed or removed in every table, and the files it wrote under the media and private
storages. A later call from the same starting point writes those rows back in one pass and
returns the same objects, read again from the database, instead of running the function.

The same starting point is: the same function and arguments, the same rows in every table
before the call, the same settings, the same day, and inside a test transaction or not
(``transaction.on_commit`` work runs only outside one). Anything else runs the function.

What is copied back is the function's own rows, value for value; what it did outside the
database is not replayed, so the caches of the process are emptied after a copy, as if
everything had changed. SQLite with local-memory caches only (``make test``); on PostgreSQL
(CI) or with Redis every call runs the function.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

from django.conf import UserSettingsHolder, settings
from django.core.cache import caches
from django.db import connection, models, transaction
from django.utils import timezone

_KEPT: dict[tuple, Snapshot] = {}
_PLAIN = (type(None), bool, int, float, str, bytes, date, datetime)


@dataclass
class Snapshot:
    removed: dict[str, list[int]]
    rows: dict[str, tuple[list[str], list[tuple]]]
    sequences: dict[str, int]
    files: dict[Path, Path] = field(default_factory=dict)
    result: object = None


def built_once(build):
    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        key = _key(build, args, kwargs)
        if key is None:
            return build(*args, **kwargs)
        snapshot = _KEPT.get(key)
        if snapshot is not None:
            _restore(snapshot)
            return _read_again(snapshot.result)
        before, files_before = _rows(), _files()
        result = build(*args, **kwargs)
        kept = _kept_result(result)
        if kept is not _UNKEPT:
            _KEPT[key] = _snapshot(before, files_before, kept)
        return result

    return wrapper


# --- When a snapshot can stand for a call -----------------------------------------------


def _key(build, args, kwargs) -> tuple | None:
    if connection.vendor != "sqlite" or not all(
        settings.CACHES[alias]["BACKEND"].endswith("LocMemCache")
        for alias in settings.CACHES
    ):
        return None
    try:
        arguments = repr((args, sorted(kwargs.items())))
    except Exception:  # noqa: BLE001 (an argument without a repr: always build)
        return None
    if " at 0x" in arguments:
        return None
    overrides = _overridden_settings()
    if overrides is None:
        return None
    state = hashlib.sha256(repr(sorted(_rows().items())).encode()).hexdigest()
    return (
        f"{build.__module__}.{build.__qualname__}",
        arguments,
        overrides,
        timezone.localdate(),
        connection.in_atomic_block,
        state,
    )


def _overridden_settings() -> str | None:
    """The settings a test changed (pytest-django's ``settings``, ``override_settings``),
    as text; None when one has no stable text (an object), so that the call builds."""
    changed = []
    holder = settings._wrapped
    while isinstance(holder, UserSettingsHolder):
        changed.extend(
            (name, value) for name, value in vars(holder).items() if name.isupper()
        )
        holder = holder.default_settings
    text = repr(changed)
    return None if " at 0x" in text else text


# --- Rows and files ---------------------------------------------------------------------


def _tables(cursor) -> list[str]:
    """The tables with rows of their own: not the full-text indexes (virtual tables and
    their shadow tables), which triggers keep in step with the tables they index."""
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    tables = dict(cursor.fetchall())
    virtual = [
        name
        for name, sql in tables.items()
        if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")
    ]
    return sorted(
        name
        for name in tables
        if name == "sqlite_sequence"
        or not (
            name.startswith("sqlite_")
            or any(name == v or name.startswith(v + "_") for v in virtual)
        )
    )


def _rows() -> dict[str, dict[int, tuple]]:
    """Every row of every table by rowid (with its column names under None)."""
    everything = {}
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            if table == "sqlite_sequence":  # by table name (rowids move); 0 is no row
                cursor.execute(
                    "SELECT name, name, seq FROM sqlite_sequence WHERE seq > 0"
                )
            else:
                cursor.execute(f'SELECT rowid, * FROM "{table}"')  # noqa: S608 (tables)
            rows = {row[0]: row[1:] for row in cursor.fetchall()}
            rows[None] = tuple(column[0] for column in cursor.description[1:])
            everything[table] = rows
    return everything


def _storage_roots() -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT)]
    private = settings.STORAGES.get("private", {}).get("OPTIONS", {}).get("location")
    if private:
        roots.append(Path(private))
    return roots


def _files() -> dict[Path, tuple[int, int]]:
    return {
        path: (stat.st_size, stat.st_mtime_ns)
        for root in _storage_roots()
        if root.exists()
        for path in root.rglob("*")
        if path.is_file() and (stat := path.stat())
    }


def _snapshot(before, files_before, result) -> Snapshot:
    after = _rows()
    removed, rows = {}, {}
    sequences = dict(
        row for rowid, row in after.pop("sqlite_sequence").items() if rowid is not None
    )
    for table, now in after.items():
        then = before.get(table, {})
        gone = [rowid for rowid in then if rowid is not None and rowid not in now]
        changed = [
            (rowid, *row)
            for rowid, row in now.items()
            if rowid is not None and then.get(rowid) != row
        ]
        if gone or changed:
            removed[table] = gone + [row[0] for row in changed if row[0] in then]
        if changed:
            rows[table] = (list(now[None]), changed)
    copies = Path(tempfile.mkdtemp(prefix="tbc-test-snapshot-"))
    files = {}
    for path, signature in _files().items():
        if files_before.get(path) != signature:
            files[path] = copies / str(len(files))
            shutil.copy2(path, files[path])
    return Snapshot(
        removed=removed, rows=rows, sequences=sequences, files=files, result=result
    )


def _restore(snapshot: Snapshot) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for table, rowids in snapshot.removed.items():
            for start in range(0, len(rowids), 500):
                chunk = rowids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                cursor.execute(
                    f'DELETE FROM "{table}" WHERE rowid IN ({marks})',  # noqa: S608
                    chunk,
                )
        for table, (columns, rows) in snapshot.rows.items():
            names = ", ".join(f'"{name}"' for name in ["rowid", *columns])
            marks = ", ".join("?" * (len(columns) + 1))
            # OR REPLACE: a row a trigger wrote while the rows above went back (the published
            # pledges' token: pledge_forms/models/published.py) takes the kept value.
            insert = f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
            cursor.executemany(insert, rows)
        # The next ids, as the function left them (the inserts above may have moved them).
        cursor.execute("DELETE FROM sqlite_sequence")
        cursor.executemany(
            "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)",
            list(snapshot.sequences.items()),
        )
    for path, copy in snapshot.files.items():
        if not path.exists() or path.stat().st_size != copy.stat().st_size:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(copy, path)
    _forget_what_the_process_remembers()


def _forget_what_the_process_remembers() -> None:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Site

    from cms import topics

    for alias in settings.CACHES:
        caches[alias].clear()
    topics.memo.clear()
    Site.clear_site_root_paths_cache()
    ContentType.objects.clear_cache()


# --- What the function returned ---------------------------------------------------------


_UNKEPT = object()


@dataclass(frozen=True)
class _Row:
    model: type
    pk: object


def _kept_result(value):
    """``value`` with each model instance replaced by its model and key; _UNKEPT when it
    holds anything else than plain values, lists, tuples, dicts and namespaces."""
    if isinstance(value, models.Model):
        return _UNKEPT if value.pk is None else _Row(type(value), value.pk)
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, list | tuple):
        items = [_kept_result(item) for item in value]
        return _UNKEPT if any(item is _UNKEPT for item in items) else type(value)(items)
    if isinstance(value, dict | SimpleNamespace):
        items = {k: _kept_result(v) for k, v in vars_or_items(value)}
        if any(item is _UNKEPT for item in items.values()):
            return _UNKEPT
        return SimpleNamespace(**items) if isinstance(value, SimpleNamespace) else items
    return _UNKEPT


def vars_or_items(value):
    return vars(value).items() if isinstance(value, SimpleNamespace) else value.items()


def _read_again(value):
    if isinstance(value, _Row):
        return value.model._base_manager.get(pk=value.pk)
    if isinstance(value, list | tuple):
        return type(value)(_read_again(item) for item in value)
    if isinstance(value, dict):
        return {k: _read_again(v) for k, v in value.items()}
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _read_again(v) for k, v in vars(value).items()})
    return value
