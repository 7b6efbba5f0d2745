"""A member that lapses at midnight changes no row; housekeeping's notice reaches the page
cache through ``showcase_changed`` so cached showcase pages show it at once."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from pledge_forms.services import lapse
from pledge_forms.testing.factories import make_checklist
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db


def test_a_lapse_noticed_by_housekeeping_invalidates_cached_pages(
    settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PLEDGE_FORMS_LAPSED_POLICY = "hidden"
    monkeypatch.setattr(
        lapse.transaction, "on_commit", lambda func, **kwargs: func(), raising=False
    )
    make_checklist()
    showcase_page()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    published_member(display_name="Lapsed PD", deadline=yesterday)
    published_member(display_name="Current PD")
    visitor = Client()
    # A page cached the day before the member lapsed (the lapse not yet noticed).
    with monkeypatch.context() as m:
        m.setattr(lapse, "hides_lapsed", lambda: False)
        assert visitor.get("/members/")["X-Page-Cache"] == "miss"
    assert visitor.get("/members/")["X-Page-Cache"] == "hit"

    assert lapse.notice_lapses() == 1
    response = visitor.get("/members/")
    assert response["X-Page-Cache"] == "miss"
    assert [m.name for m in response.context["members"]] == ["Current PD"]
