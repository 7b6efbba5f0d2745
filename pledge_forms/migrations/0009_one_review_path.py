"""One review path: remove the "Pledge review" moderation workflow made by 0003.

Publishing a pledge, by whatever button, is approving it (``pledge_forms.services.review``).
The workflow was a second path that disagreed with it: its approval only published, its
rejection neither declined the pledge nor told the agency. This removes the workflow, its
task ("Campaign reviewers approve") and its assignment to the pledge content type. The
"Campaign reviewers" group stays. Reversing puts the workflow back as 0003 made it.
"""

from django.db import migrations

WORKFLOW_NAME = "Pledge review"
TASK_NAME = "Campaign reviewers approve"
REVIEWERS = "Campaign reviewers"


def remove_workflow(apps, schema_editor):
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    ContentType = apps.get_model("contenttypes", "ContentType")

    pledge_ct = ContentType.objects.filter(app_label="pledge_forms", model="pledge")
    WorkflowContentType.objects.filter(content_type__in=pledge_ct).delete()
    workflows = Workflow.objects.filter(name=WORKFLOW_NAME)
    task_ids = list(
        Task.objects.filter(name=TASK_NAME, workflow_tasks__workflow__in=workflows)
        .values_list("pk", flat=True)
        .distinct()
    )
    workflows.delete()  # its workflow states and task states go with it
    # The task, unless another workflow uses it too.
    Task.objects.filter(pk__in=task_ids, workflow_tasks__isnull=True).delete()


def restore_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    ContentType = apps.get_model("contenttypes", "ContentType")

    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if created:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_ct)
        reviewers = Group.objects.filter(name=REVIEWERS).first()
        if reviewers is not None:
            task.groups.add(reviewers)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    pledge_ct, _ = ContentType.objects.get_or_create(
        app_label="pledge_forms", model="pledge"
    )
    WorkflowContentType.objects.get_or_create(
        content_type=pledge_ct, defaults={"workflow": workflow}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pledge_forms", "0008_mail_tasks"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(remove_workflow, restore_workflow)]
