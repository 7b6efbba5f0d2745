"""Start (or keep) the daily housekeeping task on the task queue; safe to run at every deploy."""

from django.core.management.base import BaseCommand

from pledge_forms import housekeeping


class Command(BaseCommand):
    help = (
        "Enqueue the daily housekeeping task (privacy retention) unless a run is "
        "already waiting. --now also runs one pass at once, in this process."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Run one housekeeping pass now (for cron, or without a task worker).",
        )

    def handle(self, *args, now=False, **options):
        if now:
            counts = housekeeping.run_housekeeping()
            summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
            self.stdout.write(f"Housekeeping done ({summary})")
        task_id = housekeeping.schedule_housekeeping()
        if task_id:
            self.stdout.write(f"Housekeeping scheduled (task {task_id})")
        elif housekeeping.housekeeping.get_backend().supports_defer:
            self.stdout.write("Housekeeping already scheduled")
        else:
            self.stdout.write(
                "The task backend cannot defer tasks: run "
                "`manage.py schedule_housekeeping --now` once a day from cron."
            )
