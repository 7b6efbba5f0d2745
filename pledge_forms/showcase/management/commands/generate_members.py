"""``manage.py generate_members --count N``: N fictional member agencies for demos, tests and
benchmarks.

Agencies come in every review state (unverified, awaiting review, declined, approved and
completed) with a realistic spread of countries, US states, agency types, sizes, practice
statuses and dates since the campaign's launch. Published ones get a published revision, as if
a reviewer had approved them, and a dated history of their practices leading to today's
statuses. Rows are written with ``bulk_create`` in batches, so thousands
take seconds. The names are invented from made-up place names; none is a real agency.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
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
from pledge_forms.testing.history import plausible_history

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


def _practices(rng: random.Random, items: list[ChecklistItem], state: str) -> list:
    """One practice row per checklist item (not saved: written in bulk with the batch)."""
    if state == "completed":
        return [
            PledgePractice(item=item, status=PracticeStatus.IN_PLACE) for item in items
        ]
    progress = rng.uniform(0.15, 0.9)
    result = []
    for item in items:
        roll = rng.random()
        if roll < progress:
            status = PracticeStatus.IN_PLACE
        elif roll < progress + (1 - progress) * 0.5:
            status = PracticeStatus.IN_PROGRESS
        elif roll < progress + (1 - progress) * 0.8:
            status = PracticeStatus.PLANNED
        else:
            status = PracticeStatus.NOT_PLANNED
        result.append(PledgePractice(item=item, status=status))
    return result


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
):
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
    practices = _practices(rng, items, state)
    pledge = Pledge(
        legal_name=name,
        display_name=name,
        slug=slug,
        normalised_key=key,
        agency_type=agency_type,
        country=country,
        region=region,
        city=place,
        size_band=size_band,
        website=f"https://{slug[:50]}.example",
        chief_name=chief,
        chief_title="Chief of Police",
        chief_email=f"chief{index}@{slug[:40]}.example",
        chief_phone=f"+1 555 {index % 10000:04d}",
        committed_all_areas=state != "declined",
        signatory_name=chief,
        signatory_title="Chief of Police",
        signed_on=pledged_at.date(),
        public_statement=f"{place} is proud to work for the trust of its community.",
        consent_listed=rng.random() < 0.95,
        consent_show_city=rng.random() < 0.9,
        consent_show_website=rng.random() < 0.85,
        consent_show_statement=rng.random() < 0.8,
        consent_show_chief=rng.random() < 0.3,
        consent_show_practices=rng.random() < 0.9,
        pledged_at=pledged_at,
        deadline=services.add_months(pledged_at.date(), 36),
        live=False,
        has_unpublished_changes=True,
    )
    if state != "unverified":
        # Each later moment follows the one before, but never lies after now (a member
        # pledged yesterday cannot have been approved next week).
        pledge.verified_at = min(
            pledged_at + datetime.timedelta(hours=rng.randint(1, 72)), now
        )
    if state in {"pledged", "completed"}:
        pledge.review_status = ReviewStatus.APPROVED
        pledge.approved_at = min(
            pledge.verified_at + datetime.timedelta(days=rng.randint(1, 20)), now
        )
        pledge.eligible = True
        pledge.live = True
        pledge.has_unpublished_changes = False
        pledge.first_published_at = pledge.approved_at
        pledge.last_published_at = pledge.approved_at
        pledge.featured = rng.random() < 0.01
        if state == "completed":
            completed = pledged_at + datetime.timedelta(days=rng.randint(49, 730))
            pledge.stage = Stage.COMPLETED
            pledge.completed_at = min(completed, now)
            pledge.last_published_at = pledge.completed_at
    elif state == "awaiting_review":
        pledge.review_status = ReviewStatus.AWAITING_REVIEW
    elif state == "changes_requested":
        pledge.review_status = ReviewStatus.CHANGES_REQUESTED
    elif state == "declined":
        pledge.review_status = ReviewStatus.DECLINED
        pledge.declined_at = min(pledge.verified_at + datetime.timedelta(days=3), now)
        pledge.decline_reason = "The agency could not be confirmed."
    else:
        pledge.review_status = ReviewStatus.UNVERIFIED
    # Kept in memory by the pledge (a child relation) until the batch writes it.
    pledge.practices = practices
    return pledge


def _history(pledge: Pledge, now, rng: random.Random) -> list[PracticeChange]:
    """Dated changes leading to a published member's statuses, from its pledge date to
    its completion (or today)."""
    start = timezone.localdate(pledge.pledged_at)
    end = timezone.localdate(pledge.completed_at or now)
    statuses = {row.item_id: row.status for row in pledge.practices.all()}
    return plausible_history(pledge.pk, statuses, start, max(start, end), rng)


def _column_value(field, obj):
    """What the database stores for ``field`` of ``obj``: the attribute itself for the
    plain values these rows hold (numbers, text, foreign keys), the ORM's own preparation
    for anything else (dates, files)."""
    value = getattr(obj, field.attname)
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return value
    return field.get_db_prep_save(field.pre_save(obj, True), connection)


def _insert(model, objects: list) -> None:
    """``objects`` written with one prepared statement run for every row (executemany).

    ``bulk_create`` compiles SQL and prepares each value of each row in the ORM: for the
    25 practice rows and the history of every member, that was most of the time."""
    if not objects:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = [[_column_value(field, obj) for field in fields] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def generate_members(
    count: int,
    *,
    seed: int | None = None,
    batch_size: int = 500,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create ``count`` fictional pledges (each with a revision; published ones live)."""
    checklist = Checklist.objects.order_by("pk").first()
    if checklist is None:
        raise CommandError(
            "There is no checklist yet: load the demo content first (make demo)."
        )
    # Item objects rather than ids: the rows keep them, so sorting a pledge's rows by
    # the item's number reads no item from the database.
    items = list(
        ChecklistItem.objects.filter(section__checklist=checklist)
        .order_by("number")
        .only("pk", "number")
    )
    rng = random.Random(seed)  # noqa: S311 (fictional data, not security)
    # Histories draw from their own sequence: a seed makes the same members as before.
    history_rng = random.Random(None if seed is None else f"{seed}-history")  # noqa: S311
    now = timezone.now()
    used_keys = set(Pledge.objects.values_list("normalised_key", flat=True))
    used_slugs = set(Pledge.objects.values_list("slug", flat=True))
    content_type = ContentType.objects.get_for_model(Pledge)
    start = Pledge.objects.count()
    created = 0
    while created < count:
        size = min(batch_size, count - created)
        with transaction.atomic():
            pledges = [
                _build(rng, start + created + i + 1, items, now, used_keys, used_slugs)
                for i in range(size)
            ]
            Pledge.objects.bulk_create(pledges)
            if pledges[0].pk is None:  # a backend that does not return keys
                slugs = [p.slug for p in pledges]
                keys = dict(
                    Pledge.objects.filter(slug__in=slugs).values_list("slug", "pk")
                )
                for pledge in pledges:
                    pledge.pk = pledge.id = keys[pledge.slug]
            rows = []
            for pledge in pledges:
                for row in pledge.practices.all():
                    row.pledge_id = pledge.pk
                    rows.append(row)
            _insert(PledgePractice, rows)
            _insert(
                PracticeChange,
                [
                    change
                    for pledge in pledges
                    if pledge.live
                    for change in _history(pledge, now, history_rng)
                ],
            )
            revisions = Revision.objects.bulk_create(
                [
                    Revision(
                        content_type=content_type,
                        base_content_type=content_type,
                        object_id=str(pledge.pk),
                        created_at=pledge.last_published_at or pledge.pledged_at,
                        object_str=str(pledge),
                        content=pledge.serializable_data(),
                    )
                    for pledge in pledges
                ]
            )
            if revisions[0].pk is None:
                ids = dict(
                    Revision.objects.filter(
                        base_content_type=content_type,
                        object_id__in=[str(p.pk) for p in pledges],
                    ).values_list("object_id", "pk")
                )
                for revision in revisions:
                    revision.pk = revision.id = ids[revision.object_id]
            for pledge, revision in zip(pledges, revisions, strict=True):
                pledge.latest_revision = revision
                pledge.live_revision = revision if pledge.live else None
            Pledge.objects.bulk_update(
                pledges, ["latest_revision", "live_revision"], batch_size=batch_size
            )
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
