"""A site that caches whole pages shows showcase curation at once (the plugin's
``showcase_changed`` signal is connected to the page cache's invalidation)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pledge_forms.testing.factories import make_checklist
from tests.pledge_forms.showcase.showcase_helpers import published_member, showcase_page

pytestmark = pytest.mark.django_db
URL = "/admin/pledge-forms/showcase/"


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(user)
    return user


@pytest.fixture
def checklist(db):
    return make_checklist()


def test_showcase_curation_shows_on_a_cached_showcase_at_once(
    client, editor, checklist, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    showcase_page()
    first = published_member(display_name="Alpha PD")
    second = published_member(display_name="Beta PD")
    visitor = Client()
    assert visitor.get("/members/")["X-Page-Cache"] == "miss"
    assert visitor.get("/members/")["X-Page-Cache"] == "hit"

    client.post(URL, {"add": "1", "pledge": first.pk})
    response = visitor.get("/members/")
    assert response["X-Page-Cache"] == "miss"
    assert [m.name for m in response.context["featured"]] == ["Alpha PD"]

    client.post(URL, {"add": "1", "pledge": second.pk})
    visitor.get("/members/")
    client.post(URL, {"move": f"{first.pk}:down"})
    response = visitor.get("/members/")
    assert [m.name for m in response.context["featured"]] == ["Beta PD", "Alpha PD"]

    client.post(URL, {"remove": str(second.pk)})
    response = visitor.get("/members/")
    assert [m.name for m in response.context["featured"]] == ["Alpha PD"]
