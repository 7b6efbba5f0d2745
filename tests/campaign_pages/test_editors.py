"""Communications staff run the site in the admin: rights, news moderation, scheduling,
previews."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Collection, Page, WorkflowPage

from campaign_pages.models import NewsIndexPage, NewsPage
from campaign_pages.testing.factories import NewsPageFactory
from campaign_pages.workflows import NEWS_WORKFLOW_NAME, attach_news_workflow

pytestmark = pytest.mark.django_db


def staff_member(username):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="pass-word-1"
    )
    user.groups.add(Group.objects.get(name="Communications staff"))
    return user


def test_communications_staff_can_write_and_publish_pages(campaign_site):
    editor = staff_member("writer")
    assert editor.has_perm("wagtailadmin.access_admin")
    permissions = campaign_site.news_index.permissions_for_user(editor)
    assert permissions.can_add_subpage()
    assert permissions.can_publish_subpage()
    assert campaign_site.resources[0].permissions_for_user(editor).can_edit()
    assert campaign_site.resources[0].permissions_for_user(editor).can_publish()


def test_communications_staff_manage_images_documents_checklist_and_settings(
    campaign_site,
):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    document_permissions = policy_registry.get_by_type(get_document_model())
    image_permissions = policy_registry.get_by_type(get_image_model())

    editor = staff_member("librarian")
    root = Collection.get_first_root_node()
    assert image_permissions.user_has_permission_for_instance(
        editor, "change", campaign_site.image
    )
    assert image_permissions.user_has_permission(editor, "add")
    assert document_permissions.user_has_permission(editor, "add")
    assert root in image_permissions.collections_user_has_permission_for(editor, "add")
    assert editor.has_perm("pledge_forms.change_checklistitem")
    assert editor.has_perm("pledge_forms.add_checklistitem")
    assert editor.has_perm("cms.change_sitesettings")
    assert not editor.has_perm("auth.change_user")


def test_a_news_index_made_in_the_admin_gets_the_news_review_workflow(
    admin_client, campaign_site
):
    campaign_site.news_index.delete()
    response = admin_client.post(
        f"/admin/pages/add/campaign_pages/newsindexpage/{campaign_site.home.pk}/",
        {"title": "Newsroom", "slug": "newsroom", "intro": "", "action-publish": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    index = NewsIndexPage.objects.get(locale__language_code="en", slug="newsroom")
    assert index.get_workflow().name == NEWS_WORKFLOW_NAME
    assert index.live


def test_a_news_post_goes_live_only_after_another_editor_approves(campaign_site):
    attach_news_workflow(campaign_site.news_index)
    writer, reviewer = staff_member("writer"), staff_member("reviewer")
    post = NewsPageFactory(
        parent=campaign_site.news_index, title="Listening session report", live=False
    )
    post.save_revision(user=writer)
    workflow = post.get_workflow()
    assert workflow.name == NEWS_WORKFLOW_NAME
    state = workflow.start(post, writer)
    post.refresh_from_db()
    assert not post.live
    task_state = state.current_task_state
    task = task_state.task.specific
    assert ("approve", "Approve", False) in [
        tuple(action[:3]) for action in task.get_actions(post, reviewer)
    ]
    task.on_action(task_state, reviewer, "approve")
    post.refresh_from_db()
    assert post.live
    state.refresh_from_db()
    assert state.status == "approved"


def test_scheduled_publishing_puts_a_post_live_when_its_time_comes(campaign_site):
    post = NewsPageFactory(
        parent=campaign_site.news_index, title="Embargoed", live=False
    )
    post.go_live_at = timezone.now() + datetime.timedelta(seconds=1)
    revision = post.save_revision()
    revision.publish()
    post.refresh_from_db()
    assert not post.live
    call_command("publish_scheduled", verbosity=0)
    post.refresh_from_db()
    assert not post.live, "not before its time"
    time.sleep(1.2)
    call_command("publish_scheduled", verbosity=0)
    post.refresh_from_db()
    assert post.live


def test_every_page_type_can_be_previewed(campaign_site, rf):
    pages = [
        campaign_site.home,
        campaign_site.focus_index,
        campaign_site.use_of_force,
        campaign_site.resource_index,
        campaign_site.resources[0],
        campaign_site.news_index,
        campaign_site.posts[0],
        campaign_site.about,
    ]
    for page in pages:
        # a preview renders the edited, unsaved object, as the admin does
        specific = Page.objects.get(pk=page.pk).specific
        specific.title = f"{specific.title} (draft)"
        response = specific.make_preview_request()
        assert response.status_code == 200, type(specific).__name__
        assert f"{specific.title}" in response.content.decode()


def test_the_workflow_is_attached_only_once(campaign_site):
    assert attach_news_workflow(campaign_site.news_index) is True
    assert attach_news_workflow(campaign_site.news_index) is False
    assert WorkflowPage.objects.filter(page=campaign_site.news_index).count() == 1
    assert NewsPage.objects.count() == 3


def test_the_editor_of_every_page_type_and_of_the_site_settings_opens(
    admin_client, campaign_site
):
    from wagtail.models import Site

    parents = {
        "standardpage": campaign_site.home,
        "focusareapage": campaign_site.focus_index,
        "resourcepage": campaign_site.resource_index,
        "newspage": campaign_site.news_index,
    }
    for model, parent in parents.items():
        url = f"/admin/pages/add/campaign_pages/{model}/{parent.pk}/"
        assert admin_client.get(url).status_code == 200, url
    for page in [
        campaign_site.home,
        campaign_site.use_of_force,
        campaign_site.resources[0],
        campaign_site.posts[0],
        campaign_site.about,
    ]:
        url = f"/admin/pages/{page.pk}/edit/"
        assert admin_client.get(url).status_code == 200, url
    site = Site.objects.get(is_default_site=True)
    response = admin_client.get(f"/admin/settings/cms/sitesettings/{site.pk}/")
    assert response.status_code == 200
    assert "Campaign contact e-mail" in response.content.decode()
