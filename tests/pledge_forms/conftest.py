"""The checklist and form page most of the plugin's tests start from (built once per test
process and copied back after: tests/snapshots.py), and helpers of the plugin's tests.

The plugin's tests run on its own test sites (tests/testapp, with and without the showcase:
``make test``). In the site's suite run its browser journeys and the modules below, whose
tests go through the site's own templates for the plugin's pages (cms/templates/pledge_forms/):
there they check that the site's design keeps those pages working. The other modules test
nothing the site changes, and run on the plugin's sites only (in the site's suite too with
``--all-plugin-tests``: CI does on PostgreSQL, where the plugin's own runs do not go).
"""

from pathlib import Path

import pytest
from django.apps import apps
from wagtail.models import Site

from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
from tests.snapshots import built_once

THROUGH_SITE_TEMPLATES = {
    "test_abuse.py",
    "test_logos.py",
    "test_practice_rendering.py",
    "test_preview.py",
    "test_public_form.py",
    "test_radio_markup.py",
    "test_resubmit.py",
    "test_steps.py",
    "showcase/test_curation.py",
    "showcase/test_evidence_privacy.py",
    "showcase/test_figures.py",
    "showcase/test_lapsed.py",
    "showcase/test_members.py",
    "showcase/test_metadata.py",
    "showcase/test_practice_figures.py",
    "showcase/test_privacy.py",
    "showcase/test_progress_over_time.py",
    "showcase/test_templates.py",
}
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if config.getoption("all_plugin_tests") or not apps.is_installed("campaign_pages"):
        return
    kept, left = [], []
    for item in items:
        path = Path(item.path)
        plugin_only = (
            HERE in path.parents
            and path.relative_to(HERE).as_posix() not in THROUGH_SITE_TEMPLATES
            and item.get_closest_marker("browser") is None
        )
        (left if plugin_only else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


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
