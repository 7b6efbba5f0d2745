"""The published pledges' token and the triggers that change it (pledge_forms/models/published.py)."""

from django.db import migrations, models

TABLE = "pledge_forms_pledge"
TOKEN_TABLE = "pledge_forms_publishedpledges"
# Row triggers, each firing only when a published pledge is involved.
EVENTS = {
    "insert": ("INSERT", "NEW.live"),
    "update": ("UPDATE", "OLD.live OR NEW.live"),
    "delete": ("DELETE", "OLD.live"),
}

SQLITE_UPSERT = (
    f"INSERT INTO {TOKEN_TABLE} (id, token) VALUES (1, lower(hex(randomblob(16)))) "
    "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
)
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION pledge_forms_published_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {TOKEN_TABLE} (id, token)
    VALUES (1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$
"""


def trigger_name(event: str) -> str:
    return f"pledge_forms_published_on_{event}"


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
    for event, (operation, condition) in EVENTS.items():
        name = trigger_name(event)
        if vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {operation} ON {TABLE} "
                f"WHEN {condition} BEGIN {SQLITE_UPSERT}; END"
            )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {name} AFTER {operation} ON {TABLE} FOR EACH ROW "
                f"WHEN ({condition}) EXECUTE FUNCTION pledge_forms_published_changed()"
            )
        else:
            raise NotImplementedError(
                f"the published pledges' triggers are written for SQLite and "
                f"PostgreSQL, not {vendor}"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for event in EVENTS:
        suffix = f" ON {TABLE}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(event)}{suffix}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS pledge_forms_published_changed()")


class Migration(migrations.Migration):

    dependencies = [
        ("pledge_forms", "0024_draft_sent"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublishedPledges",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("token", models.CharField(max_length=32, verbose_name="token")),
            ],
            options={
                "verbose_name": "published pledges' version",
                "verbose_name_plural": "published pledges' versions",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
