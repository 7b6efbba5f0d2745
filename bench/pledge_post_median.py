"""Median time and SQL queries of the pledge POST through Django's test client, on the
embedded default.

    .venv/bin/python -m bench.pledge_post_median [--posts 50] [--settings cms.settings.test]
                                                 [--tasks database|immediate]

A throwaway SQLite database in a temporary directory (the embedded default: SQLite, local
memory cache, e-mail to the local-memory backend) is migrated, a checklist and the pledge
form page are created, then ``--posts`` distinct valid pledges are sent one after another,
each from its own client address (so the rate limit is checked but never hit):

- through the form's steps, as a browser sends them: every step is posted, then "Send the
  pledge" on the last one is measured (``post_*``);
- as one POST of the whole pledge to the form's address, as a form opened before the form
  had steps still sends it (``one_page_post_*``).

``--tasks database`` (the default) is production's task backend: what a request leaves for
later waits as task rows, and a worker run after the posts stores the pledges
(``worker_queries_per_pledge``); ``immediate`` runs every task inside the request (the
test settings' backend). Prints one JSON line.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date

TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def _figures(prefix: str, times: list[float], queries: list[int]) -> dict:
    times = sorted(times)
    return {
        f"{prefix}_median_ms": round(statistics.median(times), 1),
        f"{prefix}_p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
        f"{prefix}_queries_median": statistics.median(queries),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--settings", default="cms.settings.test")
    parser.add_argument("--tasks", choices=sorted(TASK_BACKENDS), default="database")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="tbc-pledge-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["VAR_DIR"] = workdir

    import django

    django.setup()
    from django.core import signing
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django_tasks_db.management.commands import db_worker
    from wagtail.models import Site

    setup_test_environment()  # ALLOWED_HOSTS for the test client, locmem e-mail
    call_command("migrate", verbosity=0, interactive=False)

    from pledge_forms.forms import STARTED_SALT
    from pledge_forms.models import Pledge
    from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist
    from tests.pledge_forms.steps_walk import step_answers, step_slugs, step_url

    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, slug="pledge", checklist=make_checklist())
    url = page.url
    items = list(page.checklist_items())
    today = date.today()
    target = f"{today.year + (today.month + 5) // 12}-{(today.month + 5) % 12 + 1:02d}"

    def measured(client, path, data, address):
        connection.queries_log.clear()  # a full log (9000 queries) would count none
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post(path, data, REMOTE_ADDR=address)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code in (302, 303), response.content[:2000]
        return elapsed, len(queries)

    def one_page(number: int) -> dict:
        data = {
            "started": signing.dumps(time.time() - 60, salt=STARTED_SALT),
            "fax_number": "",
        }
        for slug in step_slugs(None, page):
            data.update(step_answers(page, slug))
        data.update(
            legal_name=f"Bench Town {number} Police Department",
            city=f"Bench Town {number}",
            chief_email=f"chief{number}@bench.example",
        )
        for item in items:
            data[f"practice_{item.pk}"] = "in_progress"
            data[f"target_{item.pk}"] = target
        return data

    def worker() -> int:
        """Run the tasks waiting (what ``manage.py db_worker --batch`` does); its queries."""
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            db_worker.Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="bench",
                excluded_queue_names=[],
            ).run()
        return count

    figures = {"posts": args.posts}
    backend = {"default": {"BACKEND": TASK_BACKENDS[args.tasks]}}
    with override_settings(TASKS=backend, PLEDGE_FORMS_MIN_FILL_SECONDS=0):
        get_times = []
        for _ in range(10):
            start = time.perf_counter()
            response = Client().get(url)
            get_times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code

        times, queries, worker_queries = [], [], 0
        for number in range(args.posts):
            client, address = Client(), f"10.0.{number // 250}.{number % 250}"
            overrides = {
                "agency": {"legal_name": f"Bench Town {number} Police Department"},
                "location": {"city": f"Bench Town {number}"},
            }
            for slug in step_slugs(client, page):
                answers = step_answers(page, slug, **overrides.get(slug, {}))
                measured(client, step_url(page, slug), answers, address)
            elapsed, count = measured(
                client, f"{url}check/", {"action": "send"}, address
            )
            times.append(elapsed)
            queries.append(count)
        if args.tasks == "database":
            worker_queries += worker()
        figures.update(_figures("post", times, queries))

        times, queries = [], []
        for number in range(args.posts, 2 * args.posts):
            elapsed, count = measured(
                Client(), url, one_page(number), f"10.1.{number // 250}.{number % 250}"
            )
            times.append(elapsed)
            queries.append(count)
        if args.tasks == "database":
            worker_queries += worker()
        figures.update(_figures("one_page_post", times, queries))

    assert Pledge.objects.count() == 2 * args.posts, Pledge.objects.count()
    if args.tasks == "database":
        figures["worker_queries_per_pledge"] = round(worker_queries / (2 * args.posts))
    figures.update(
        get_median_ms=round(statistics.median(get_times), 1),
        settings=args.settings,
        tasks=args.tasks,
        database="sqlite (temporary file)",
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
