"""The checklist and form page most of the plugin's tests start from (built once per test
process and copied back after: tests/snapshots.py), and helpers of the plugin's tests."""

import pytest
from wagtail.models import Site

from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
from tests.snapshots import built_once

build_checklist = built_once(make_checklist)


@pytest.fixture
def checklist(db):
    return build_checklist()


@built_once
def build_form_page(checklist):
    root = Site.objects.get(is_default_site=True).root_page
    return PledgeFormPageFactory(parent=root, checklist=checklist)


@pytest.fixture
def form_page(checklist):
    page = build_form_page(checklist)
    page.checklist = checklist  # the fixture's own object, as the factory leaves it
    return page


@pytest.fixture
def run_on_commit(monkeypatch):
    """Send e-mails at once instead of after the (never committed) test transaction."""
    from types import SimpleNamespace

    from pledge_forms import emails

    monkeypatch.setattr(
        emails, "transaction", SimpleNamespace(on_commit=lambda func, **kw: func())
    )


@pytest.fixture
def pledge_page(settings):
    """A pledge form page for browser journeys (committed: no test transaction)."""
    settings.PLEDGE_FORMS_MIN_FILL_SECONDS = 0
    root = Site.objects.get(is_default_site=True).root_page
    return PledgeFormPageFactory(parent=root, checklist=make_checklist())


@pytest.fixture
def reviewer(django_user_model):
    """A member of the "Campaign reviewers" group."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username="reviewer", password="pw", email="reviewer@example.org"
    )
    user.groups.add(Group.objects.get(name="Campaign reviewers"))
    return user
