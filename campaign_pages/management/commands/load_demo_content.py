"""Load the demo content of the campaign site. Idempotent: running it again adds nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from campaign_pages import demo


class Command(BaseCommand):
    help = (
        "Create the demo site (pages, checklist, resources, news, pledges) if missing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            report = demo.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {report}"))
