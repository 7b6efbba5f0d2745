"""The "Communications staff" group and the "News review" moderation workflow.

Made by migration 0002 (``apps`` is then the historical registry) and callable again, e.g.
after a test that flushed the database.
"""

from django.apps import apps as global_apps

GROUP_NAME = "Communications staff"
WORKFLOW_NAME = "News review"
TASK_NAME = "Review by communications staff"

PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
# Wagtail checks image and document rights against its own models, whatever the
# custom image and document models are.
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ["add", "change", "choose", "delete"],
    ("wagtaildocs", "document"): ["add", "change", "choose", "delete"],
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
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"[:255]},
    )
    return permission


def ensure_communications_staff(apps=global_apps):
    """Create (or complete) the group, its rights and the news workflow; idempotent."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
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
    return group


def remove_communications_staff(apps=global_apps):
    apps.get_model("wagtailcore", "Workflow").objects.filter(
        name=WORKFLOW_NAME
    ).delete()
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK_NAME).delete()
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()
