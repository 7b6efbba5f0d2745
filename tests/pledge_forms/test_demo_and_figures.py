"""The demo content and the campaign figures a site shows on its home page."""

import pytest
from django.template import Context, Template
from wagtail.models import Site

from pledge_forms import demo
from pledge_forms.choices import ReviewStatus, Stage
from pledge_forms.models import OutgoingMail, Pledge, PledgeFormPage
from tests.factories.pledges import submitted_pledge

pytestmark = pytest.mark.django_db


def test_the_demo_creates_the_form_and_agencies_in_every_state_once(checklist):
    root = Site.objects.get(is_default_site=True).root_page
    demo.load(root)
    demo.load(root)

    page = PledgeFormPage.objects.get()
    assert page.slug == "pledge" and page.live
    assert page.checklist == checklist
    assert Pledge.objects.count() == 12
    statuses = set(Pledge.objects.values_list("review_status", flat=True))
    assert statuses == {s.value for s in ReviewStatus}
    assert Pledge.objects.filter(stage=Stage.COMPLETED, live=True).count() == 2
    assert not OutgoingMail.objects.exists()  # fictional addresses get no e-mail


def test_campaign_figures_count_published_pledges_only(
    form_page, django_assert_max_num_queries
):
    submitted_pledge(form_page, "approved")
    submitted_pledge(form_page, "completed", legal_name="Second Agency")
    submitted_pledge(form_page, "verified", legal_name="Third Agency")
    submitted_pledge(form_page, "declined", legal_name="Fourth Agency")

    template = Template(
        "{% load pledge_forms_tags %}{% campaign_figures as figures %}"
        "{{ figures.members_pledged }}/{{ figures.members_completed }}/"
        "{{ figures.practices_in_place }}"
    )
    with django_assert_max_num_queries(2):
        output = template.render(Context())
    assert output == "2/1/25"
