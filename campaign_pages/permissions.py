"""The "Communications staff" group and the "News review" moderation workflow.

The site has one group per role. Communications staff write and publish pages, manage
images and documents, edit the checklist and the site settings, and curate the pledge
plugin's showcase (feature and order members, edit a pledge's public statement); they never
see contact details, submissions, e-mails or exports, and never approve or decline. The
plugin makes its own "Campaign reviewers" group; the site grants its communications staff
the plugin rights they need (``MODEL_PERMISSIONS``), so the plugin never knows our names.

Made by migration 0002 (``apps`` is then the historical registry) and callable again, e.g.
after a test that flushed the database. Migration 0003 retires Wagtail's default "Editors"
and "Moderators" groups, which stood for the same role (``retire_default_groups``).
"""

from django.apps import apps as global_apps
from django.conf import settings

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
    # Curating the showcase: the listing, editing a pledge (its public statement), and
    # featuring and ordering members. Contact details, review actions, exports and the
    # inbox need the plugin's other rights, which stay with its reviewers.
    ("pledge_forms", "pledge"): ["change", "view"],
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


# --- Wagtail's default groups -------------------------------------------------------------

# Wagtail makes "Editors" (pages without publishing) and "Moderators" (who publish what
# editors submit, through the "Moderators approval" workflow it puts on the root page).
# Here both are the communications staff role, which publishes itself.
DEFAULT_GROUP_NAMES = ("Editors", "Moderators")
DEFAULT_APPROVAL_NAME = "Moderators approval"
APPROVAL_NAME = "Communications staff approval"

# What Wagtail's migrations (and the plugin's migration 0003, for Editors) gave the two
# groups: put back if migration 0003 is reversed.
_DEFAULT_MODEL_PERMISSIONS = {
    ("wagtailimages", "image"): ["add", "change", "choose", "delete"],
    ("wagtaildocs", "document"): ["add", "change", "choose", "delete"],
}
_DEFAULT_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ["add", "change", "choose"],
    ("wagtaildocs", "document"): ["add", "change", "choose"],
}
_DEFAULT_PAGE_PERMISSIONS = {
    "Editors": ["add_page", "change_page"],
    "Moderators": PAGE_PERMISSIONS,
}
_EDITORS_PLUGIN_PERMISSIONS = {
    ("pledge_forms", "pledge"): ["change", "view"],
    ("pledge_forms", "checklist"): ["add", "change", "view"],
    ("pledge_forms", "checklistitem"): ["add", "change", "view"],
}


def group_rights(apps, group, root_only=False):
    """What a group may do, as comparable tuples. Wagtail reads image and document rights
    from collection permissions only, so model-level ones count as collection ones; a
    site permission counts as the model-level one it narrows."""
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    GroupSitePermission = apps.get_model("wagtailcore", "GroupSitePermission")
    media_apps = {app_label for app_label, _ in COLLECTION_PERMISSIONS}
    rights = set()
    for app_label, codename in group.permissions.values_list(
        "content_type__app_label", "codename"
    ):
        kind = "collection" if app_label in media_apps else "model"
        rights.add((kind, app_label, codename))
    for app_label, codename in GroupSitePermission.objects.filter(
        group=group
    ).values_list("permission__content_type__app_label", "permission__codename"):
        rights.add(("model", app_label, codename))
    pages = GroupPagePermission.objects.filter(group=group)
    collections = GroupCollectionPermission.objects.filter(group=group)
    if root_only:
        pages = pages.filter(page__depth=1)
        collections = collections.filter(collection__depth=1)
    for codename in pages.values_list("permission__codename", flat=True):
        rights.add(("page", "wagtailcore", codename))
    for app_label, codename in collections.values_list(
        "permission__content_type__app_label", "permission__codename"
    ):
        rights.add(("collection", app_label, codename))
    return rights


def _rename_approval(apps, old_name, new_name):
    for model in ("Task", "Workflow"):
        apps.get_model("wagtailcore", model).objects.filter(name=old_name).update(
            name=new_name
        )


def retire_default_groups(apps=global_apps):
    """Move the members of Wagtail's "Editors" and "Moderators" into Communications
    staff, give the approval tasks they were on to Communications staff, and delete the
    two groups; idempotent.

    A group that someone gave a right the role does not have is left as it is, members
    included: deleting it would take that right away without anyone deciding so.
    Returns the names of the groups deleted.
    """
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    staff = ensure_communications_staff(apps)
    staff_rights = group_rights(apps, staff, root_only=True)
    retired = []
    for name in DEFAULT_GROUP_NAMES:
        group = Group.objects.filter(name=name).first()
        if group is None or not group_rights(apps, group) <= staff_rights:
            continue
        for user in User.objects.filter(groups=group):
            user.groups.add(staff)
        for task in GroupApprovalTask.objects.filter(groups=group):
            task.groups.add(staff)
        group.delete()
        retired.append(name)
    if "Moderators" in retired:
        _rename_approval(apps, DEFAULT_APPROVAL_NAME, APPROVAL_NAME)
    return retired


def restore_default_groups(apps=global_apps):
    """Undo ``retire_default_groups`` as far as can be known: the two groups come back
    with the rights Wagtail (and the plugin, for Editors) gave them, and Wagtail's approval
    task goes back to Moderators. Former members stay in Communications staff."""
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    root_page = apps.get_model("wagtailcore", "Page").objects.filter(depth=1).first()
    root_collection = (
        apps.get_model("wagtailcore", "Collection").objects.filter(depth=1).first()
    )

    for name in DEFAULT_GROUP_NAMES:
        group, created = Group.objects.get_or_create(name=name)
        if not created:
            continue
        group.permissions.add(
            _permission(apps, "wagtailadmin", "admin", "access_admin")
        )
        model_permissions = dict(_DEFAULT_MODEL_PERMISSIONS)
        if name == "Editors":
            model_permissions.update(_EDITORS_PLUGIN_PERMISSIONS)
        for (app_label, model), actions in model_permissions.items():
            for action in actions:
                group.permissions.add(
                    _permission(apps, app_label, model, f"{action}_{model}")
                )
        if root_page:
            for codename in _DEFAULT_PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=root_page,
                    permission=_permission(apps, "wagtailcore", "page", codename),
                )
        if root_collection:
            for (app_label, model), actions in _DEFAULT_COLLECTION_PERMISSIONS.items():
                for action in actions:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group,
                        collection=root_collection,
                        permission=_permission(
                            apps, app_label, model, f"{action}_{model}"
                        ),
                    )
    for task in GroupApprovalTask.objects.filter(name=APPROVAL_NAME):
        task.groups.set([Group.objects.get(name="Moderators")])
    _rename_approval(apps, APPROVAL_NAME, DEFAULT_APPROVAL_NAME)
