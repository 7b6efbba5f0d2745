"""The admin preview of a pledge shows only its public profile."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from pledge_forms.testing.factories import submitted_pledge

pytestmark = pytest.mark.django_db


def test_the_preview_shows_the_public_profile_without_contact_details(form_page):
    pledge = submitted_pledge(
        form_page, "verified", chief_email="hidden@agency.example", city="<b>Town</b>"
    )
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = pledge.serve_preview(request, "")
    html = response.render().content.decode()
    assert pledge.display_name in html
    assert "hidden@agency.example" not in html
    assert "<b>Town</b>" not in html and "&lt;b&gt;Town&lt;/b&gt;" in html
