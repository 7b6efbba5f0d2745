"""`manage.py backup_campaign [PATH] [--media]`: write the whole campaign to one archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.backup import create_backup


class Command(BaseCommand):
    help = (
        "Write every page, snippet, pledge, submission, revision, audit-log entry, user and "
        "setting to one archive (with --media, the media files too). See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Archive to write (default: var/backups/campaign-<UTC time>.tar).",
        )
        parser.add_argument(
            "--media",
            action="store_true",
            help="Also copy every referenced media file into the archive.",
        )

    def handle(self, *args, path=None, media=False, **options):
        if not path:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.VAR_DIR) / "backups" / f"campaign-{stamp}.tar"
        result = create_backup(Path(path), include_media=media)
        rows = sum(result.counts.values())
        self.stdout.write(
            f"Wrote {result.path}: {rows} rows of {len(result.counts)} models, "
            f"{len(result.media)} media references"
            + (f", {result.media_included} media files" if media else "")
        )
        for name in result.media_missing:
            self.stderr.write(f"Media file missing from storage: {name}")
