"""The move of practice statuses from the pledge's JSON to rows keeps every status and note,
in the pledges and in their stored revisions, and can be undone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

JSON_STATE = [("pledge_forms", "0009_one_review_path")]
ROWS_STATE = [("pledge_forms", "0011_remove_practice_statuses_json")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _checklist(apps, slug, codes):
    Checklist = apps.get_model("pledge_forms", "Checklist")
    ChecklistSection = apps.get_model("pledge_forms", "ChecklistSection")
    ChecklistItem = apps.get_model("pledge_forms", "ChecklistItem")
    checklist = Checklist.objects.create(name=slug, slug=slug)
    section = ChecklistSection.objects.create(
        checklist=checklist, title="Area", slug="area", sort_order=0
    )
    return {
        code: ChecklistItem.objects.create(
            section=section, number=number, code=code, title=code
        ).pk
        for number, code in enumerate(codes, start=1)
    }


def _pledge(apps, name, statuses):
    Pledge = apps.get_model("pledge_forms", "Pledge")
    return Pledge.objects.create(
        legal_name=name,
        display_name=name,
        slug=name.lower(),
        normalised_key=name.lower(),
        agency_type="municipal",
        country="US",
        size_band="26-50",
        chief_name="Chief",
        chief_title="Chief",
        chief_email="chief@example.org",
        chief_phone="1",
        signatory_name="Chief",
        signatory_title="Chief",
        practice_statuses=statuses,
    )


@pytest.fixture
def back_to_latest():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_practice_statuses_move_to_rows_and_back_with_their_revisions(back_to_latest):
    apps = migrate(JSON_STATE)
    items = _checklist(apps, "first", ["AA-1", "AA-2", "AA-3"])
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    pledge_type, _ = ContentType.objects.get_or_create(
        app_label="pledge_forms", model="pledge"
    )
    statuses = {
        "AA-1": {"status": "in_place", "note": "Since 2024"},
        "AA-2": {"status": "planned", "note": ""},
        "ZZ-9": {"status": "in_place", "note": "an unknown practice"},
    }
    pledge = _pledge(apps, "Alpha", statuses)
    empty = _pledge(apps, "Beta", {})
    draft = {"pk": pledge.pk, "legal_name": "Alpha", "form_page": None}
    draft["practice_statuses"] = {"AA-3": {"status": "in_progress", "note": "Draft"}}
    revision = Revision.objects.create(
        content_type=pledge_type,
        base_content_type=pledge_type,
        object_id=str(pledge.pk),
        created_at="2026-01-01T00:00:00Z",
        content=draft,
    )

    apps = migrate(ROWS_STATE)
    PledgePractice = apps.get_model("pledge_forms", "PledgePractice")
    rows = {
        (row.item_id, row.status, row.note)
        for row in PledgePractice.objects.filter(pledge_id=pledge.pk)
    }
    assert rows == {
        (items["AA-1"], "in_place", "Since 2024"),
        (items["AA-2"], "planned", ""),
    }
    assert not PledgePractice.objects.filter(pledge_id=empty.pk).exists()
    content = apps.get_model("wagtailcore", "Revision").objects.get(pk=revision.pk)
    assert "practice_statuses" not in content.content
    assert content.content["practices"] == [
        {
            "pk": None,
            "pledge": pledge.pk,
            "item": items["AA-3"],
            "status": "in_progress",
            "note": "Draft",
        }
    ]

    apps = migrate(JSON_STATE)
    Pledge = apps.get_model("pledge_forms", "Pledge")
    assert Pledge.objects.get(pk=pledge.pk).practice_statuses == {
        "AA-1": {"status": "in_place", "note": "Since 2024"},
        "AA-2": {"status": "planned", "note": ""},
    }
    assert Pledge.objects.get(pk=empty.pk).practice_statuses == {}
    back = apps.get_model("wagtailcore", "Revision").objects.get(pk=revision.pk)
    assert back.content["practice_statuses"] == {
        "AA-3": {"status": "in_progress", "note": "Draft"}
    }
    assert "practices" not in back.content
