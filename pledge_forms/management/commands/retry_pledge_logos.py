"""Hand logos kept while media storage was down back to the workers.

Every pending logo has a task scheduled for its next attempt (``pledge_forms.tasks``). This
finds the due ones no task will pick up (a task that could not be enqueued, or a worker
killed while storing it) and, with ``--now``, every pending logo at once with a fresh set
of attempts, those whose attempts ran out included (media storage is back; no need to
wait for the backoff). Without a worker (the
immediate backend) the logos are stored during the command.
"""

from django.core.management.base import BaseCommand

from pledge_forms import tasks


class Command(BaseCommand):
    help = (
        "Enqueue the storing of pledge logos kept while media storage was down; "
        "with --now, all of them at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Every pending logo, now, with a fresh set of attempts.",
        )

    def handle(self, *args, now=False, **options):
        enqueued = tasks.enqueue_pending_logos(all_now=now)
        self.stdout.write(f"{enqueued} pending logo(s) enqueued")
