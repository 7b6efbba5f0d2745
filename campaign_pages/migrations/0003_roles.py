"""One group per role: Communications staff and (the plugin's) Campaign reviewers.

Communications staff also get the plugin rights they need to curate the showcase (the
pledge listing and editing a pledge, featuring and ordering members); contact details,
review actions, submissions, e-mails and exports stay with the campaign reviewers.

Wagtail's default "Editors" and "Moderators" groups stood for the same role with other
rights (a member of Editors could curate, one of Communications staff could not): their
members move into Communications staff, Wagtail's "Moderators approval" task and workflow
become "Communications staff approval" (approved by Communications staff), and the two
groups are deleted. A default group given rights beyond the role's is left alone.
"""

from django.conf import settings
from django.db import migrations

from campaign_pages.permissions import restore_default_groups, retire_default_groups


def one_group_per_role(apps, schema_editor):
    retire_default_groups(apps)


def bring_back_default_groups(apps, schema_editor):
    restore_default_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_pages", "0002_communications_staff"),
        ("pledge_forms", "0003_campaign_reviewers"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(one_group_per_role, bring_back_default_groups)]
