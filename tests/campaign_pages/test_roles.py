"""One group per role, and what each role may do in the admin.

The matrix goes through HTTP with the test client, as a member of each group: a right
that a group lacks (or has too many of) shows up as one failing cell.
"""

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import GroupApprovalTask, Page, Site, Workflow, WorkflowPage

from campaign_pages import permissions
from campaign_pages.testing.factories import StandardPageFactory
from pledge_forms.choices import ReviewStatus
from pledge_forms.models import OutgoingMail, Pledge, PledgeSubmission
from pledge_forms.testing.factories import (
    PledgeFactory,
    PledgeFormPageFactory,
    make_checklist,
    submitted_pledge,
)
from tests.snapshots import built_once

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "secret.chief@agency.example"
SECRET_NOTE = "Our chief is under internal investigation"
PLEDGE = "wagtailsnippets_pledge_forms_pledge"
ROLES = ["anonymous", "communications", "reviewer", "superuser"]
GROUPS = {"communications": "Communications staff", "reviewer": "Campaign reviewers"}


# --- The world the matrix acts on ---------------------------------------------------------


@pytest.fixture
def world(db):
    return build_world()


@built_once
def build_world():
    root = Site.objects.get(is_default_site=True).root_page
    checklist = make_checklist()
    form_page = PledgeFormPageFactory(parent=root, checklist=checklist)
    pledge = submitted_pledge(form_page, "verified", chief_email=SECRET_EMAIL)
    member = PledgeFactory(
        review_status=ReviewStatus.APPROVED, verified_at=timezone.now()
    )
    member.save_revision().publish()
    draft_page = StandardPageFactory(parent=root, title="Draft page", live=False)
    pledge.practices.filter(pk=pledge.practices.first().pk).update(note=SECRET_NOTE)
    return {
        "submission": PledgeSubmission.objects.filter(pledge=pledge).first(),
        "mail": OutgoingMail.objects.first(),
        "pledge": pledge,
        "member": Pledge.objects.get(pk=member.pk),
        "practice": checklist.sections.first().items.first(),
        "draft_page": draft_page,
        "site": Site.objects.get(is_default_site=True),
    }


@pytest.fixture
def as_role(client):
    def log_in(role):
        if role == "anonymous":
            return client
        user = get_user_model().objects.create_user(
            username=role,
            email=f"{role}@example.org",
            password="pass-word-1",
            is_superuser=role == "superuser",
        )
        if role in GROUPS:
            user.groups.add(Group.objects.get(name=GROUPS[role]))
        client.force_login(user)
        return client

    return log_in


# --- Capabilities: each does one thing through HTTP and says whether it was allowed ------


def _opened(response, url):
    """The page was shown (True) or refused (False): sent to the login or the dashboard,
    or 403. Anything else (an error, a page that does not exist) fails the test."""
    if response.status_code == 200:
        return True
    assert response.status_code in {302, 403}, (url, response.status_code)
    if response.status_code == 302:
        assert response["Location"] != url, url
    return False


def opens(url_of):
    def capability(client, world):
        url = url_of(world)
        return _opened(client.get(url), url)

    return capability


def shows_contact_details(client, world):
    url = reverse(f"{PLEDGE}:inspect", args=[world["pledge"].pk])
    response = client.get(url)
    return _opened(response, url) and SECRET_EMAIL in response.content.decode()


def edits_public_statement(client, world):
    url = reverse(f"{PLEDGE}:edit", args=[world["pledge"].pk])
    response = client.get(url)
    if not _opened(response, url):
        return False
    assert 'name="public_statement"' in response.content.decode()
    return True


def exports(url_of):
    def capability(client, world):
        url = url_of(world) + "?export=csv"
        response = client.get(url)
        if not _opened(response, url):
            return False
        assert response["Content-Type"].startswith("text/csv"), url
        return True

    return capability


def declines(client, world):
    pledge = world["pledge"]
    url = reverse(f"{PLEDGE}:review", args=[pledge.pk, "decline"])
    response = client.post(url, {"reason": "Not a law enforcement agency."})
    declined = Pledge.objects.get(pk=pledge.pk).review_status == ReviewStatus.DECLINED
    inspect_url = reverse(f"{PLEDGE}:inspect", args=[pledge.pk])
    if declined:
        assert response["Location"] == inspect_url
    else:
        assert response.status_code in {302, 403}, response.status_code
    return declined


def features_a_member(client, world):
    member = world["member"]
    url = reverse("pledge_forms_showcase_curation")
    client.post(url, {"add": "1", "pledge": member.pk})
    return Pledge.objects.get(pk=member.pk).featured


def publishes_a_page(client, world):
    page = world["draft_page"]
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{url}?id={page.pk}", {"include_descendants": ""})
    return Page.objects.get(pk=page.pk).live


def uploads_an_image(client, world):
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    upload = SimpleUploadedFile("roles.png", buffer.getvalue(), "image/png")
    url = reverse("wagtailimages:add")
    response = client.post(
        url,
        {"title": "Uploaded by role", "description": "A teal square", "file": upload},
    )
    uploaded = get_image_model().objects.filter(title="Uploaded by role").exists()
    assert uploaded or response.status_code in {302, 403}, response.status_code
    return uploaded


def shows_practice_notes(client, world):
    url = reverse(f"{PLEDGE}:inspect", args=[world["pledge"].pk])
    response = client.get(url)
    return _opened(response, url) and SECRET_NOTE in response.content.decode()


def edits_practice_notes(client, world):
    """The note is in the edit form (shown, and editable) — never to those without the
    right, and then the form leaves the stored note as it is."""
    # The edit form shows the latest revision: keep one with the note.
    Pledge.objects.get(pk=world["pledge"].pk).save_revision()
    url = reverse(f"{PLEDGE}:edit", args=[world["pledge"].pk])
    response = client.get(url)
    if not _opened(response, url):
        return False
    html = response.content.decode()
    shown = SECRET_NOTE in html
    assert shown == bool(re.search(r'name="practices-\d+-note"', html)), (
        "the note and its field go together"
    )
    return shown


def edits_contact_details(client, world):
    url = reverse(f"{PLEDGE}:edit", args=[world["pledge"].pk])
    response = client.get(url)
    if not _opened(response, url):
        return False
    html = response.content.decode()
    assert (SECRET_EMAIL in html) == ('name="chief_email"' in html)
    return 'name="chief_email"' in html


def compares_revisions_with_contacts(client, world):
    """A revision comparison shows changed contact details and notes only to those who
    may see them."""
    pledge = Pledge.objects.get(pk=world["pledge"].pk)
    first = pledge.save_revision()
    pledge.chief_email = "new." + SECRET_EMAIL
    pledge.practices.update(note=SECRET_NOTE + " (updated)")
    second = Pledge.objects.get(pk=pledge.pk)
    second.chief_email = pledge.chief_email
    second = second.save_revision()
    url = reverse(f"{PLEDGE}:revisions_compare", args=[pledge.pk, first.pk, second.pk])
    response = client.get(url)
    if not _opened(response, url):
        return False
    return SECRET_EMAIL in response.content.decode()


def chooses_a_pledge_awaiting_review(client, world):
    """The pledge chooser lists the pledge that is not published yet (by name)."""
    url = reverse("wagtailsnippetchoosers_pledge_forms_pledge:choose")
    response = client.get(url)
    if not _opened(response, url):
        return False
    html = response.content.decode()
    assert world["member"].display_name in html, "a published member is choosable"
    return world["pledge"].display_name in html


def chooses_a_member(client, world):
    url = reverse(
        "wagtailsnippetchoosers_pledge_forms_pledge:chosen", args=[world["member"].pk]
    )
    response = client.get(url)
    if response.status_code == 404:
        return False
    return _opened(response, url)


def sees_the_review_queue(client, world):
    """The dashboard lists the pledge awaiting review in its review queue."""
    url = reverse("wagtailadmin_home")
    response = client.get(url)
    if not _opened(response, url):
        return False
    html = response.content.decode()
    if 'id="pledge-review-queue-content"' not in html:
        return False
    queue = html[html.index('id="pledge-review-queue-content"') :]
    assert world["pledge"].display_name in queue
    return True


def _inbox(model):
    return lambda world: reverse(f"pledge_forms_{model}_modeladmin_index")


CAPABILITIES = {
    "pledge listing": opens(lambda w: reverse(f"{PLEDGE}:list")),
    "pledge inspect": opens(
        lambda w: reverse(f"{PLEDGE}:inspect", args=[w["pledge"].pk])
    ),
    "pledge contact details": shows_contact_details,
    "pledge edit (public statement)": edits_public_statement,
    "pledge delete": opens(
        lambda w: reverse(f"{PLEDGE}:delete", args=[w["pledge"].pk])
    ),
    "review: approve": opens(
        lambda w: reverse(f"{PLEDGE}:review", args=[w["pledge"].pk, "approve"])
    ),
    "review: decline": declines,
    "pledge export": exports(lambda w: reverse(f"{PLEDGE}:list")),
    "submissions inbox": opens(_inbox("pledgesubmission")),
    "submissions export": exports(_inbox("pledgesubmission")),
    "e-mails inbox": opens(_inbox("outgoingmail")),
    "submission inspect": opens(
        lambda w: reverse(
            "pledge_forms_pledgesubmission_modeladmin_inspect",
            args=[w["submission"].pk],
        )
    ),
    "submission history": opens(
        lambda w: reverse(
            "pledge_forms_pledgesubmission_modeladmin_history",
            args=[w["submission"].pk],
        )
    ),
    "e-mail inspect": opens(
        lambda w: reverse(
            "pledge_forms_outgoingmail_modeladmin_inspect", args=[w["mail"].pk]
        )
    ),
    "e-mail history": opens(
        lambda w: reverse(
            "pledge_forms_outgoingmail_modeladmin_history", args=[w["mail"].pk]
        )
    ),
    "pledge chooser: a member": chooses_a_member,
    "pledge chooser: awaiting review": chooses_a_pledge_awaiting_review,
    "practice notes (inspect)": shows_practice_notes,
    "practice notes (edit)": edits_practice_notes,
    "pledge edit (contact details)": edits_contact_details,
    "pledge revisions (contact details)": compares_revisions_with_contacts,
    "my exports": opens(lambda w: reverse("pledge_forms_exports:index")),
    "dashboard: review queue": sees_the_review_queue,
    "showcase curation": opens(lambda w: reverse("pledge_forms_showcase_curation")),
    "showcase: feature a member": features_a_member,
    "checklist edit": opens(
        lambda w: reverse(
            "wagtailsnippets_pledge_forms_checklistitem:edit", args=[w["practice"].pk]
        )
    ),
    "site settings": opens(
        lambda w: reverse(
            "wagtailsettings:edit", args=["cms", "sitesettings", w["site"].pk]
        )
    ),
    "page edit": opens(
        lambda w: reverse("wagtailadmin_pages:edit", args=[w["draft_page"].pk])
    ),
    "page publish": publishes_a_page,
    "image upload": uploads_an_image,
    "document upload": opens(lambda w: reverse("wagtaildocs:add")),
    "user management": opens(lambda w: reverse("wagtailusers_users:index")),
}

# Who may do what (the README's roles). Anonymous visitors may do none of it.
COMMUNICATIONS_STAFF = {
    "pledge listing",
    "pledge inspect",
    "pledge edit (public statement)",
    "showcase curation",
    "showcase: feature a member",
    "checklist edit",
    "site settings",
    "page edit",
    "page publish",
    "image upload",
    "document upload",
    # Curating: published members only, by name.
    "pledge chooser: a member",
}
CAMPAIGN_REVIEWERS = {
    "pledge listing",
    "pledge inspect",
    "pledge contact details",
    "pledge edit (public statement)",
    "pledge delete",
    "review: approve",
    "review: decline",
    "pledge export",
    "submissions inbox",
    "submissions export",
    "e-mails inbox",
    "submission inspect",
    "submission history",
    "e-mail inspect",
    "e-mail history",
    "pledge chooser: a member",
    "pledge chooser: awaiting review",
    # Practice notes are private as contact details are (pledge_forms.view_pledge_contacts).
    "practice notes (inspect)",
    "practice notes (edit)",
    "pledge edit (contact details)",
    "pledge revisions (contact details)",
    "my exports",
    # The queue is the reviewers' work list: only those who may review see it.
    "dashboard: review queue",
    # Curation needs the right to change pledges, which reviewers have.
    "showcase curation",
    "showcase: feature a member",
}
ALLOWED = {
    "anonymous": set(),
    "communications": COMMUNICATIONS_STAFF,
    "reviewer": CAMPAIGN_REVIEWERS,
    "superuser": set(CAPABILITIES),
}


def test_the_matrix_names_only_capabilities_it_checks():
    for role, allowed in ALLOWED.items():
        assert allowed <= set(CAPABILITIES), role


@pytest.mark.parametrize("capability", list(CAPABILITIES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_what_the_readme_says(
    as_role, world, role, capability
):
    client = as_role(role)
    allowed = CAPABILITIES[capability](client, world)
    expected = capability in ALLOWED[role]
    assert allowed == expected, (
        f"{role} {'should' if expected else 'should not'} be able to: {capability}"
    )


# --- The groups themselves ------------------------------------------------------------


def test_the_site_has_one_group_per_role():
    assert set(Group.objects.values_list("name", flat=True)) == {
        "Communications staff",
        "Campaign reviewers",
    }


def test_no_approval_task_is_left_without_a_group():
    for task in GroupApprovalTask.objects.all():
        assert task.groups.exists(), task.name


def test_pages_outside_the_news_are_approved_by_communications_staff():
    workflow = Workflow.objects.get(name=permissions.APPROVAL_NAME)
    assert WorkflowPage.objects.filter(workflow=workflow, page__depth=1).exists()
    task = GroupApprovalTask.objects.get(name=permissions.APPROVAL_NAME)
    assert list(task.groups.values_list("name", flat=True)) == ["Communications staff"]


def _member_of(*groups):
    user = get_user_model().objects.create_user(
        username="-".join(groups).lower(), password="pass-word-1"
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def test_members_of_wagtails_default_groups_become_communications_staff():
    permissions.restore_default_groups()
    editor, moderator = _member_of("Editors"), _member_of("Moderators")
    both = _member_of("Editors", "Moderators")

    assert permissions.retire_default_groups() == ["Editors", "Moderators"]

    for user in (editor, moderator, both):
        assert list(user.groups.values_list("name", flat=True)) == [
            "Communications staff"
        ]
        assert user.has_perm("pledge_forms.change_pledge")
    assert not Group.objects.filter(name__in=["Editors", "Moderators"]).exists()
    task = GroupApprovalTask.objects.get(name=permissions.APPROVAL_NAME)
    assert list(task.groups.values_list("name", flat=True)) == ["Communications staff"]


def test_retiring_the_default_groups_twice_changes_nothing_more():
    permissions.restore_default_groups()
    permissions.retire_default_groups()
    staff = Group.objects.get(name="Communications staff")
    rights = permissions.group_rights(apps, staff)

    assert permissions.retire_default_groups() == []
    assert permissions.group_rights(apps, staff) == rights
    assert Group.objects.count() == 2


def test_reversing_brings_back_wagtails_groups_and_their_approval_task():
    permissions.restore_default_groups()

    moderators = Group.objects.get(name="Moderators")
    task = GroupApprovalTask.objects.get(name=permissions.DEFAULT_APPROVAL_NAME)
    assert list(task.groups.all()) == [moderators]
    assert Workflow.objects.filter(name=permissions.DEFAULT_APPROVAL_NAME).exists()
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_pledge").exists()
    assert not editors.permissions.filter(codename="view_pledge_contacts").exists()


def test_a_default_group_given_more_rights_than_the_role_is_left_alone():
    permissions.restore_default_groups()
    Group.objects.get(name="Moderators").permissions.add(
        Permission.objects.get(codename="export_pledge")
    )
    moderator = _member_of("Moderators")

    assert permissions.retire_default_groups() == ["Editors"]

    assert list(moderator.groups.values_list("name", flat=True)) == ["Moderators"]
    assert not Group.objects.get(name="Communications staff").permissions.filter(
        codename="export_pledge"
    )
