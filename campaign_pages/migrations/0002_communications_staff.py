"""The "Communications staff" group and the "News review" moderation workflow.

Communications staff reach the admin, create, edit and publish pages, manage images and
documents, edit the checklist of practices and the site settings. News posts go through
the "News review" workflow: another member of the group approves before a post is live
(the workflow is attached to the news index when it is created).
"""

from django.db import migrations

from campaign_pages.permissions import (
    ensure_communications_staff,
    remove_communications_staff,
)


def create_group_and_workflow(apps, schema_editor):
    ensure_communications_staff(apps)


def remove_group_and_workflow(apps, schema_editor):
    remove_communications_staff(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_pages", "0001_initial"),
        ("cms", "0001_initial"),
        ("media", "0001_initial"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("pledge_forms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(create_group_and_workflow, remove_group_and_workflow)
    ]
