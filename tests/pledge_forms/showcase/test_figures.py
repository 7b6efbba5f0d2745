"""The campaign figures a site shows (e.g. on its home page) count published pledges only."""

import pytest
from django.template import Context, Template

from pledge_forms.testing.factories import submitted_pledge

pytestmark = pytest.mark.django_db


def test_campaign_figures_count_published_pledges_only(
    form_page, django_assert_max_num_queries
):
    submitted_pledge(form_page, "approved")
    submitted_pledge(form_page, "completed", legal_name="Second Agency")
    submitted_pledge(form_page, "verified", legal_name="Third Agency")
    submitted_pledge(form_page, "declined", legal_name="Fourth Agency")

    template = Template(
        "{% load pledge_showcase_tags %}{% campaign_figures as figures %}"
        "{{ figures.members_pledged }}/{{ figures.members_completed }}/"
        "{{ figures.practices_in_place }}"
    )
    # Computed once: no showcase page, the fingerprint, the counts, the practices.
    with django_assert_max_num_queries(4):
        output = template.render(Context())
    assert output == "2/1/25"
    # Then from the one cache of public figures, under the pledges' fingerprint (one
    # query to find no showcase page, one for the fingerprint).
    with django_assert_max_num_queries(2):
        assert template.render(Context()) == output


def test_one_change_of_the_members_refreshes_every_cached_figure(client, checklist):
    """Home figures, statistics and the data file share one cache and one fingerprint:
    a member published, featured or a practice renamed shows in all of them at once."""
    from django.core.cache import cache

    from pledge_forms.models import Pledge
    from pledge_forms.showcase import figures
    from tests.pledge_forms.showcase.showcase_helpers import (
        published_member,
        showcase_page,
    )

    def data_csv() -> bytes:
        return b"".join(client.get("/members/data.csv").streaming_content)

    showcase_page()
    cache.clear()
    published_member(display_name="Alder Police Department")
    assert b"Alder Police Department" in data_csv()
    key_before = figures.figures_key("statistics")
    assert client.get("/members/statistics/").context["stats"].members == 1

    later = published_member(display_name="Birch Police Department")
    assert b"Birch Police Department" in data_csv()
    assert client.get("/members/statistics/").context["stats"].members == 2
    # Featuring changes no revision and no date, yet the fingerprint sees it.
    Pledge.objects.filter(pk=later.pk).update(featured=True)
    assert figures.figures_key("statistics") != key_before

    item = checklist.sections.first().items.first()
    item.title = "A renamed practice"
    item.save()
    stats = client.get("/members/statistics/").context["stats"]
    assert any("A renamed practice" in share.label for share in stats.practices)
