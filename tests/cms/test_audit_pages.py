"""`make audit` checks one URL of every public page type: that list, and the walk through the
pledge form's steps, must keep finding pages that answer (audit/pages.py)."""

import pytest
from django.utils import timezone

from audit.pages import pledge_steps, public_pages
from tests.campaign_pages.conftest import load_demo_content

pytestmark = pytest.mark.django_db

TYPES = {
    "home",
    "focus area",
    "resources",
    "resource",
    "news",
    "news post",
    "pledge form",
    "showcase",
    "member page",
    "map",
    "statistics",
    "search",
}


def test_every_page_type_the_audit_checks_answers_200(client):
    load_demo_content()
    pages = public_pages()
    assert {name for name, _ in pages} >= TYPES
    for name, path in pages:
        response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        assert response["Content-Type"].startswith("text/html"), (name, path)

    def get(path):
        response = client.get(path)
        return response.status_code, response.content.decode()

    def post(path, data):
        response = client.post(path, data)
        return response.status_code, response.get("Location", "")

    form = dict(pages)["pledge form"]
    steps = pledge_steps(get, post, form, timezone.localdate().isoformat())
    names = [name for name, _ in steps]
    # Location, contacts, one step per focus area, the commitment, and the check page.
    assert names[:2] == ["pledge: location", "pledge: contacts"]
    assert sum(name.startswith("pledge: practices-") for name in names) == 6
    assert names[-2:] == ["pledge: commitment", "pledge: check answers"]
    for name, path in steps:
        response = client.get(path)
        assert response.status_code == 200, (name, path)
        assert b'id="pledge-form"' in response.content, (name, path)
