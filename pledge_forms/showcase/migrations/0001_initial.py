"""The member showcase page, moved here from ``pledge_forms`` (its migration 0007).

On a database that already has the page, the table (``pledge_forms_membershowcasepage``)
is taken over as it is, and the pages' content type, with their revisions and
permissions, is moved to this app. On a new database the table was made by
``pledge_forms`` 0004 before this runs.
"""

import django.db.models.deletion
import wagtail.contrib.routable_page.models
import wagtail.fields
from django.conf import settings
from django.db import migrations, models


OLD_APP, NEW_APP, MODEL = "pledge_forms", "pledge_forms_showcase", "membershowcasepage"


def _move(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=source, model=MODEL).first()
    if old is None:
        return
    # A content type made for the target by an earlier run has no pages yet: drop it.
    ContentType.objects.filter(app_label=target, model=MODEL).delete()
    old.app_label = target
    old.save(update_fields=["app_label"])


def move_content_type(apps, schema_editor):
    _move(apps, OLD_APP, NEW_APP)


def move_content_type_back(apps, schema_editor):
    _move(apps, NEW_APP, OLD_APP)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("pledge_forms", "0007_showcase_app"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="MemberShowcasePage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        (
                            "intro",
                            wagtail.fields.RichTextField(
                                blank=True, verbose_name="introduction"
                            ),
                        ),
                        (
                            "per_page",
                            models.PositiveSmallIntegerField(
                                default=24,
                                help_text="Between 6 and 100.",
                                verbose_name="members per page",
                            ),
                        ),
                        (
                            "home_display",
                            models.CharField(
                                choices=[
                                    ("featured", "Featured members"),
                                    ("recent", "Recently pledged members"),
                                    ("completed", "Recently completed members"),
                                    ("none", "No members, statistics only"),
                                ],
                                default="featured",
                                max_length=20,
                                verbose_name="home page shows",
                            ),
                        ),
                        (
                            "home_count",
                            models.PositiveSmallIntegerField(
                                default=6, verbose_name="members on the home page"
                            ),
                        ),
                        (
                            "checklist",
                            models.ForeignKey(
                                blank=True,
                                help_text="Practices reported on; the first checklist when empty.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="pledge_forms.checklist",
                                verbose_name="checklist",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "member showcase",
                        "db_table": "pledge_forms_membershowcasepage",
                    },
                    bases=(
                        wagtail.contrib.routable_page.models.RoutablePageMixin,
                        "wagtailcore.page",
                    ),
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
