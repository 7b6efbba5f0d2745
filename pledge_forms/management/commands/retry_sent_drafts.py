"""Hand pledges sent but not yet stored back to the workers.

The last step of the form only marks its draft sent and enqueues the task that stores the
pledge (``pledge_forms.sending``). This finds the sent drafts still waiting a quarter of an
hour later (a task that failed, or a worker killed while storing) and enqueues them again;
the daily housekeeping does the same. Without a worker (the immediate backend) the pledges
are stored during the command.
"""

from django.core.management.base import BaseCommand

from pledge_forms import sending


class Command(BaseCommand):
    help = "Enqueue the storing of pledges sent but still waiting for a worker."

    def handle(self, *args, **options):
        enqueued = sending.enqueue_waiting()
        self.stdout.write(f"{enqueued} sent pledge(s) enqueued")
