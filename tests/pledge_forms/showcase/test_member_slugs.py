"""Member addresses never collide with the showcase's own pages, are chosen once when the
pledge is created, and never change afterwards (badges and links point at them)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pledge_forms import services
from pledge_forms.choices import AgencyType, SizeBand
from pledge_forms.models import Pledge
from pledge_forms.models.pledges import RESERVED_MEMBER_SLUGS, slug_is_reserved
from pledge_forms.showcase.models import MemberShowcasePage
from tests.pledge_forms.showcase.showcase_helpers import published_member

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
    assert services.unique_slug(name, "US-CA") == f"{name.lower()}-us-ca"
    assert services.unique_slug(name, "") == f"{name.lower()}-2"


def admin_user():
    return get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")


def pledge_form(instance, data):
    form_class = Pledge.snippet_viewset.get_edit_handler().get_form_class()
    return form_class(data=data, instance=instance, for_user=admin_user())


def new_pledge_data(**changes):
    data = {
        "legal_name": "Map County Sheriff's Office",
        "display_name": "Map",
        "agency_type": AgencyType.COUNTY,
        "size_band": SizeBand.B26_50,
        "country": "US",
        "region": "US-CA",
        "chief_name": "Chief Example",
        "chief_title": "Sheriff",
        "chief_email": "sheriff@example.org",
        "chief_phone": "+1 555 0100",
        "signatory_name": "Chief Example",
        "signatory_title": "Sheriff",
        "stage": "pledged",
        "pledged_at": "2026-01-05 10:00",
        # The practice rows' formset, empty.
        "practices-TOTAL_FORMS": "0",
        "practices-INITIAL_FORMS": "0",
        "practices-MIN_NUM_FORMS": "0",
        "practices-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_the_pledge_edit_form_offers_no_slug_to_type():
    assert (
        "slug"
        not in Pledge.snippet_viewset.get_edit_handler().get_form_class().base_fields
    )


def test_a_posted_slug_never_changes_an_existing_members_address(checklist):
    pledge = published_member(display_name="Alpha PD", slug="alpha-pd")
    form = pledge_form(pledge, {**new_pledge_data(), "slug": "map"})
    assert form.is_valid(), form.errors
    form.save()
    revision = pledge.save_revision()
    revision.publish()
    pledge.refresh_from_db()
    assert pledge.slug == "alpha-pd"


def test_the_edit_page_shows_the_address_read_only_and_says_it_is_fixed(
    client, checklist
):
    pledge = published_member(display_name="Alpha PD", slug="alpha-pd")
    client.force_login(admin_user())
    response = client.get(
        reverse("wagtailsnippets_pledge_forms_pledge:edit", args=[pledge.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="slug"' not in html
    assert "alpha-pd" in html
    assert "stays fixed, so badges and links keep working" in html


@pytest.mark.parametrize("name", ["Map", "Statistics", "Data", "Page"])
def test_a_pledge_added_in_the_admin_never_takes_a_showcase_address(checklist, name):
    form = pledge_form(Pledge(), new_pledge_data(display_name=name, slug=name.lower()))
    assert form.is_valid(), form.errors
    pledge = form.save()
    assert pledge.slug == f"{name.lower()}-us-ca"
    assert not slug_is_reserved(pledge.slug)
    assert pledge.normalised_key == services.normalise_key(
        "Map County Sheriff's Office", "US", "US-CA"
    )


def test_a_pledge_added_in_the_admin_for_a_known_agency_is_refused(checklist):
    published_member(
        legal_name="Map County Sheriff's Office", country="US", region="US-CA"
    )
    form = pledge_form(Pledge(), new_pledge_data())
    assert not form.is_valid()
    assert "already has a pledge" in " ".join(form.errors["legal_name"])


def test_adding_a_pledge_in_the_admin_shows_the_form_and_creates_it(client, checklist):
    client.force_login(admin_user())
    add_url = reverse("wagtailsnippets_pledge_forms_pledge:add")
    response = client.get(add_url)
    assert response.status_code == 200
    assert 'name="slug"' not in response.content.decode()

    response = client.post(add_url, new_pledge_data(display_name="Alpha PD"))
    assert response.status_code == 302
    pledge = Pledge.objects.get(legal_name="Map County Sheriff's Office")
    assert pledge.slug == "alpha-pd"
    assert pledge.latest_revision is not None

    response = client.post(add_url, new_pledge_data(display_name="Alpha PD"))
    assert response.status_code == 200
    assert Pledge.objects.count() == 1


def test_the_pledge_edit_form_has_no_featured_controls():
    fields = Pledge.snippet_viewset.get_edit_handler().get_form_class().base_fields
    assert "featured" not in fields
    assert "featured_order" not in fields


def test_an_invalid_add_form_is_shown_again_with_the_practices_chosen(
    client, checklist
):
    client.force_login(admin_user())
    item = checklist.sections.first().items.first()
    data = new_pledge_data(chief_email="not an address")
    data.update(
        {
            "practices-TOTAL_FORMS": "1",
            "practices-0-item": str(item.pk),
            "practices-0-status": "in_place",
            "practices-0-note": "",
        }
    )
    response = client.post(reverse("wagtailsnippets_pledge_forms_pledge:add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="in_place" selected' in html
    assert not Pledge.objects.exists()
