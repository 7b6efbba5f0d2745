"""Send again the pledge e-mails that failed (or never left), up to the attempt limit."""

from django.core.management.base import BaseCommand

from pledge_forms import emails


class Command(BaseCommand):
    help = "Retry pledge e-mails that failed or are still pending."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=None,
            help="Give up on a message after this many attempts "
            "(default: PLEDGE_FORMS_MAIL_MAX_ATTEMPTS).",
        )

    def handle(self, *args, max_attempts=None, **options):
        sent, failed = emails.retry_failed(max_attempts)
        self.stdout.write(f"{sent} sent, {failed} still failing")
