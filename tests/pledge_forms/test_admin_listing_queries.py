"""The admin listing of pledges reads a fixed number of queries whatever the number of
its rows: what "Mark as completed" and the live/draft status tag need of each row (its
latest revision, its practices, its checklist, a scheduled revision) is read for the
page's rows at once, and shows what each pledge on its own says."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pledge_forms import services
from pledge_forms.choices import PracticeStatus, ReviewStatus, Stage
from pledge_forms.models import ChecklistItem, Pledge
from pledge_forms.testing.factories import PledgeFactory

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"

# The session, the user and their profile, the menu, the count and the page's rows, then
# for all of them: their scheduled revisions, the latest revisions of those with an
# update waiting, the practices of the others, their form pages and their checklists'
# practices. Before, about 6 queries a row: 79 for 10 rows, 296 for a page of 50.
LISTING_BUDGET = 20

QUERIES = [
    "",
    "?q=Example",
    "?ordering=display_name",
    "?review_status=approved",
    "?stage=pledged&ordering=-country",
]


def _codes(checklist):
    return list(
        ChecklistItem.objects.filter(section__checklist=checklist)
        .order_by("section__sort_order", "number")
        .values_list("code", flat=True)
    )


def _member(statuses, **fields):
    """A live, approved member whose latest revision is the published one."""
    pledge = PledgeFactory(
        statuses=statuses,
        live=True,
        review_status=ReviewStatus.APPROVED,
        verified_at=timezone.now(),
        **fields,
    )
    revision = pledge.save_revision()
    Pledge.objects.filter(pk=pledge.pk).update(
        has_unpublished_changes=False, live_revision=revision
    )
    return Pledge.objects.get(pk=pledge.pk)


def _pending_update(pledge, status=PracticeStatus.IN_PLACE, **fields):
    """An update waiting for review: the latest revision differs from the live rows."""
    draft = Pledge.objects.get(pk=pledge.pk)
    rows = list(draft.practices.all())
    for row in rows:
        row.status = status
    draft.practices = rows
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save_revision()


def make_pledges(checklist, form_page, count, start=0):
    """``count`` pledges of every kind the review buttons and status tag tell apart."""
    codes = _codes(checklist)
    all_in_place = dict.fromkeys(codes, PracticeStatus.IN_PLACE)
    in_progress = dict.fromkeys(codes, PracticeStatus.IN_PROGRESS)
    some_in_place = {**all_in_place, codes[-1]: PracticeStatus.PLANNED}
    for index in range(start, start + count):
        kind = index % 7
        if kind == 0:  # every practice in place: may be marked completed
            _member(all_in_place, form_page=form_page)
        elif kind == 1:  # a practice not in place yet
            _member(some_in_place, form_page=form_page)
        elif kind == 2:  # in place only in the update waiting for review
            _pending_update(_member(in_progress, form_page=form_page))
        elif kind == 3:  # the update waiting for review completes it already
            _pending_update(
                _member(all_in_place, form_page=form_page),
                stage=Stage.COMPLETED,
                completed_at=timezone.now(),
            )
        elif kind == 4:  # no form page: the first checklist; a publication scheduled
            pledge = _member(all_in_place)
            revision = pledge.save_revision(
                approved_go_live_at=timezone.now() + datetime.timedelta(days=3)
            )
            assert revision.approved_go_live_at
        elif kind == 5:  # not confirmed yet, with a draft
            PledgeFactory(statuses=in_progress, form_page=form_page).save_revision()
        else:  # confirmed and awaiting review, no revision
            PledgeFactory(
                statuses=all_in_place,
                form_page=form_page,
                verified_at=timezone.now(),
                review_status=ReviewStatus.AWAITING_REVIEW,
            )


@pytest.fixture
def reviewer(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(user)
    return user


def listing_queries(client, query=""):
    url = reverse(f"{NS}:list") + query
    client.get(url)  # caches warmed (content types, the menu's first reads)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


@pytest.mark.parametrize("query", QUERIES)
def test_the_listing_reads_a_fixed_number_of_queries(
    client, reviewer, checklist, form_page, query, django_assert_max_num_queries
):
    make_pledges(checklist, form_page, 5)
    few, response = listing_queries(client, query)
    make_pledges(checklist, form_page, 25, start=5)
    many, response = listing_queries(client, query)

    assert few == many
    assert len(response.context["object_list"]) > 5 or query
    with django_assert_max_num_queries(LISTING_BUDGET):
        client.get(reverse(f"{NS}:list") + query)


def test_the_rows_show_what_each_pledge_says_on_its_own(
    client, reviewer, checklist, form_page
):
    make_pledges(checklist, form_page, 14)

    _, response = listing_queries(client)

    rows = list(response.context["object_list"])
    assert len(rows) == Pledge.objects.count() == 14
    html = response.content.decode()
    for pledge in Pledge.objects.all():
        complete_url = reverse(f"{NS}:review", args=[pledge.pk, "complete"])
        assert (complete_url in html) == services.can_mark_completed(pledge), pledge
    shown = {row.pk: row.status_string for row in rows}
    assert shown == {pledge.pk: pledge.status_string for pledge in Pledge.objects.all()}
    # Every kind is there: the rule is tried both ways.
    completable = [p for p in Pledge.objects.all() if services.can_mark_completed(p)]
    assert len(completable) == 6
    assert "live + scheduled" in set(shown.values())


def test_a_practice_deleted_since_counts_as_each_pledge_counts_it(
    client, reviewer, checklist, form_page
):
    """As each pledge on its own: a revision naming a practice deleted since drops it."""
    make_pledges(checklist, form_page, 7)
    expected = {p.pk for p in Pledge.objects.all() if services.can_mark_completed(p)}
    ChecklistItem.objects.filter(section__checklist=checklist).order_by(
        "-number"
    ).first().delete()
    after = {p.pk for p in Pledge.objects.all() if services.can_mark_completed(p)}
    assert after != expected  # the one planned practice was the deleted one

    _, response = listing_queries(client)

    html = response.content.decode()
    for pledge in Pledge.objects.all():
        complete_url = reverse(f"{NS}:review", args=[pledge.pk, "complete"])
        assert (complete_url in html) == (pledge.pk in after), pledge
