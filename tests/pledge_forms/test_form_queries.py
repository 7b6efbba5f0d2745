"""The SQL queries the pledge form's POSTs run on the request path.

Counted as production runs them: with the database task backend, what a request leaves
for later (storing the pledge, its e-mails, the search and reference indexes) is one task
row, run by a worker after the response (``test_sending.py`` runs that worker). Every
query of the request counts, Wagtail's routing and the session included, and so do the
``BEGIN IMMEDIATE`` (SQLite) and ``COMMIT`` of a transaction of its own.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from pledge_forms import sending
from pledge_forms.models import PledgeDraft
from pledge_forms.testing.factories import submitted_pledge
from tests.pledge_forms.steps_walk import send, step_answers, step_slugs, step_url, walk
from tests.pledge_forms.test_steps import open_update
from tests.pledge_forms.test_tasks import DATABASE_TASKS

# Transactional: a request's transactions are its own (BEGIN, not the savepoints of a
# test's transaction), and what it leaves to ``on_commit`` runs, and counts, in it.
pytestmark = pytest.mark.django_db(transaction=True)

# "Send the pledge" on the last step: at most 15 (13 on SQLite now: Wagtail's routing
# and view restrictions 6, the session 1, the draft 1, the form's checklist and questions
# 2, the rate limit 1, marking the draft sent 1, the task 1).
SEND = 15
# A later step keeps its answers: the same, but for the draft's UPDATE instead of the
# rate limit, the claim and the task.
STEP = 11
# The first step begins the draft: the rate limit of drafts, the draft's INSERT, and a
# new session (its key checked, then inserted in a transaction).
FIRST_STEP = 14
# "Send the update" of an update link's draft: as "Send the pledge", its link checked
# instead of the rate limit.
SEND_UPDATE = 13


@pytest.fixture
def deferred(settings):
    settings.TASKS = DATABASE_TASKS
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0


def post_counted(client, url, data):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 303, response.content[:2000]
    return len(queries), [query["sql"] for query in queries]


def test_the_first_step_begins_the_draft_in_few_queries(client, form_page, deferred):
    client.get(form_page.url)
    count, sql = post_counted(
        client, step_url(form_page, "agency"), step_answers(form_page, "agency")
    )
    assert count <= FIRST_STEP, "\n".join(sql)


def test_every_later_step_keeps_its_answers_in_few_queries(client, form_page, deferred):
    walk(client, form_page, until="location")
    counts = {
        slug: post_counted(
            client, step_url(form_page, slug), step_answers(form_page, slug)
        )
        for slug in step_slugs(client, form_page)[1:]
    }
    over = {slug: sql for slug, (count, sql) in counts.items() if count > STEP}
    assert not over, over


def test_sending_the_pledge_runs_at_most_fifteen_queries_and_leaves_the_rest_to_a_worker(
    client, form_page, deferred
):
    walk(client, form_page)
    tasks_before = DBTaskResult.objects.count()
    count, sql = post_counted(client, f"{form_page.url}check/", {"action": "send"})
    assert count <= SEND, "\n".join(sql)
    # One task, the one that stores the pledge: the e-mails, the indexes and the log
    # entry come with it, in the worker.
    assert list(
        DBTaskResult.objects.order_by("enqueued_at")[tasks_before:].values_list(
            "task_path", flat=True
        )
    ) == ["pledge_forms.sending.store_sent_draft"]
    assert PledgeDraft.objects.get().sent_at is not None


def test_sending_an_update_runs_few_queries(client, form_page, deferred):
    pledge = submitted_pledge(form_page, "approved")
    open_update(client, pledge)
    areas = tuple(
        s for s in step_slugs(client, form_page) if s.startswith("practices-")
    )
    walk(client, form_page, only=areas, prefix="update/")
    count, sql = post_counted(client, "/pledge/update/check/", {"action": "send"})
    assert count <= SEND_UPDATE, "\n".join(sql)


def test_the_worker_inserts_a_new_pledges_practice_rows_in_one_statement(
    client, form_page, deferred
):
    walk(client, form_page)
    send(client, form_page)
    with CaptureQueriesContext(connection) as queries:
        assert sending.store(PledgeDraft.objects.get().pk)
    inserts = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('INSERT INTO "pledge_forms_pledgepractice"')
    ]
    assert len(inserts) == 1
