"""The member showcase page moves to the showcase app (``pledge_forms_showcase``).

Only Django's record of the models changes here: the table stays as it is, and the
showcase app's first migration takes it over (with its pages' content type).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pledge_forms", "0006_featured_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="MemberShowcasePage")],
            database_operations=[],
        ),
    ]
