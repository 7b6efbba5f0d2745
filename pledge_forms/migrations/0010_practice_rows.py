"""A pledge's practice statuses become rows (``PledgePractice``), one per practice.

The statuses were one JSON object on the pledge (``{"BF-1": {"status": …, "note": …}}``).
This migration creates the rows from it, by the practice's code within the checklist of the
pledge's form page (else the first checklist), and rewrites the stored revisions of pledges
the same way (``practice_statuses`` becomes the ``practices`` list Wagtail's revisions hold
for child rows), so older revisions still open, compare and publish. Backwards, the rows
and revisions turn into the JSON again. The JSON column goes in the next migration.
"""

import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models

STATUSES = {"in_place", "in_progress", "planned", "not_planned"}
NOT_PLANNED = "not_planned"
BATCH = 2000


def _items_by_checklist(apps):
    """{checklist id: {code: item id}} and the first checklist's id."""
    ChecklistItem = apps.get_model("pledge_forms", "ChecklistItem")
    Checklist = apps.get_model("pledge_forms", "Checklist")
    codes = {}
    for pk, code, checklist_id in ChecklistItem.objects.values_list(
        "pk", "code", "section__checklist_id"
    ):
        codes.setdefault(checklist_id, {})[code] = pk
    first = Checklist.objects.order_by("pk").values_list("pk", flat=True).first()
    return codes, first


def _page_checklists(apps):
    PledgeFormPage = apps.get_model("pledge_forms", "PledgeFormPage")
    return dict(PledgeFormPage.objects.values_list("pk", "checklist_id"))


def _rows_for(statuses, checklist_id, codes, first):
    """(item id, status, note) for each entry of the JSON that names a known practice."""
    own = codes.get(checklist_id) or {}
    fallback = codes.get(first) or {}
    rows = {}
    for code, entry in (statuses if isinstance(statuses, dict) else {}).items():
        item_id = own.get(code) or fallback.get(code)
        if item_id is None:
            continue
        entry = entry if isinstance(entry, dict) else {}
        status = entry.get("status")
        rows[item_id] = (
            status if status in STATUSES else NOT_PLANNED,
            str(entry.get("note") or "")[:500],
        )
    return rows


def _pledge_revisions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    pledge_type = ContentType.objects.filter(
        app_label="pledge_forms", model="pledge"
    ).first()
    if pledge_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(base_content_type=pledge_type).order_by("pk")


def json_to_rows(apps, schema_editor):
    Pledge = apps.get_model("pledge_forms", "Pledge")
    PledgePractice = apps.get_model("pledge_forms", "PledgePractice")
    codes, first = _items_by_checklist(apps)
    pages = _page_checklists(apps)

    batch = []
    for pk, page_id, statuses in Pledge.objects.values_list(
        "pk", "form_page_id", "practice_statuses"
    ).iterator(chunk_size=BATCH):
        checklist_id = pages.get(page_id) or first
        for item_id, (status, note) in _rows_for(
            statuses, checklist_id, codes, first
        ).items():
            batch.append(
                PledgePractice(pledge_id=pk, item_id=item_id, status=status, note=note)
            )
        if len(batch) >= BATCH:
            PledgePractice.objects.bulk_create(batch)
            batch = []
    PledgePractice.objects.bulk_create(batch)

    # Revisions: the rows as modelcluster serialises them, with the id of the live row
    # for the same practice when there is one (as a revision saved now would have).
    live_ids = {}
    for row_pk, pledge_id, item_id in PledgePractice.objects.values_list(
        "pk", "pledge_id", "item_id"
    ).iterator(chunk_size=BATCH):
        live_ids[(pledge_id, item_id)] = row_pk
    for revision in _pledge_revisions(apps).iterator(chunk_size=500):
        content = revision.content
        if not isinstance(content, dict) or "practice_statuses" not in content:
            continue
        statuses = content.pop("practice_statuses", {})
        pledge_id = content.get("pk") or int(revision.object_id)
        checklist_id = pages.get(content.get("form_page")) or first
        rows = _rows_for(statuses, checklist_id, codes, first)
        content["practices"] = [
            {
                "pk": live_ids.get((pledge_id, item_id)),
                "pledge": pledge_id,
                "item": item_id,
                "status": status,
                "note": note,
            }
            for item_id, (status, note) in rows.items()
        ]
        revision.content = content
        revision.save(update_fields=["content"])


def rows_to_json(apps, schema_editor):
    Pledge = apps.get_model("pledge_forms", "Pledge")
    PledgePractice = apps.get_model("pledge_forms", "PledgePractice")
    ChecklistItem = apps.get_model("pledge_forms", "ChecklistItem")
    code_of = dict(ChecklistItem.objects.values_list("pk", "code"))

    def as_json(rows):
        return {
            code_of[item_id]: {"status": status, "note": note or ""}
            for item_id, status, note in rows
            if item_id in code_of
        }

    statuses = {}
    for pledge_id, item_id, status, note in (
        PledgePractice.objects.order_by("pledge_id", "item__number")
        .values_list("pledge_id", "item_id", "status", "note")
        .iterator(chunk_size=BATCH)
    ):
        statuses.setdefault(pledge_id, []).append((item_id, status, note))
    changed = []
    for pledge in Pledge.objects.only("pk").iterator(chunk_size=BATCH):
        pledge.practice_statuses = as_json(statuses.get(pledge.pk, []))
        changed.append(pledge)
        if len(changed) >= BATCH:
            Pledge.objects.bulk_update(changed, ["practice_statuses"])
            changed = []
    Pledge.objects.bulk_update(changed, ["practice_statuses"])

    for revision in _pledge_revisions(apps).iterator(chunk_size=500):
        content = revision.content
        if not isinstance(content, dict) or "practices" not in content:
            continue
        rows = content.pop("practices") or []
        content["practice_statuses"] = as_json(
            (row.get("item"), row.get("status"), row.get("note"))
            for row in rows
            if isinstance(row, dict)
        )
        revision.content = content
        revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("pledge_forms", "0009_one_review_path"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.CreateModel(
            name="PledgePractice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("in_place", "In place"),
                            ("in_progress", "In progress"),
                            ("planned", "Planned within 12 months"),
                            ("not_planned", "Not yet planned"),
                        ],
                        default="not_planned",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "note",
                    models.CharField(blank=True, max_length=500, verbose_name="note"),
                ),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pledge_practices",
                        to="pledge_forms.checklistitem",
                        verbose_name="practice",
                    ),
                ),
                (
                    "pledge",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="practices",
                        to="pledge_forms.pledge",
                    ),
                ),
            ],
            options={
                "verbose_name": "practice status",
                "verbose_name_plural": "practice statuses",
                "ordering": ["item__number"],
                "indexes": [
                    models.Index(
                        fields=["item", "status"], name="pledge_practice_status"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("pledge", "item"),
                        name="pledge_forms_practice_unique_item",
                    )
                ],
            },
        ),
        migrations.RunPython(json_to_rows, rows_to_json),
    ]
