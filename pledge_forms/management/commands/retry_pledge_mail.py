"""Hand pledge e-mails that have no delivery task back to the workers; resend failed ones.

Retries are not this command's job any more: every delivery task enqueues its own retry
(``pledge_forms.tasks``). This finds what no task will pick up: a pending message whose
task could not be enqueued (the process died right after its commit), one claimed by a
worker that died (when its check-up task is gone), and, with ``--failed``, messages that
failed for good, which get a fresh set of attempts once the address or the mail server is
fixed. Without a worker (the immediate backend) the deliveries happen during the command.
"""

from django.core.management.base import BaseCommand

from pledge_forms import tasks


class Command(BaseCommand):
    help = (
        "Enqueue a delivery for pledge e-mails that are due but have no task; "
        "with --failed, also resend the ones that failed for good."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed",
            action="store_true",
            help="Also resend messages that failed for good (attempts start again).",
        )
        parser.add_argument(
            "--id",
            dest="ids",
            type=int,
            action="append",
            help="With --failed: only this message (repeatable).",
        )

    def handle(self, *args, failed=False, ids=None, **options):
        resent = tasks.resend_failed(ids, enqueue_now=False) if failed else 0
        enqueued = tasks.enqueue_due()
        self.stdout.write(
            f"{enqueued} e-mail(s) enqueued for delivery "
            f"({resent} of them failed before and were resent)"
        )
