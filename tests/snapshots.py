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
everything had changed. After a copy the tables must be what the function left, row for
row: when they are not (or writing them back fails), the copy is undone (on PostgreSQL but
for the id sequences, left where the function left them) and the function runs, that time
and every later one from the same starting point, with a warning in pytest's summary.

SQLite (``make test``) and PostgreSQL (CI), with local-memory caches: with Redis, shared
beyond the test process, every call runs the function. On SQLite rows are kept by rowid and
the next ids (sqlite_sequence) as the function left them. On PostgreSQL by primary key (a
table without a one-column key that the function changed: not kept, it always runs); the
rows go back with the Python values the cursor read (jsonb, inet and tsvector as text), and
each id sequence the function moved is set where it left it. The sequences are outside the
starting point (PostgreSQL does not roll them back): a copy has the ids of the first build,
a build after a rolled-back test has later ones; what a test adds after either comes after
them. The pledge table's triggers (pledge_forms/models/published.py) write the published
pledges' token while the pledges go back: tables with triggers are written first and every
row is an upsert, so the token ends as the function left it.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

from django.conf import UserSettingsHolder, settings
from django.core.cache import caches
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

_KEPT: dict[tuple, Snapshot] = {}
_REFUSED: set[tuple] = set()  # a copy did not give what the function left: always build
_PLAIN = (type(None), bool, int, float, str, bytes, date, datetime)


@dataclass
class Snapshot:
    removed: dict[str, list]
    rows: dict[str, tuple[list[str], list[tuple]]]
    sequences: dict[str, object]
    state: str  # _state() as the function left the tables
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
            if _restore(snapshot):
                return _read_again(snapshot.result)
            del _KEPT[key]
            _REFUSED.add(key)
        if key in _REFUSED:
            return build(*args, **kwargs)
        before, files_before = _rows(), _files()
        result = build(*args, **kwargs)
        kept = _kept_result(result)
        if kept is not _UNKEPT:
            snapshot = _snapshot(before, files_before, kept)
            if snapshot is not None:
                _KEPT[key] = snapshot
        return result

    return wrapper


# --- When a snapshot can stand for a call -----------------------------------------------


def _key(build, args, kwargs) -> tuple | None:
    if connection.vendor not in ("sqlite", "postgresql") or not all(
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
    return (
        f"{build.__module__}.{build.__qualname__}",
        arguments,
        overrides,
        timezone.localdate(),
        connection.in_atomic_block,
        _state(),
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


def _state() -> str:
    """A digest of every row of every table (on PostgreSQL not of the id sequences)."""
    if connection.vendor == "postgresql":
        return _postgres_state()
    return hashlib.sha256(repr(sorted(_rows().items())).encode()).hexdigest()


def _rows() -> dict[str, dict]:
    """Every row of every table by key (with its column names under None)."""
    return _postgres_rows() if connection.vendor == "postgresql" else _sqlite_rows()


def _sqlite_tables(cursor) -> list[str]:
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


def _sqlite_rows() -> dict[str, dict[int, tuple]]:
    """Every row of every table by rowid."""
    everything = {}
    with connection.cursor() as cursor:
        for table in _sqlite_tables(cursor):
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


@dataclass(frozen=True)
class _Table:
    pk: str | None  # the one-column primary key; None: no key, or of several columns
    sequence: str | None  # the key's id sequence, as pg_get_serial_sequence names it
    triggers: bool


_SCHEMAS: dict[frozenset[str], dict[str, _Table]] = {}
# In _postgres_rows(): the id sequences, table -> (last_value, is_called).
_SEQUENCES = "(id sequences)"
# In _postgres_rows(), for a table without a one-column key: its rows, unkeyed.
_UNKEYED = "(rows without a key)"


def _postgres_tables(cursor) -> dict[str, _Table]:
    """The tables (not views), with their keys; read once per set of table names."""
    names = frozenset(connection.introspection.table_names(cursor))
    tables = _SCHEMAS.get(names)
    if tables is None:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        )
        triggered = {row[0] for row in cursor.fetchall()}
        tables = {}
        for name in sorted(names):
            key = connection.introspection.get_primary_key_columns(cursor, name) or []
            pk = key[0] if len(key) == 1 else None
            sequence = None
            if pk is not None:
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [connection.ops.quote_name(name), pk],
                )
                sequence = cursor.fetchone()[0]
            tables[name] = _Table(pk, sequence, name in triggered)
        _SCHEMAS[names] = tables
    return tables


def _postgres_state() -> str:
    """Per table its number of rows and a digest of their text, ordered by key: one
    query, the rows compared in the database."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = _postgres_tables(cursor)
        selects = []
        for name, table in tables.items():
            text = "ROW(snapshot_row.*)::text"
            order = f"snapshot_row.{qn(table.pk)}" if table.pk else text
            digest = f"md5(coalesce(string_agg({text}, E'\\n' ORDER BY {order}), ''))"
            selects.append(
                f"SELECT %s, count(*), {digest} FROM {qn(name)} snapshot_row"  # noqa: S608 (tables)
            )
        cursor.execute(" UNION ALL ".join(selects), list(tables))
        digests = cursor.fetchall()
    return hashlib.sha256(repr(sorted(digests)).encode()).hexdigest()


def _postgres_rows() -> dict[str, dict]:
    """Every row of every table by primary key, and the id sequences."""
    qn = connection.ops.quote_name
    everything = {}
    with connection.cursor() as cursor:
        tables = _postgres_tables(cursor)
        for name, table in tables.items():
            if table.pk is None:
                cursor.execute(f"SELECT * FROM {qn(name)}")  # noqa: S608 (tables)
                rows = {_UNKEYED: sorted(map(repr, cursor.fetchall()))}
                rows[None] = tuple(column[0] for column in cursor.description)
            else:
                cursor.execute(f"SELECT {qn(table.pk)}, * FROM {qn(name)}")  # noqa: S608
                rows = {row[0]: row[1:] for row in cursor.fetchall()}
                rows[None] = tuple(column[0] for column in cursor.description[1:])
            everything[name] = rows
        sequences = {name: t.sequence for name, t in tables.items() if t.sequence}
        everything[_SEQUENCES] = {}
        if sequences:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s, last_value, is_called FROM {sequence}"  # noqa: S608
                    for sequence in sequences.values()
                ),
                list(sequences),
            )
            everything[_SEQUENCES] = {
                name: (last_value, is_called)
                for name, last_value, is_called in cursor.fetchall()
            }
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


def _snapshot(before, files_before, result) -> Snapshot | None:
    """What the function changed; None when it cannot be kept (rows of a table without a
    one-column key changed)."""
    state, after = _state(), _rows()
    removed, rows = {}, {}
    if connection.vendor == "postgresql":
        then = before.get(_SEQUENCES, {})
        sequences = {
            table: value
            for table, value in after.pop(_SEQUENCES).items()
            if then.get(table) != value
        }
    else:
        sequences = dict(
            row
            for rowid, row in after.pop("sqlite_sequence").items()
            if rowid is not None
        )
    for table, now in after.items():
        then = before.get(table, {})
        if _UNKEYED in now or _UNKEYED in then:
            if now != then:
                return None
            continue
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
        removed=removed,
        rows=rows,
        sequences=sequences,
        state=state,
        files=files,
        result=result,
    )


class _NotWhatTheFunctionLeft(Exception):
    pass


def _restore(snapshot: Snapshot) -> bool:
    """Writes the kept rows and files back; False, with nothing written, when the tables
    are then not what the function left (or writing fails): the caller builds."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _postgres_write(snapshot)
            else:
                _sqlite_write(snapshot)
            if _state() != snapshot.state:
                raise _NotWhatTheFunctionLeft
    except (_NotWhatTheFunctionLeft, DatabaseError) as error:
        # Shown in pytest's summary of warnings: the suite still passes, more slowly.
        warnings.warn(
            f"tests/snapshots.py: copy not kept, building instead: {error!r}",
            stacklevel=3,
        )
        return False
    for path, copy in snapshot.files.items():
        if not path.exists() or path.stat().st_size != copy.stat().st_size:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(copy, path)
    _forget_what_the_process_remembers()
    return True


def _sqlite_write(snapshot: Snapshot) -> None:
    with connection.cursor() as cursor:
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


def _postgres_write(snapshot: Snapshot) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = _postgres_tables(cursor)
        for table, keys in snapshot.removed.items():
            cursor.execute(
                f"DELETE FROM {qn(table)} WHERE {qn(tables[table].pk)} = ANY(%s)",  # noqa: S608
                [keys],
            )
        # The tables with triggers first, and upserts: a row a trigger writes while their
        # rows go back (the published pledges' token: pledge_forms/models/published.py)
        # takes the kept value after.
        for table in sorted(snapshot.rows, key=lambda name: not tables[name].triggers):
            columns, rows = snapshot.rows[table]
            pk = tables[table].pk
            names = ", ".join(map(qn, columns))
            marks = ", ".join(["%s"] * len(columns))
            updates = ", ".join(
                f"{qn(c)} = EXCLUDED.{qn(c)}" for c in columns if c != pk
            )
            conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
            cursor.executemany(
                f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608
                f" ON CONFLICT ({qn(pk)}) {conflict}",
                [row[1:] for row in rows],
            )
        # The id sequences the function moved, where it left them (not rolled back with
        # a test: a build now would start further on).
        if snapshot.sequences:
            calls = ", ".join(["setval(%s, %s, %s)"] * len(snapshot.sequences))
            cursor.execute(
                f"SELECT {calls}",
                [
                    value
                    for table, (last_value, is_called) in snapshot.sequences.items()
                    for value in (tables[table].sequence, last_value, is_called)
                ],
            )


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
