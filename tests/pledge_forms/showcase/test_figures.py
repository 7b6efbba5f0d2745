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
    with django_assert_max_num_queries(3):
        output = template.render(Context())
    assert output == "2/1/25"
    # Then from the one cache of public figures, under the pledges' fingerprint (one
    # query to find no showcase page, one for the fingerprint).
    with django_assert_max_num_queries(2):
        assert template.render(Context()) == output
