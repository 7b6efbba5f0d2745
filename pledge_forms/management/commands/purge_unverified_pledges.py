"""Erase the personal data of pledges whose e-mail address was never confirmed in time."""

from django.core.management.base import BaseCommand

from pledge_forms import services


class Command(BaseCommand):
    help = (
        "Erase the personal data of unconfirmed pledges older than "
        "PLEDGE_FORMS_RETENTION_UNVERIFIED_DAYS (PLEDGE_FORMS_PURGE_UNVERIFIED_DAYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Override the number of days."
        )

    def handle(self, *args, days=None, **options):
        count = services.purge_unverified(days)
        self.stdout.write(f"{count} unconfirmed pledge(s) erased")
