"""Identical pledges arriving at the same moment (PostgreSQL only)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from wagtail.models import Site

from pledge_forms import services
from pledge_forms.choices import SubmissionKind
from pledge_forms.models import Pledge, PledgeSubmission
from pledge_forms.testing.factories import (
    PledgeFormPageFactory,
    make_checklist,
    pledge_data,
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_pledges_at_once_make_exactly_one_pledge():
    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, checklist=make_checklist())
    data = pledge_data(page.checklist)
    barrier = threading.Barrier(20)

    def send(_):
        try:
            barrier.wait()
            return services.submit(page, dict(data)).duplicate
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(send, range(20)))

    assert Pledge.objects.count() == 1
    assert outcomes.count(False) == 1
    assert PledgeSubmission.objects.count() == 20
    assert PledgeSubmission.objects.filter(kind=SubmissionKind.DUPLICATE).count() == 19
    assert set(PledgeSubmission.objects.values_list("pledge", flat=True)) == {
        Pledge.objects.get().pk
    }
