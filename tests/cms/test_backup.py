"""Backup and restore: the campaign comes back whole from one archive into an empty database.

The round trip runs on the suite's own database engine (SQLite in `make test`, PostgreSQL in
CI's second run): the demo site, generated members, a reviewed pledge with its revisions,
submissions and audit log are written with `backup_campaign`; `restore_campaign` loads them in
another process into a new, empty database; a backup of the restored database then holds the
same rows, field for field, as the first.
"""

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cms.backup import BackupError, restore_backup
from pledge_forms.models import Pledge, PledgeFormPage
from pledge_forms.testing.factories import submitted_pledge
from tests.campaign_pages.conftest import load_demo_content

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _rows(archive_path: Path) -> dict[tuple[str, str], dict]:
    with tarfile.open(archive_path) as archive:
        payload = archive.extractfile("data.json_exact.gz").read()
    rows = json.loads(gzip.decompress(payload))
    return {(row["model"], str(row["pk"])): row["fields"] for row in rows}


def _manifest(archive_path: Path) -> dict:
    with tarfile.open(archive_path) as archive:
        return json.load(archive.extractfile("manifest.json"))


class EmptyDatabase:
    """A new database on the same server (or a new SQLite file), as a DATABASE_URL."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.name = None

    def __enter__(self) -> str:
        db = connection.settings_dict
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.tmp_path / 'restored.sqlite3'}"
        import psycopg

        self.name = f"tbc_restore_{uuid.uuid4().hex[:10]}"
        self.server = {
            "host": db.get("HOST") or "127.0.0.1",
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or "postgres",
            "password": db.get("PASSWORD") or None,
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as pg:
            pg.execute(f'CREATE DATABASE "{self.name}"')
        auth = f":{self.server['password']}" if self.server["password"] else ""
        return (
            f"postgres://{self.server['user']}{auth}@{self.server['host']}:"
            f"{self.server['port']}/{self.name}"
        )

    def __exit__(self, *exc):
        if self.name:
            import psycopg

            with psycopg.connect(
                dbname="postgres", autocommit=True, **self.server
            ) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _manage(
    database_url: str, tmp_path: Path, *args: str
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def campaign(django_user_model):
    """The demo site plus members, a reviewed pledge with revisions and a log, a user."""
    load_demo_content()
    call_command("generate_members", "--count", "30", stdout=io.StringIO())
    reviewer = django_user_model.objects.create_superuser(
        "restorer", "restorer@example.org", "restore-pass-1234"
    )
    page = PledgeFormPage.objects.live().first()
    pledge = submitted_pledge(
        page, "approved", legal_name="Restore Drill Police <Department>"
    )
    pledge.save_revision(user=reviewer, log_action=True)
    submitted_pledge(page, "declined", legal_name="Declined Drill Sheriff")
    return pledge


def test_round_trip_into_an_empty_database_keeps_every_row(campaign, tmp_path):
    first = tmp_path / "first.tar"
    call_command("backup_campaign", str(first), stdout=io.StringIO())
    manifest = _manifest(first)
    counts = manifest["counts"]
    # The parts the issue names are all in the archive, not only empty tables.
    for label in [
        "wagtailcore.Page",
        "wagtailcore.Revision",
        "wagtailcore.PageLogEntry",
        "wagtailcore.ModelLogEntry",
        "pledge_forms.Pledge",
        "pledge_forms.PledgePractice",
        "pledge_forms.PledgeSubmission",
        "pledge_forms.ChecklistItem",
        "media.CampaignImage",
        "media.CampaignDocument",
        "auth.User",
    ]:
        assert counts[label] > 0, label
    assert counts["pledge_forms.Pledge"] == Pledge.objects.count()
    assert manifest["media"], "media references are listed"

    with EmptyDatabase(tmp_path) as database_url:
        restored = _manage(database_url, tmp_path, "restore_campaign", str(first))
        assert restored.returncode == 0, restored.stderr
        assert "Restored" in restored.stdout
        second = tmp_path / "second.tar"
        again = _manage(database_url, tmp_path, "backup_campaign", str(second))
        assert again.returncode == 0, again.stderr
        assert _manifest(second)["counts"] == counts
        before, after = _rows(first), _rows(second)
        assert before.keys() == after.keys()
        differing = [key for key in before if before[key] != after[key]]
        assert differing == [], {
            key: {
                name: (value, after[key].get(name))
                for name, value in before[key].items()
                if after[key].get(name) != value
            }
            for key in differing[:3]
        }
        # A sample read back the way the site reads it: the pledge, its name escaped nowhere.
        pledge_key = ("pledge_forms.pledge", str(campaign.pk))
        assert after[pledge_key]["legal_name"] == "Restore Drill Police <Department>"

        # A restore into a database that now holds the campaign is refused.
        twice = _manage(database_url, tmp_path, "restore_campaign", str(first))
        assert twice.returncode != 0
        assert "not empty" in twice.stderr


def test_restore_refuses_a_database_with_content(tmp_path, django_user_model):
    django_user_model.objects.create_user("keeper", "k@example.org", "pass-1234-abcd")
    archive = tmp_path / "backup.tar"
    call_command("backup_campaign", str(archive), stdout=io.StringIO())
    with pytest.raises(BackupError, match=r"not empty \(1 users\)"):
        restore_backup(archive)
    assert django_user_model.objects.filter(username="keeper").exists()


def _rewrite(archive: Path, target: Path, *, manifest=None, data=None) -> None:
    with tarfile.open(archive) as source, tarfile.open(target, "w") as out:
        for member in source.getmembers():
            payload = source.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                payload = json.dumps(manifest(json.loads(payload))).encode()
            if member.name == "data.json_exact.gz" and data is not None:
                payload = data(payload)
            member.size = len(payload)
            out.addfile(member, io.BytesIO(payload))


def test_restore_refuses_damaged_or_foreign_archives(tmp_path, django_user_model):
    django_user_model.objects.create_user("someone", "s@example.org", "pass-1234-abcd")
    archive = tmp_path / "backup.tar"
    call_command("backup_campaign", str(archive), stdout=io.StringIO())
    get_user_model().objects.all().delete()

    damaged = tmp_path / "damaged.tar"
    _rewrite(archive, damaged, data=lambda payload: payload[:-10] + b"0" * 10)
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(damaged)

    other_release = tmp_path / "other.tar"

    def older(manifest):
        manifest["migrations"]["pledge_forms"].append("9999_from_the_future")
        return manifest

    _rewrite(archive, other_release, manifest=older)
    with pytest.raises(BackupError, match="9999_from_the_future"):
        restore_backup(other_release)

    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as out:
        info = tarfile.TarInfo("notes.txt")
        info.size = 2
        out.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(CommandError, match="not a campaign backup"):
        call_command("restore_campaign", str(not_a_backup), stdout=io.StringIO())
    garbage = tmp_path / "garbage.tar"
    garbage.write_bytes(b"\x00not a tar file")
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("restore_campaign", str(garbage), stdout=io.StringIO())
