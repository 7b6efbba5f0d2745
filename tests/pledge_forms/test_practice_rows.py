"""A pledge's practice statuses are rows kept in its revisions: an update waits in a draft
revision, reviewers can compare it and go back to an earlier one, and only publishing
changes the rows everybody else reads."""

import pytest
from django.urls import reverse

from pledge_forms import services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import Pledge
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"


@pytest.fixture
def approved(form_page, run_on_commit):
    return submitted_pledge(form_page, "approved")


@pytest.fixture
def reviewer(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")


def send_update(pledge, item, status, note=""):
    data = pledge_data(pledge.form_page.checklist, status=PracticeStatus.IN_PROGRESS)
    data[f"practice_{item.pk}"] = status
    data[f"note_{item.pk}"] = note
    return services.submit_update(services.make_update_token(pledge), data)


def test_an_update_waits_in_a_draft_revision_and_the_published_rows_stay(approved):
    item = approved.form_page.checklist_items().first()
    send_update(approved, item, PracticeStatus.IN_PLACE, "Adopted in March")

    live = Pledge.objects.get(pk=approved.pk)
    assert live.practices.get(item=item).status == PracticeStatus.IN_PROGRESS
    draft = live.get_latest_revision_as_object()
    assert draft.practice_status(item) == PracticeStatus.IN_PLACE
    assert [r.note for r in draft.practices.all() if r.item_id == item.pk] == [
        "Adopted in March"
    ]
    assert live.practices.count() == 25 and len(draft.practices.all()) == 25

    services.approve(live)

    row = Pledge.objects.get(pk=approved.pk).practices.get(item=item)
    assert (row.status, row.note) == (PracticeStatus.IN_PLACE, "Adopted in March")
    assert Pledge.objects.get(pk=approved.pk).practices.count() == 25


def test_reviewers_compare_the_statuses_of_two_revisions(client, approved, reviewer):
    item = approved.form_page.checklist_items().first()
    first = approved.latest_revision
    send_update(approved, item, PracticeStatus.IN_PLACE, "Adopted in March")
    latest = Pledge.objects.get(pk=approved.pk).latest_revision
    client.force_login(reviewer)

    url = reverse(f"{NS}:revisions_compare", args=[approved.pk, first.pk, latest.pk])
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Adopted in March" in html
    assert "In place" in html


def test_reverting_to_an_earlier_revision_brings_its_statuses_back(
    client, approved, reviewer
):
    item = approved.form_page.checklist_items().first()
    first = approved.latest_revision
    send_update(approved, item, PracticeStatus.IN_PLACE, "Adopted in March")
    services.approve(Pledge.objects.get(pk=approved.pk))
    client.force_login(reviewer)

    url = reverse(f"{NS}:revisions_revert", args=[approved.pk, first.pk])
    form = client.get(url).context["form"]
    rows = {
        f.initial.get("item") or f.instance.item_id: f
        for f in form.formsets["practices"]
    }
    assert rows[item.pk].instance.status == PracticeStatus.IN_PROGRESS

    first.publish()

    row = Pledge.objects.get(pk=approved.pk).practices.get(item=item)
    assert (row.status, row.note) == (PracticeStatus.IN_PROGRESS, "")


def test_a_reviewer_changes_a_status_in_the_admin_and_publishes_it(
    client, approved, reviewer
):
    item = approved.form_page.checklist_items().first()
    client.force_login(reviewer)
    url = reverse(f"{NS}:edit", args=[approved.pk])
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, "") and name != "logo":
            data[name] = value
    formset = form.formsets["practices"]
    data.update(
        {f"practices-{k}": v for k, v in formset.management_form.initial.items()}
    )
    for index, child in enumerate(formset.forms):
        for name in ("id", "item", "status", "note"):
            value = child[name].value()
            data[f"practices-{index}-{name}"] = "" if value is None else value
        if child.instance.item_id == item.pk:
            data[f"practices-{index}-status"] = PracticeStatus.IN_PLACE
    data["action-publish"] = "publish"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    assert (
        Pledge.objects.get(pk=approved.pk).practices.get(item=item).status
        == PracticeStatus.IN_PLACE
    )
