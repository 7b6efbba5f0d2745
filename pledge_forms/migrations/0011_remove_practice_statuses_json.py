"""The practice statuses now live in ``PledgePractice`` rows (0008): the JSON goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pledge_forms", "0010_practice_rows"),
    ]

    operations = [
        migrations.RemoveField(model_name="pledge", name="practice_statuses"),
    ]
