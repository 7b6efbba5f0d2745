"""The home page shows the campaign statistics and the members editors chose, up to date."""

import pytest

from pledge_forms.models import ChecklistSection, Pledge
from pledge_forms.showcase.models import HomeDisplay
from tests.campaign_pages.conftest import build_site
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.PAGE_CACHE_SECONDS = 0
    site = build_site()
    site.showcase = showcase_page()
    return site


def test_the_home_page_shows_the_adoption_by_focus_area_with_its_table(client, site):
    published_member(display_name="Alpha PD", featured=True)
    html = client.get("/").content.decode()
    assert "Campaign progress" in html
    assert "Adoption by focus area across members" in html
    assert 'class="pf-chart pf-bars' in html
    assert "<table" in html
    assert "Alpha PD" in html
    assert 'href="/members/statistics/"' in html


def test_featuring_a_member_shows_on_the_home_page_at_once(client, site):
    alpha = published_member(display_name="Alpha PD")
    beta = published_member(display_name="Beta PD")
    assert "Alpha PD" not in client.get("/").content.decode()

    Pledge.objects.filter(pk=alpha.pk).update(featured=True, featured_order=2)
    Pledge.objects.filter(pk=beta.pk).update(featured=True, featured_order=1)
    html = client.get("/").content.decode()
    assert html.index("Beta PD") < html.index("Alpha PD")

    Pledge.objects.filter(pk=beta.pk).update(featured_order=3)
    html = client.get("/").content.decode()
    assert html.index("Alpha PD") < html.index("Beta PD")


def test_what_the_home_page_shows_follows_the_showcase_page_at_once(client, site):
    published_member(display_name="Alpha PD")
    assert "Recently pledged" not in client.get("/").content.decode()

    page = site.showcase
    page.home_display = HomeDisplay.RECENT
    page.save_revision().publish()
    html = client.get("/").content.decode()
    assert "Recently pledged" in html and "Alpha PD" in html

    page.unpublish()
    assert "Campaign progress" not in client.get("/").content.decode()


def test_publishing_a_member_and_renaming_a_focus_area_show_at_once(client, site):
    client.get("/")
    published_member(display_name="Gamma PD", featured=True)
    assert "Gamma PD" in client.get("/").content.decode()

    section = ChecklistSection.objects.order_by("sort_order").first()
    section.title = "Renamed focus area"
    section.save()
    assert "Renamed focus area" in client.get("/").content.decode()
