"""The demo content of the pledge form and its agencies."""

import pytest
from wagtail.models import Site

from pledge_forms.choices import ReviewStatus, Stage
from pledge_forms.models import OutgoingMail, Pledge, PledgeFormPage
from pledge_forms.testing import demo
from tests.snapshots import built_once

pytestmark = pytest.mark.django_db

# The first load of each test, on the same site: after the first, the one the test process
# ran and kept (tests/snapshots.py), the same rows. The loads after it, which the tests are
# about with what the first one made, run demo.load itself.
first_load = built_once(demo.load)


def test_the_demo_creates_the_form_and_agencies_in_every_state_once(checklist):
    root = Site.objects.get(is_default_site=True).root_page
    first_load(root)
    demo.load(root)

    page = PledgeFormPage.objects.get()
    assert page.slug == "pledge" and page.live
    assert page.checklist == checklist
    assert Pledge.objects.count() == 12
    statuses = set(Pledge.objects.values_list("review_status", flat=True))
    assert statuses == {s.value for s in ReviewStatus}
    assert Pledge.objects.filter(stage=Stage.COMPLETED, live=True).count() == 2
    assert not OutgoingMail.objects.exists()  # fictional addresses get no e-mail


def test_demo_pledges_are_spread_over_three_years_with_matching_deadlines(checklist):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import ModelLogEntry

    from pledge_forms.services import add_months

    root = Site.objects.get(is_default_site=True).root_page
    first_load(root)
    now = timezone.now()
    pledges = list(Pledge.objects.order_by("pk"))
    dates = {pledge.pledged_at.date() for pledge in pledges}
    assert len(dates) == len(pledges)
    oldest = min(pledge.pledged_at for pledge in pledges)
    assert now - timedelta(days=3 * 366) < oldest < now - timedelta(days=2 * 365)
    for pledge in pledges:
        assert pledge.deadline == add_months(timezone.localdate(pledge.pledged_at), 36)
        if pledge.verified_at:
            assert pledge.pledged_at < pledge.verified_at < now
        if pledge.stage == Stage.COMPLETED:
            assert pledge.approved_at < pledge.completed_at < now
            assert pledge.completed_at.date() <= pledge.deadline
        revision = pledge.latest_revision.as_object()
        assert revision.pledged_at == pledge.pledged_at
        assert revision.deadline == pledge.deadline
        assert pledge.submissions.get().submit_time == pledge.pledged_at
        history = ModelLogEntry.objects.for_instance(pledge).order_by("timestamp")
        assert history.first().timestamp == pledge.pledged_at
        assert history.last().timestamp < now - timedelta(hours=12)

    # Unconfirmed ones are recent: the purge leaves them for now.
    call_command("purge_unverified_pledges", verbosity=0)
    assert Pledge.objects.count() == len(pledges)

    demo.load(root)
    assert [
        (p.pledged_at, p.deadline, p.completed_at)
        for p in Pledge.objects.order_by("pk")
    ] == [(p.pledged_at, p.deadline, p.completed_at) for p in pledges]


def test_approved_demo_members_have_a_dated_history_of_their_practices(checklist):
    from django.utils import timezone

    from pledge_forms.models import PracticeChange

    root = Site.objects.get(is_default_site=True).root_page
    first_load(root)
    approved = Pledge.objects.filter(review_status=ReviewStatus.APPROVED)
    assert approved.exists()
    for pledge in approved:
        changes = list(PracticeChange.objects.filter(pledge=pledge))
        pledged_on = timezone.localdate(pledge.pledged_at)
        assert min(change.changed_on for change in changes) == pledged_on
        last = {}
        for change in sorted(changes, key=lambda c: c.changed_on):
            last[change.item_id] = change.status_after
        assert last == dict(pledge.practices.values_list("item_id", "status"))
    later = PracticeChange.objects.filter(pledge__in=approved).exclude(status_before="")
    assert later.count() >= 10  # practices moved up after the pledge

    before = PracticeChange.objects.count()
    demo.load(root)
    assert PracticeChange.objects.count() == before
