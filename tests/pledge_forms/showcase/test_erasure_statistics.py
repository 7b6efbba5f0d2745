"""Erasing personal data changes none of the campaign's public figures."""

from datetime import timedelta

import pytest
from django.core.cache import cache

from pledge_forms.models import Pledge, PledgeErasure
from pledge_forms.services import privacy
from pledge_forms.showcase.members import area_counts, listed_members, published_pledges
from pledge_forms.showcase.statistics import campaign_statistics, map_data
from tests.pledge_forms.test_erasure import NOW, age, make_pledge

pytestmark = pytest.mark.django_db


def figures():
    cache.clear()  # computed afresh, never an entry kept from before
    return {
        "statistics": campaign_statistics(),
        "map": map_data(),
        "areas": area_counts(),
        "published": published_pledges().count(),
        "listed": listed_members().count(),
        "pledges": Pledge.objects.count(),
        "by status": sorted(
            Pledge.objects.values_list("review_status", "stage", "country", "region")
        ),
    }


def test_retention_keeps_every_statistic_identical(form_page, run_on_commit):
    lapsed = [make_pledge(form_page, f"Member{n}", "approved") for n in range(3)]
    on_time = make_pledge(form_page, "Ontime", "approved")
    declined = make_pledge(form_page, "Refused", "declined")
    unverified = make_pledge(form_page, "Silent", "unverified")
    for pledge in lapsed:
        age(pledge, deadline=(NOW - timedelta(days=200)).date())
    age(on_time, deadline=(NOW + timedelta(days=200)).date())
    age(declined, declined_at=NOW - timedelta(days=200))
    age(unverified, created_at=NOW - timedelta(days=200))
    before = figures()
    assert before["statistics"].members == 4

    counts = privacy.apply_retention(NOW)

    assert (counts["lapsed"], counts["declined"], counts["unverified"]) == (3, 1, 1)
    assert PledgeErasure.objects.count() == 5
    assert figures() == before
