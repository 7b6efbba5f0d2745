"""``manage.py generate_members --count N``: N fictional member agencies for demos, tests and
benchmarks.

Agencies come in every review state (unverified, awaiting review, declined, approved and
completed) with a realistic spread of countries, US states, agency types, sizes, practice
statuses and dates since the campaign's launch. Published ones get a published revision, as if
a reviewer had approved them, and a dated history of their practices leading to today's
statuses. The rows are what the pledge flow leaves (the revision's content is what
``serializable_data()`` gives for the stored pledge), written as plain values in batches
and in one transaction, without a model instance per row, so tens of thousands take a
couple of minutes. The names are invented from made-up place names; none is a real agency.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from itertools import chain

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_serializable_data_for_fields
from wagtail.models import Revision

from pledge_forms import services
from pledge_forms.choices import (
    AgencyType,
    PracticeStatus,
    ReviewStatus,
    SizeBand,
    Stage,
)
from pledge_forms.geography import region_choices, region_name
from pledge_forms.models import Checklist, ChecklistItem, Pledge
from pledge_forms.models.pledges import slug_is_reserved
from pledge_forms.models.practices import PledgePractice
from pledge_forms.models.progress import PracticeChange
from pledge_forms.testing.history import plausible_changes

LAUNCH = datetime.datetime(2022, 7, 1, tzinfo=datetime.UTC)

STEMS = [
    "Alder",
    "Amber",
    "Brindle",
    "Calder",
    "Corrow",
    "Dunmar",
    "Elsworth",
    "Fennick",
    "Gallow",
    "Harrow",
    "Ivel",
    "Jessamine",
    "Kestrel",
    "Larkin",
    "Marrow",
    "Nettle",
    "Orrin",
    "Pellam",
    "Quarrel",
    "Rowan",
    "Sallow",
    "Tamsin",
    "Umber",
    "Verrin",
    "Wexley",
    "Yarrow",
    "Zephyr",
    "Bramble",
    "Copperly",
    "Thistle",
    "Bellweather",
    "Cask",
    "Dovren",
    "Emberly",
    "Fallow",
    "Gorse",
    "Hollin",
    "Juniper",
    "Knell",
    "Lomond",
]
ENDINGS = [
    "brook",
    "cross",
    "dale",
    "fen",
    "ford",
    "gate",
    "haven",
    "holm",
    "hurst",
    "lea",
    "mere",
    "moor",
    "reach",
    "stead",
    "thorpe",
    "vale",
    "wick",
    "wold",
]

# (type, weight, name pattern); {place} is an invented place name.
TYPES = [
    (AgencyType.MUNICIPAL, 55, "{place} Police Department"),
    (AgencyType.SHERIFF, 15, "{place} County Sheriff's Office"),
    (AgencyType.COUNTY, 5, "{place} County Police"),
    (AgencyType.STATE, 3, "{region} State Police, {place} Post"),
    (AgencyType.CAMPUS, 8, "{place} University Police"),
    (AgencyType.TRIBAL, 2, "{place} Tribal Police"),
    (AgencyType.TRANSIT, 3, "{place} Port Authority Police"),
    (AgencyType.FEDERAL, 1, "{place} Federal Protective Unit"),
    (AgencyType.ASSOCIATION, 2, "{place} Chiefs of Police Association"),
    (AgencyType.OTHER, 2, "{place} Public Safety Department"),
]
NON_US_PATTERNS = {
    AgencyType.MUNICIPAL: "{place} Police Service",
    AgencyType.NATIONAL: "{place} Regional Police",
}
COUNTRIES = [
    ("US", 85),
    ("CA", 6),
    ("GB", 3),
    ("AU", 2),
    ("IE", 1),
    ("NZ", 1),
    ("NL", 1),
    ("ZA", 1),
]
# Rough population weights (millions) so members cluster where people live.
US_STATES = {
    "AL": 5, "AK": 1, "AZ": 7, "AR": 3, "CA": 39, "CO": 6, "CT": 4, "DE": 1, "DC": 1,
    "FL": 22, "GA": 11, "HI": 1, "ID": 2, "IL": 13, "IN": 7, "IA": 3, "KS": 3, "KY": 5,
    "LA": 5, "ME": 1, "MD": 6, "MA": 7, "MI": 10, "MN": 6, "MS": 3, "MO": 6, "MT": 1,
    "NE": 2, "NV": 3, "NH": 1, "NJ": 9, "NM": 2, "NY": 20, "NC": 11, "ND": 1, "OH": 12,
    "OK": 4, "OR": 4, "PA": 13, "RI": 1, "SC": 5, "SD": 1, "TN": 7, "TX": 30, "UT": 3,
    "VT": 1, "VA": 9, "WA": 8, "WV": 2, "WI": 6, "WY": 1,
}  # fmt: skip
SIZES = [
    (SizeBand.B1_10, 15),
    (SizeBand.B11_25, 20),
    (SizeBand.B26_50, 20),
    (SizeBand.B51_100, 17),
    (SizeBand.B101_250, 14),
    (SizeBand.B251_500, 7),
    (SizeBand.B501_1000, 4),
    (SizeBand.B1001, 3),
]
STATES = [
    ("pledged", 72),
    ("completed", 10),
    ("awaiting_review", 6),
    ("changes_requested", 2),
    ("unverified", 5),
    ("declined", 5),
]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _region(rng: random.Random, country: str) -> str:
    if country == "US":
        return "US-" + _pick(rng, list(US_STATES.items()))
    regions = region_choices(country)
    return rng.choice(regions)[0] if regions else ""


def _practices(rng: random.Random, items: list[ChecklistItem], state: str) -> list[str]:
    """The status of each checklist item, in the items' order."""
    if state == "completed":
        return [PracticeStatus.IN_PLACE.value] * len(items)
    progress = rng.uniform(0.15, 0.9)
    statuses = []
    for _item in items:
        roll = rng.random()
        if roll < progress:
            status = PracticeStatus.IN_PLACE
        elif roll < progress + (1 - progress) * 0.5:
            status = PracticeStatus.IN_PROGRESS
        elif roll < progress + (1 - progress) * 0.8:
            status = PracticeStatus.PLANNED
        else:
            status = PracticeStatus.NOT_PLANNED
        statuses.append(status.value)
    return statuses


def _moment(rng: random.Random, start: datetime.datetime, end: datetime.datetime):
    """A time between start and end, more often recent (the campaign grows)."""
    span = max((end - start).total_seconds(), 1)
    return start + datetime.timedelta(seconds=span * (rng.random() ** 0.6))


def _build(
    rng: random.Random,
    index: int,
    items: list[ChecklistItem],
    now,
    used_keys,
    used_slugs,
) -> tuple[dict, list[str]]:
    """One member: the values of its pledge's fields (by attribute name; the others keep
    their defaults) and the status of each practice, in the checklist's order."""
    country = _pick(rng, COUNTRIES)
    agency_type, pattern = _pick(rng, [((t, p), w) for t, w, p in TYPES])
    if country != "US":
        agency_type = rng.choice(list(NON_US_PATTERNS))
        pattern = NON_US_PATTERNS[agency_type]
    region = _region(rng, country)
    for attempt in range(50):
        place = rng.choice(STEMS) + rng.choice(ENDINGS)
        if attempt > 10:
            place = f"{place} {rng.choice(['North', 'South', 'East', 'West', 'Upper', 'Lower'])}"
        if attempt > 30:
            place = f"{place} {index}"
        name = pattern.format(place=place, region=region_name(region) or "Central")
        key = services.normalise_key(name, country, region)
        if key not in used_keys:
            break
    used_keys.add(key)
    slug = base = slugify(f"{name} {region.split('-')[-1] if region else country}")[
        :110
    ]
    counter = 2
    while slug in used_slugs or slug_is_reserved(slug):
        slug = f"{base}-{counter}"
        counter += 1
    used_slugs.add(slug)

    state = _pick(rng, STATES)
    pledged_at = _moment(rng, LAUNCH, now)
    chief = f"Chief {rng.choice(STEMS)} {index}"
    # Drawn in the order the JSON statuses were, so a seed makes the same members.
    size_band = _pick(rng, SIZES)
    statuses = _practices(rng, items, state)
    pledge = {
        "legal_name": name,
        "display_name": name,
        "slug": slug,
        "normalised_key": key,
        "agency_type": agency_type.value,
        "country": country,
        "region": region,
        "city": place,
        "size_band": size_band.value,
        "website": f"https://{slug[:50]}.example",
        "chief_name": chief,
        "chief_title": "Chief of Police",
        "chief_email": f"chief{index}@{slug[:40]}.example",
        "chief_phone": f"+1 555 {index % 10000:04d}",
        "committed_all_areas": state != "declined",
        "signatory_name": chief,
        "signatory_title": "Chief of Police",
        "signed_on": pledged_at.date(),
        "public_statement": f"{place} is proud to work for the trust of its community.",
        "consent_listed": rng.random() < 0.95,
        "consent_show_city": rng.random() < 0.9,
        "consent_show_website": rng.random() < 0.85,
        "consent_show_statement": rng.random() < 0.8,
        "consent_show_chief": rng.random() < 0.3,
        "consent_show_practices": rng.random() < 0.9,
        "pledged_at": pledged_at,
        "deadline": services.add_months(pledged_at.date(), 36),
        "live": False,
        "has_unpublished_changes": True,
    }
    if state != "unverified":
        # Each later moment follows the one before, but never lies after now (a member
        # pledged yesterday cannot have been approved next week).
        pledge["verified_at"] = min(
            pledged_at + datetime.timedelta(hours=rng.randint(1, 72)), now
        )
    if state in {"pledged", "completed"}:
        approved_at = min(
            pledge["verified_at"] + datetime.timedelta(days=rng.randint(1, 20)), now
        )
        pledge.update(
            review_status=ReviewStatus.APPROVED.value,
            approved_at=approved_at,
            eligible=True,
            live=True,
            has_unpublished_changes=False,
            first_published_at=approved_at,
            last_published_at=approved_at,
            featured=rng.random() < 0.01,
        )
        if state == "completed":
            completed = pledged_at + datetime.timedelta(days=rng.randint(49, 730))
            pledge["stage"] = Stage.COMPLETED.value
            pledge["completed_at"] = pledge["last_published_at"] = min(completed, now)
    elif state == "awaiting_review":
        pledge["review_status"] = ReviewStatus.AWAITING_REVIEW.value
    elif state == "changes_requested":
        pledge["review_status"] = ReviewStatus.CHANGES_REQUESTED.value
    elif state == "declined":
        pledge["review_status"] = ReviewStatus.DECLINED.value
        pledge["declined_at"] = min(
            pledge["verified_at"] + datetime.timedelta(days=3), now
        )
        pledge["decline_reason"] = "The agency could not be confirmed."
    else:
        pledge["review_status"] = ReviewStatus.UNVERIFIED.value
    return pledge, statuses


def _prepared(field, value):
    """What the database stores for ``value`` of ``field``: the value itself for the plain
    values these rows hold (numbers, text, keys), the ORM's own preparation for anything
    else (dates, JSON)."""
    if value is None or isinstance(value, int | str):
        return value
    return field.get_db_prep_save(value, connection)


_AS_IS, _UTC, _TEXT = "as is", "UTC", "text"


def _serial_kind(field) -> str:
    """How ``serializable_data`` stores a value of ``field`` other than None
    (modelcluster's ``get_field_value``): keys, numbers and days as they are, moments in
    UTC, the rest as text."""
    if field.remote_field is not None:
        return _AS_IS
    if isinstance(field, models.DateTimeField):
        return _UTC
    if isinstance(
        field,
        models.BooleanField
        | models.IntegerField
        | models.FloatField
        | models.DecimalField
        | models.DateField
        | models.TimeField,
    ):
        return _AS_IS
    return _TEXT


class _Table:
    """Rows of ``model`` given as tuples of the database values of ``columns`` (attribute
    names), every other column taking its field's default, and written many rows to a
    statement.

    ``bulk_create`` builds a model instance per row and compiles and prepares each value
    of each row in the ORM: for the 25 practice rows and the history of every member,
    that was most of the time. One INSERT per row (executemany) costs PostgreSQL a parse
    and a plan per row, two thirds of the time there: it gets the rows as a stream
    (``COPY ... FROM STDIN``, psycopg's ``write_row``), other databases groups of rows in
    one INSERT (``VALUES (...), (...)``) run again for each group."""

    def __init__(self, model, columns: tuple[str, ...]):
        fields = {
            field.attname: field
            for field in model._meta.concrete_fields
            if not field.primary_key
        }
        given = [fields[name] for name in columns]
        rest = [field for name, field in fields.items() if name not in columns]
        self.defaults = tuple(_prepared(field, field.get_default()) for field in rest)
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(field.column) for field in given + rest)
        self.copy = connection.vendor == "postgresql"
        # Names from the model's own metadata, quoted; every value is a parameter.
        if self.copy:
            self.sql = f"COPY {table} ({names}) FROM STDIN"
        else:
            self.sql = f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608
            self.placeholders = "({})".format(", ".join(["%s"] * len(fields)))
            # As many rows as the database takes parameters (SQLite: 999), at most
            # 1,000 rows.
            self.group = max(
                1,
                min(
                    connection.ops.bulk_batch_size(list(fields.values()), range(1000)),
                    1000,
                ),
            )
        self.rows: list[tuple] = []

    def add(self, *values) -> None:
        self.rows.append(values + self.defaults)

    def write(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.copy:
                with cursor.cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            group = self.group
            full = len(rows) - len(rows) % group
            if full:
                cursor.executemany(
                    self.sql + ", ".join([self.placeholders] * group),
                    [
                        list(chain.from_iterable(rows[start : start + group]))
                        for start in range(0, full, group)
                    ],
                )
            if rows[full:]:
                cursor.execute(
                    self.sql + ", ".join([self.placeholders] * (len(rows) - full)),
                    list(chain.from_iterable(rows[full:])),
                )


class _Writer:
    """Writes members as the pledge flow leaves them: the pledge, its practice rows, the
    dated history of a published one, and one revision (published when the pledge is
    live) whose content is what ``Pledge.serializable_data()`` gives for the stored
    pledge and its rows.

    The content is filled in from the fields' metadata, read once, rather than from a
    model instance per pledge and per row: those instances (about 60 a member) and
    modelcluster's field-by-field serialisation were most of the time left.
    ``tests/pledge_forms/showcase/test_generate_members.py`` holds the content to the
    stock serialisation, field by field."""

    def __init__(self, now):
        self.now = now
        self.pledge_fields = [
            field for field in Pledge._meta.concrete_fields if not field.primary_key
        ]
        # Every member sets its own pledge date: pledged_at's callable default unused.
        self.pledge_defaults = {
            field.attname: field.get_default() for field in self.pledge_fields
        }
        self.pledges = _Table(
            Pledge, tuple(field.attname for field in self.pledge_fields)
        )
        self.pledge_moments = [
            (index, field)
            for index, field in enumerate(self.pledge_fields)
            if isinstance(field, models.DateField)  # and DateTimeField
        ]
        self.serialized_fields = [
            (field.name, field.attname, _serial_kind(field))
            for field in Pledge._meta.fields
            if field.serialize
        ]
        self.practice_content = get_serializable_data_for_fields(PledgePractice())
        self.practices = _Table(PledgePractice, ("pledge_id", "item_id", "status"))
        self.changes = _Table(
            PracticeChange,
            ("pledge_id", "item_id", "status_before", "status_after", "changed_on"),
        )
        self.changed_on = PracticeChange._meta.get_field("changed_on")
        self.days: dict[datetime.date, object] = {}  # a day's value, prepared once
        self.revisions = _Table(
            Revision,
            (
                "content_type_id",
                "base_content_type_id",
                "object_id",
                "created_at",
                "object_str",
                "content",
            ),
        )
        self.content_type = ContentType.objects.get_for_model(Pledge)
        self.revision_created = Revision._meta.get_field("created_at")
        self.revision_content = Revision._meta.get_field("content")

    def write(self, members, items, history_rng) -> None:
        """``members``: (pledge values, statuses) pairs from :func:`_build`."""
        pledges = []
        for values, _statuses in members:
            # Stamped as the ORM would stamp the row it inserts (auto_now_add, auto_now).
            stamp = timezone.now()
            pledge = {
                **self.pledge_defaults,
                **values,
                "created_at": stamp,
                "updated_at": stamp,
            }
            pledges.append(pledge)
            row = [pledge[field.attname] for field in self.pledge_fields]
            # The rest are plain values (text, numbers, keys), stored as they are.
            for index, field in self.pledge_moments:
                if row[index] is not None:
                    row[index] = field.get_db_prep_save(row[index], connection)
            self.pledges.add(*row)
        self.pledges.write()
        keys = dict(
            Pledge.objects.filter(slug__in=[p["slug"] for p in pledges]).values_list(
                "slug", "pk"
            )
        )
        item_ids = [item.pk for item in items]
        for pledge, (_values, statuses) in zip(pledges, members, strict=True):
            pledge["id"] = pk = keys[pledge["slug"]]
            for item_id, status in zip(item_ids, statuses, strict=True):
                self.practices.add(pk, item_id, status)
        self.practices.write()
        row_ids = {
            (pledge_id, item_id): pk
            for pledge_id, item_id, pk in PledgePractice.objects.filter(
                pledge_id__in=keys.values()
            ).values_list("pledge_id", "item_id", "pk")
        }
        for pledge, (_values, statuses) in zip(pledges, members, strict=True):
            if pledge["live"]:
                self._add_history(pledge, item_ids, statuses, history_rng)
        self.changes.write()
        for pledge, (_values, statuses) in zip(pledges, members, strict=True):
            pk = pledge["id"]
            rows = [
                {
                    **self.practice_content,
                    "pk": row_ids[pk, item_id],
                    "pledge": pk,
                    "item": item_id,
                    "status": status,
                }
                for item_id, status in zip(item_ids, statuses, strict=True)
            ]
            self.revisions.add(
                self.content_type.pk,
                self.content_type.pk,
                str(pk),
                _prepared(
                    self.revision_created,
                    pledge["last_published_at"] or pledge["pledged_at"],
                ),
                pledge["display_name"] or pledge["legal_name"],
                _prepared(self.revision_content, self._content(pledge, rows)),
            )
        self.revisions.write()
        revision_ids = dict(
            Revision.objects.filter(
                base_content_type=self.content_type,
                object_id__in=[str(pk) for pk in keys.values()],
            ).values_list("object_id", "pk")
        )
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            # Names from the model's own metadata, quoted; every value is a parameter.
            cursor.executemany(
                "UPDATE {} SET {} = %s, {} = %s WHERE {} = %s".format(  # noqa: S608
                    quote(Pledge._meta.db_table),
                    quote(Pledge._meta.get_field("latest_revision").column),
                    quote(Pledge._meta.get_field("live_revision").column),
                    quote(Pledge._meta.pk.column),
                ),
                [
                    (
                        revision_ids[str(pledge["id"])],
                        revision_ids[str(pledge["id"])] if pledge["live"] else None,
                        pledge["id"],
                    )
                    for pledge in pledges
                ],
            )

    def _add_history(self, pledge, item_ids, statuses, rng) -> None:
        """Dated changes leading to a published member's statuses, from its pledge date
        to its completion (or today)."""
        start = timezone.localdate(pledge["pledged_at"])
        end = timezone.localdate(pledge["completed_at"] or self.now)
        pk = pledge["id"]
        changes = plausible_changes(
            dict(zip(item_ids, statuses, strict=True)), start, max(start, end), rng
        )
        for item_id, before, after, day in changes:
            if day not in self.days:
                self.days[day] = _prepared(self.changed_on, day)
            self.changes.add(pk, item_id, before, after, self.days[day])

    def _content(self, pledge: dict, rows: list[dict]) -> dict:
        """What ``serializable_data()`` gives for the stored pledge: its primary key,
        each serialised field (keys as they are), then its practice rows."""
        content = {"pk": pledge["id"]}
        for name, attname, kind in self.serialized_fields:
            value = pledge[attname]
            if value is not None and kind is not _AS_IS:
                value = value.astimezone(datetime.UTC) if kind is _UTC else str(value)
            content[name] = value
        content["practices"] = rows
        return content


def generate_members(
    count: int,
    *,
    seed: int | None = None,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create ``count`` fictional pledges (each with a revision; published ones live),
    in one transaction."""
    checklist = Checklist.objects.order_by("pk").first()
    if checklist is None:
        raise CommandError(
            "There is no checklist yet: load the demo content first (make demo)."
        )
    items = list(
        ChecklistItem.objects.filter(section__checklist=checklist)
        .order_by("number")
        .only("pk", "number")
    )
    rng = random.Random(seed)  # noqa: S311 (fictional data, not security)
    # Histories draw from their own sequence: a seed makes the same members as before.
    history_rng = random.Random(None if seed is None else f"{seed}-history")  # noqa: S311
    now = timezone.now()
    created = 0
    with transaction.atomic():
        used_keys = set(Pledge.objects.values_list("normalised_key", flat=True))
        used_slugs = set(Pledge.objects.values_list("slug", flat=True))
        start = Pledge.objects.count()
        writer = _Writer(now)
        while created < count:
            size = min(batch_size, count - created)
            members = [
                _build(rng, start + created + i + 1, items, now, used_keys, used_slugs)
                for i in range(size)
            ]
            writer.write(members, items, history_rng)
            created += size
            if progress:
                progress(size)
    return created


class Command(BaseCommand):
    help = "Create fictional member agencies in every state (for demos, tests, benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, count, seed, batch_size, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count must be 0 or more and --batch-size at least 1.")
        from tqdm import tqdm

        started = timezone.now()
        with tqdm(
            total=count,
            unit="member",
            disable=options.get("verbosity", 1) == 0,
            file=self.stderr._out,
        ) as bar:
            created = generate_members(
                count, seed=seed, batch_size=batch_size, progress=bar.update
            )
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"{created} members generated in {seconds:.1f} s "
            f"({Pledge.objects.filter(live=True).count()} published in total)."
        )
