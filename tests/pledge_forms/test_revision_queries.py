"""Opening a revision of a pledge costs a fixed number of queries, whatever the number of
its practice rows: the rows' practices are read at once, not one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from pledge_forms import services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import ChecklistItem, Pledge
from pledge_forms.testing.factories import (
    PledgeFactory,
    pledge_data,
    submitted_pledge,
)

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"

# The revision, the pledge (Wagtail reads it again to apply the revision to), its one
# foreign key set here (latest_revision: modelcluster checks it still exists) and all the
# practices of the rows at once. Before, three more queries a row: 78 for 25 rows.
REVISION_BUDGET = 4
# Measured with 25 practice rows and an update waiting for review; before, 216 queries
# for the edit view (75 for the revision, 25 for the practice choosers of the rows). Approving is mostly Wagtail's reference index, row by row, and the
# saving of the rows; before, 298 queries.
EDIT_VIEW_BUDGET = 45
APPROVE_BUDGET = 230


def pledge_with_rows(checklist, count):
    items = list(ChecklistItem.objects.filter(section__checklist=checklist))
    # Given in reverse: the revision must still list them in the checklist's order.
    statuses = {item.code: PracticeStatus.IN_PLACE for item in items[:count][::-1]}
    pledge = PledgeFactory(statuses=statuses)
    pledge.save_revision()
    return Pledge.objects.get(pk=pledge.pk), items[:count]


def revision_queries(pledge):
    with CaptureQueriesContext(connection) as ctx:
        draft = pledge.get_latest_revision_as_object()
        numbers = [row.item.number for row in draft.practices.all()]
    return len(ctx), numbers


@pytest.mark.parametrize("count", [5, 25])
def test_loading_a_revision_does_not_read_the_practices_one_by_one(checklist, count):
    pledge, items = pledge_with_rows(checklist, count)

    queries, numbers = revision_queries(pledge)

    assert numbers == sorted(item.number for item in items)
    assert queries <= REVISION_BUDGET


def test_the_queries_do_not_grow_with_the_number_of_rows(checklist):
    few, _ = revision_queries(pledge_with_rows(checklist, 5)[0])
    many, _ = revision_queries(pledge_with_rows(checklist, 25)[0])

    assert few == many


def test_a_revision_naming_a_deleted_practice_drops_its_row(checklist):
    pledge, items = pledge_with_rows(checklist, 5)
    items[2].delete()

    draft = Pledge.objects.get(pk=pledge.pk).get_latest_revision_as_object()

    assert [row.item_id for row in draft.practices.all()] == [
        item.pk for item in items if item.pk != items[2].pk
    ]


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


def test_the_admin_edit_view_stays_within_its_budget(client, form_page, reviewer):
    pledge = submitted_pledge(form_page, "approved")
    data = pledge_data(form_page.checklist, status=PracticeStatus.IN_PLACE)
    services.submit_update(services.make_update_token(pledge), data)
    assert Pledge.objects.get(pk=pledge.pk).has_unpublished_changes
    client.force_login(reviewer)
    url = reverse(f"{NS}:edit", args=[pledge.pk])
    client.get(url)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    for item in ChecklistItem.objects.filter(section__checklist=form_page.checklist):
        assert escape(str(item)) in html
    print(f"edit view: {len(ctx)} queries")
    assert len(ctx) <= EDIT_VIEW_BUDGET


def test_approving_stays_within_its_budget(form_page, run_on_commit):
    pledge = submitted_pledge(form_page, "verified")
    pledge = Pledge.objects.get(pk=pledge.pk)
    assert pledge.practices.count() == 25

    with CaptureQueriesContext(connection) as ctx:
        services.approve(pledge)

    print(f"approve: {len(ctx)} queries")
    assert Pledge.objects.get(pk=pledge.pk).live
    assert len(ctx) <= APPROVE_BUDGET
