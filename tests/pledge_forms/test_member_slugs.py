"""Member addresses never collide with the showcase's own pages, and the pledge edit form has
no control that publishing would ignore."""

import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.admin.panels import get_edit_handler

from pledge_forms import services
from pledge_forms.models import MemberShowcasePage, Pledge
from pledge_forms.models.pledges import RESERVED_MEMBER_SLUGS
from tests.pledge_forms.showcase_helpers import published_member

pytestmark = pytest.mark.django_db


def showcase_route_words():
    """First word of every showcase route that is not the member page itself."""
    words = set()
    for pattern in MemberShowcasePage().get_subpage_urls():
        text = str(pattern.pattern).lstrip("^")
        if not text or text.startswith(("<", "(")):
            continue
        words.add(re.split(r"[/.\\]", text)[0])
    return words


def test_every_fixed_showcase_route_is_a_reserved_member_slug():
    words = showcase_route_words()
    assert {"map", "statistics", "data"} <= words
    assert words <= RESERVED_MEMBER_SLUGS


@pytest.mark.parametrize("name", ["Map", "Statistics", "Data", "Page"])
def test_a_new_agency_named_like_a_showcase_page_gets_another_address(name):
    assert services._unique_slug(name, "US-CA") == f"{name.lower()}-us-ca"
    assert services._unique_slug(name, "") == f"{name.lower()}-2"


def edit_form(pledge, **changes):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    form_class = get_edit_handler(Pledge).get_form_class()
    return form_class(
        data={"slug": pledge.slug, **changes}, instance=pledge, for_user=user
    )


@pytest.mark.parametrize("slug", ["map", "statistics", "data", "page"])
def test_the_admin_refuses_a_slug_that_is_a_showcase_page(checklist, slug):
    pledge = published_member(display_name="Alpha PD")
    form = edit_form(pledge, slug=slug)
    assert not form.is_valid()
    assert "address of a showcase page" in " ".join(form.errors["slug"])


def test_the_admin_accepts_an_ordinary_slug(checklist):
    pledge = published_member(display_name="Alpha PD")
    form = edit_form(pledge, slug="alpha-pd-ca")
    form.is_valid()
    assert "slug" not in form.errors


def test_the_pledge_edit_form_has_no_featured_controls():
    fields = get_edit_handler(Pledge).get_form_class().base_fields
    assert "featured" not in fields
    assert "featured_order" not in fields
