"""Running the task worker inside a test."""

from django_tasks_db.management.commands import db_worker


def run_worker_once(monkeypatch) -> None:
    """What one `manage.py db_worker --batch` does, in this process (no signal handlers;
    the test's connection stays open: it holds the test's transaction)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
