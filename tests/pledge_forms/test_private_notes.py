"""Practice notes are as private as contact details: a user without
``pledge_forms.view_pledge_contacts`` neither sees them in the edit form nor, by saving that
form, erases them."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from pledge_forms.models import Pledge
from pledge_forms.testing.factories import submitted_pledge

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"
NOTE = "Chief under internal investigation"


@pytest.fixture
def pledge(form_page, run_on_commit):
    pledge = submitted_pledge(form_page, "verified")
    pledge.practices.update(note=NOTE)
    Pledge.objects.get(pk=pledge.pk).save_revision()
    return pledge


@pytest.fixture
def curator(django_user_model):
    """A user who may edit pledges (the public statement) but not see contact details."""
    user = django_user_model.objects.create_user("curator", password="x" * 16)
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=["access_admin", "change_pledge", "view_pledge"]
        )
    )
    return user


def posted_data(form) -> dict:
    """What the browser posts for the edit form as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, "", False) and name != "logo":
            data[name] = "on" if value is True else value
    formset = form.formsets["practices"]
    data.update(
        {f"practices-{k}": v for k, v in formset.management_form.initial.items()}
    )
    for index, child in enumerate(formset.forms):
        for name in child.fields:
            value = child[name].value()
            data[f"practices-{index}-{name}"] = "" if value is None else value
    return data


def test_saving_the_edit_form_without_the_right_keeps_the_notes(
    client, pledge, curator
):
    client.force_login(curator)
    url = reverse(f"{NS}:edit", args=[pledge.pk])
    response = client.get(url)
    form = response.context["form"]
    formset = form.formsets["practices"]
    assert "note" not in formset.forms[0].fields
    assert "note" not in formset.empty_form.fields
    assert NOTE not in response.content.decode()

    data = posted_data(form)
    data["public_statement"] = "We pledge to build trust."
    # A note smuggled into the post is ignored as well.
    data["practices-0-note"] = "Overwritten"
    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    draft = Pledge.objects.get(pk=pledge.pk).get_latest_revision_as_object()
    assert draft.public_statement == "We pledge to build trust."
    assert {row.note for row in draft.practices.all()} == {NOTE}


def test_a_user_with_the_right_sees_and_edits_the_notes(client, pledge, curator):
    curator.user_permissions.add(
        Permission.objects.get(codename="view_pledge_contacts")
    )
    client.force_login(curator)
    url = reverse(f"{NS}:edit", args=[pledge.pk])
    response = client.get(url)
    assert NOTE in response.content.decode()
    data = posted_data(response.context["form"])
    data["practices-0-note"] = "Cleared in May"
    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    draft = Pledge.objects.get(pk=pledge.pk).get_latest_revision_as_object()
    assert "Cleared in May" in {row.note for row in draft.practices.all()}
