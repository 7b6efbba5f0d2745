"""`manage.py restore_campaign PATH [--replace]`: rebuild the campaign from a backup archive."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms.backup import BackupError, after_restore, restore_backup


class Command(BaseCommand):
    help = (
        "Apply the migrations, then load a backup made by backup_campaign into this database "
        "(which must be empty unless --replace), then rebuild the search and reference indexes. "
        "See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Archive written by backup_campaign.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace everything in a database that already holds content.",
        )

    def handle(self, *args, path, replace=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = restore_backup(Path(path), replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        mismatches = result.mismatches
        if mismatches:
            lines = [
                f"  {label}: {expected} in the backup, {found} restored"
                for label, (expected, found) in sorted(mismatches.items())
            ]
            raise CommandError(
                "Row counts differ after the restore:\n" + "\n".join(lines)
            )
        waiting = after_restore()
        rows = sum(result.counts.values())
        self.stdout.write(
            f"Restored {rows} rows of {len(result.counts)} models from {path}; "
            f"{result.media_written} media files written."
        )
        if waiting:
            self.stdout.write(
                f"{waiting} e-mails were waiting to be sent when the backup was made; they "
                "are not sent again by themselves (one may have gone out before the loss). "
                "Send them with `manage.py retry_pledge_mail`."
            )
        for name in result.media_missing:
            self.stderr.write(f"Media file not in storage nor in the backup: {name}")
