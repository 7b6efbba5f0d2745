"""The public sees the published practice rows only, and the campaign's figures are the
counts a person would make by hand from those rows."""

from collections import Counter

import pytest
from django.utils import timezone

from pledge_forms import services
from pledge_forms.choices import PracticeStatus, ReviewStatus
from pledge_forms.models import ChecklistItem, Pledge, PledgePractice
from pledge_forms.showcase.management.commands.generate_members import generate_members
from pledge_forms.showcase.statistics import campaign_statistics
from pledge_forms.testing.factories import pledge_data, submitted_pledge
from tests.pledge_forms.showcase.showcase_helpers import showcase_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(checklist):
    return showcase_page()


def test_an_update_reaches_the_member_page_only_when_it_is_published(
    client, page, form_page, run_on_commit
):
    pledge = submitted_pledge(form_page, "approved")
    item = form_page.checklist_items().first()
    data = pledge_data(form_page.checklist, status=PracticeStatus.IN_PROGRESS)
    data[f"practice_{item.pk}"] = PracticeStatus.IN_PLACE
    services.submit_update(services.make_update_token(pledge), data)

    def first_practice():
        response = client.get(f"/members/{pledge.slug}/")
        assert response.status_code == 200
        return response.context["progress"][0].practices[0].status

    assert first_practice() == PracticeStatus.IN_PROGRESS
    services.approve(Pledge.objects.get(pk=pledge.pk))
    assert first_practice() == PracticeStatus.IN_PLACE


def test_statistics_equal_a_count_by_hand(page, checklist):
    generate_members(80, seed=11)
    published = Pledge.objects.filter(live=True).exclude(
        review_status=ReviewStatus.DECLINED
    )
    members = published.count()
    by_item = Counter()
    for row in PledgePractice.objects.filter(pledge__in=published):
        by_item[(row.item_id, row.status)] += 1
    items = list(
        ChecklistItem.objects.filter(section__checklist=checklist).order_by(
            "section__sort_order", "number"
        )
    )

    stats = campaign_statistics(checklist)

    assert stats.members == members > 0
    assert stats.completed == published.filter(stage="completed").count()
    # "Pledged" past the deadline counts as lapsed (pledge_forms.services.lapse).
    past = published.filter(stage="pledged", deadline__lt=timezone.localdate())
    assert stats.lapsed == past.count()
    assert stats.pledged == published.filter(stage="pledged").count() - past.count()
    for share, item in zip(stats.practices, items, strict=True):
        assert share.total == members
        assert share.in_place == by_item[(item.pk, PracticeStatus.IN_PLACE)]
        assert share.in_progress == by_item[(item.pk, PracticeStatus.IN_PROGRESS)]
        assert share.planned == by_item[(item.pk, PracticeStatus.PLANNED)]
    first_area = [i for i in items if i.section_id == items[0].section_id]
    assert stats.focus_areas[0].in_place == sum(
        by_item[(i.pk, PracticeStatus.IN_PLACE)] for i in first_area
    )
    assert stats.focus_areas[0].total == members * len(first_area)
    assert sum(p.pledged for p in stats.periods) == members
