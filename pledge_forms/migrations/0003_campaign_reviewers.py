"""The "Campaign reviewers" group, the pledge review workflow, and pledge rights for editors.

Reviewers handle pledges and submissions (including contact details, exports and the review
workflow). Communications staff (Wagtail's "Editors" group) may curate pledges for the
showcase but never see contact details.
"""

from django.db import migrations

REVIEWER_PERMISSIONS = {
    "pledge": [
        "add",
        "change",
        "delete",
        "view",
        "publish",
        "lock",
        "unlock",
        "view_pledge_contacts",
        "review_pledge",
        "export_pledge",
    ],
    "pledgesubmission": ["view"],
    "outgoingmail": ["view"],
    "checklist": ["view"],
    "checklistitem": ["view"],
}
EDITOR_PERMISSIONS = {
    "pledge": ["change", "view"],
    "checklist": ["add", "change", "view"],
    "checklistitem": ["add", "change", "view"],
}
MODEL_NAMES = {
    "pledge": "pledge",
    "pledgesubmission": "pledge submission",
    "outgoingmail": "outgoing e-mail",
    "checklist": "checklist",
    "checklistitem": "practice",
}


def _permission(apps, model, action):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="pledge_forms", model=model
    )
    codename = action if "_" in action else f"{action}_{model}"
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {action.replace('_', ' ')} {MODEL_NAMES[model]}"[:255]},
    )
    return permission


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    admin_ct, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_ct,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )

    reviewers, _ = Group.objects.get_or_create(name="Campaign reviewers")
    reviewers.permissions.add(access_admin)
    for model, actions in REVIEWER_PERMISSIONS.items():
        for action in actions:
            reviewers.permissions.add(_permission(apps, model, action))

    editors = Group.objects.filter(name="Editors").first()
    if editors:
        for model, actions in EDITOR_PERMISSIONS.items():
            for action in actions:
                editors.permissions.add(_permission(apps, model, action))

    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    workflow, created = Workflow.objects.get_or_create(name="Pledge review")
    if created:
        task = GroupApprovalTask.objects.create(
            name="Campaign reviewers approve", content_type=task_ct
        )
        task.groups.add(reviewers)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    pledge_ct = ContentType.objects.get(app_label="pledge_forms", model="pledge")
    WorkflowContentType.objects.get_or_create(
        content_type=pledge_ct, defaults={"workflow": workflow}
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Campaign reviewers").delete()
    apps.get_model("wagtailcore", "Workflow").objects.filter(name="Pledge review").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pledge_forms", "0002_pledges"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
