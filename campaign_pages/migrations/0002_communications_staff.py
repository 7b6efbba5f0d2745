"""The "Communications staff" group and the "News review" moderation workflow.

Communications staff reach the admin, create, edit and publish pages, manage images and
documents, edit the checklist of practices and the site settings. News posts go through
the "News review" workflow: another member of the group approves before a post is live
(the workflow is attached to the news index when it is created).
"""

from django.db import migrations

GROUP_NAME = "Communications staff"
WORKFLOW_NAME = "News review"
TASK_NAME = "Review by communications staff"

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = {
    ("media", "campaignimage"): ["add", "change", "choose", "delete"],
    ("media", "campaigndocument"): ["add", "change", "choose", "delete"],
}
MODEL_PERMISSIONS = {
    ("pledge_forms", "checklist"): ["add", "change", "view"],
    ("pledge_forms", "checklistitem"): ["add", "change", "view"],
    ("cms", "sitesettings"): ["change"],
    ("taggit", "tag"): ["add", "change", "view"],
}


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"[:255]},
    )
    return permission


def create_group_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(_permission(apps, "wagtailadmin", "admin", "access_admin"))
    for (app_label, model), actions in MODEL_PERMISSIONS.items():
        for action in actions:
            group.permissions.add(
                _permission(apps, app_label, model, f"{action}_{model}")
            )

    root_page = Page.objects.filter(depth=1).first()
    if root_page:
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root_page,
                permission=_permission(apps, "wagtailcore", "page", codename),
            )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection:
        for (app_label, model), actions in COLLECTION_PERMISSIONS.items():
            for action in actions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=_permission(apps, app_label, model, f"{action}_{model}"),
                )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(
            name=TASK_NAME,
            active=True,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
    task.groups.add(group)
    workflow, _ = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task_id=task.pk, defaults={"sort_order": 0}
    )


def remove_group_and_workflow(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK_NAME).delete()
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_pages", "0001_initial"),
        ("cms", "0001_initial"),
        ("media", "0001_initial"),
        ("pledge_forms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(create_group_and_workflow, remove_group_and_workflow)
    ]
