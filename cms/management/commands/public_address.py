"""Point the default Wagtail Site at PUBLIC_URL and say where it points.

`migrate` does the same after every run; `make serve` runs this before starting gunicorn
so that a changed PUBLIC_URL takes effect without a migration.
"""

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from cms.public_address import public_url, site_fields, sync_default_site


class Command(BaseCommand):
    help = "Move the default Wagtail Site record to PUBLIC_URL (idempotent)."

    def handle(self, *args, **options):
        message = sync_default_site()
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site: run `manage.py migrate`.")
        if message:
            self.stdout.write(message)
        if (site.hostname, site.port) != tuple(site_fields().values()):
            raise CommandError(message)
        self.stdout.write(f"Public address: {public_url()} (site {site.root_url})")
