"""A member's pending update shows the reviewer what it changes against the live entry,
field by field and practice by practice; unchanged ones are left out."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from pledge_forms import services
from pledge_forms.choices import PracticeStatus
from pledge_forms.models import ChecklistItem, Pledge
from pledge_forms.services import changes
from pledge_forms.services.changes import pending_changes
from pledge_forms.testing.factories import pledge_data, submitted_pledge

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_pledge_forms_pledge"
XSS = '<script>alert("x")</script>'


def update(pledge, **overrides):
    checklist = pledge.form_page.checklist
    services.submit_update(
        services.make_update_token(pledge), pledge_data(checklist, **overrides)
    )
    return Pledge.objects.get(pk=pledge.pk)


def item(code):
    return ChecklistItem.objects.get(code=code)


@pytest.fixture
def member(form_page):
    return submitted_pledge(form_page, "approved")


@pytest.fixture
def reviewer_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="reviewer", password="pw")
    user.groups.add(Group.objects.get(name="Campaign reviewers"))
    client.force_login(user)
    return client


def test_changed_practices_and_fields_are_listed_unchanged_ones_left_out(member):
    bf1, uf2 = item("BF-1"), item("UF-2")
    pending = update(
        member,
        public_statement="A new statement.",
        **{
            f"practice_{bf1.pk}": PracticeStatus.IN_PLACE,
            f"practice_{uf2.pk}": PracticeStatus.PLANNED,
            f"note_{uf2.pk}": "Board vote in May.",
        },
    )

    result = pending_changes(pending, show_private=True)

    assert [(c.label, c.before, c.after) for c in result.fields] == [
        ("public statement", "We are proud to join.", "A new statement.")
    ]
    shown = {
        p.code: [(c.label, c.before, c.after) for c in p.changes]
        for p in result.practices
    }
    assert shown == {
        "BF-1": [("status", "In progress", "In place")],
        "UF-2": [
            ("status", "In progress", "Planned within 12 months"),
            ("note", "", "Board vote in May."),
        ],
    }
    assert [p.code for p in result.practices] == ["BF-1", "UF-2"]  # checklist order
    assert not result.empty


def test_an_update_that_changes_nothing_says_so(member):
    result = pending_changes(update(member))
    assert result is not None and result.empty


def test_nothing_is_compared_without_a_pending_update(form_page, member):
    assert pending_changes(member) is None
    assert (
        pending_changes(submitted_pledge(form_page, "verified", legal_name="B")) is None
    )


def test_private_fields_are_compared_only_for_those_who_may_see_them(member):
    bf1 = item("BF-1")
    pending = update(
        member, chief_phone="+1 555 0199", **{f"note_{bf1.pk}": "Private note."}
    )

    hidden = pending_changes(pending, show_private=False)
    shown = pending_changes(pending, show_private=True)

    assert hidden.empty
    assert [c.label for c in shown.fields] == ["chief executive's phone"]
    assert [p.code for p in shown.practices] == ["BF-1"]


def test_a_practice_field_added_to_the_tuple_is_compared(member, monkeypatch):
    monkeypatch.setattr(changes, "PRACTICE_FIELDS", ("note",))
    bf1 = item("BF-1")
    pending = update(
        member,
        **{
            f"practice_{bf1.pk}": PracticeStatus.IN_PLACE,
            f"note_{bf1.pk}": "Adopted.",
        },
    )
    result = pending_changes(pending, show_private=True)
    assert [[c.label for c in p.changes] for p in result.practices] == [["note"]]


def test_the_inspect_view_and_the_review_page_show_the_changes_escaped(
    reviewer_client, member
):
    bf1 = item("BF-1")
    pending = update(
        member,
        public_statement=f"New {XSS}",
        **{f"practice_{bf1.pk}": PracticeStatus.IN_PLACE},
    )

    for url in (
        reverse(f"{NS}:inspect", args=[pending.pk]),
        reverse(f"{NS}:review", args=[pending.pk, "approve"]),
        reverse(f"{NS}:review", args=[pending.pk, "request_changes"]),
    ):
        html = reviewer_client.get(url).content.decode()
        assert "What the pending update changes" in html
        assert "Changed practices" in html and "BF-1" in html
        assert "In progress" in html and "In place" in html
        assert XSS not in html and "&lt;script&gt;" in html


def test_the_no_changes_state_is_shown(reviewer_client, member):
    pending = update(member)
    html = reviewer_client.get(reverse(f"{NS}:inspect", args=[pending.pk])).content
    assert b"No changes: the pending update says the same as the live entry." in html


def test_notes_stay_out_of_the_table_for_staff_without_the_contacts_right(
    client, django_user_model, member
):
    user = django_user_model.objects.create_user(username="curator", password="pw")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(codename__in=["view_pledge", "change_pledge"]),
    )
    client.force_login(user)
    bf1 = item("BF-1")
    pending = update(member, **{f"note_{bf1.pk}": "Secret note."})

    html = client.get(reverse(f"{NS}:inspect", args=[pending.pk])).content.decode()

    assert "Secret note." not in html
    assert "No changes" in html
