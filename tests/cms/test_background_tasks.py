"""Wagtail's own background work goes where the site's TASKS setting sends it.

Wagtail 8 enqueues search-index and reference-index updates on every save of an indexed model
(``modelsearch.tasks.insert_or_update_object_task``, ``wagtail.tasks.update_reference_index_task``),
CDN purges on publish, and file deletions after commit, all on the default backend. With the
database backend of production and ``make run`` they wait for a worker instead of running in
the request.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from tests.cms.test_settings import production_secret, read_settings
from tests.pledge_forms.workers import run_worker_once

INDEX_TASKS = {
    "modelsearch.tasks.insert_or_update_object_task",
    "wagtail.tasks.update_reference_index_task",
}


@pytest.mark.parametrize("module", ["cms.settings.production", "cms.settings.dev"])
def test_production_and_development_send_tasks_to_the_database_backend(
    module, tmp_path
):
    values = read_settings(
        module,
        {"SECRET_KEY": production_secret()},
        ["TASKS", "INSTALLED_APPS"],
        tmp_path,
    )
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in values["INSTALLED_APPS"]


def test_the_task_backend_can_be_chosen_from_the_environment(tmp_path):
    immediate = "django_tasks.backends.immediate.ImmediateBackend"
    values = read_settings(
        "cms.settings.production",
        {"SECRET_KEY": production_secret(), "TASKS_BACKEND": immediate},
        ["TASKS"],
        tmp_path,
    )
    assert values["TASKS"]["default"]["BACKEND"] == immediate


@pytest.mark.django_db
def test_a_saved_page_leaves_its_search_and_reference_index_updates_to_the_worker(
    settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="Zebracorn sightings", slug="zebracorn"))
    page_type = ContentType.objects.get_for_model(Page)

    waiting = DBTaskResult.objects.filter(
        task_path__in=INDEX_TASKS, args_kwargs__args__2=str(page.pk)
    )
    assert {task.task_path for task in waiting} == INDEX_TASKS
    assert {task.status for task in waiting} == {"READY"}
    assert not IndexEntry.objects.filter(
        content_type=page_type, object_id=str(page.pk)
    ).exists()

    run_worker_once(monkeypatch)

    assert {task.status for task in waiting.all()} == {"SUCCESSFUL"}
    assert IndexEntry.objects.filter(
        content_type=page_type, object_id=str(page.pk), title="Zebracorn sightings"
    ).exists()
