"""CPU time per request, in-process, as a multiple of the minimal view measured in the same run.

    python -m bench.cpu [--repeat 40] PATH [PATH ...]

Run with a stack's settings in the environment (``bench.run`` does it, page cache off,
``BENCH_CEILING=1``). Every request goes through Django's whole handler, middleware included
(the test client), and is timed with ``time.process_time``: the CPU this process spent,
hardly moved by other work on the machine. For each path, and for each step of the pledge
form (a new pledge: GET of every step with the answers so far in its draft) and the POST
that sends it, it prints one JSON line: status, bytes, SQL queries, median CPU ms, and
``multiple`` (median over the minimal view's median). Two more figures per page:

- ``after_member``: the median when every request follows a change to a member (its row
  updated, its topics invalidated, as an approval does): what the first visitors after an
  approval cost;
- ``after_pages``: the same after a page is published (the ``pages`` topic invalidated).

``--members N`` is only a label for the report (the data is the stack's).
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

CEILING = "/bench/ceiling/"


def _consume(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _queries(client, method, path, data=None) -> tuple[int, object, bytes]:
    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        response = getattr(client, method)(path, data or {})
        body = _consume(response)
    return count[0], response, body


def _timed(client, path, repeat, before=None) -> float:
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.process_time()
        _consume(client.get(path))
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def _member_changed():
    """What an approval does to the data the pages read: a live member changes."""
    from cms import topics
    from pledge_forms.models import Pledge

    pledge = Pledge.objects.filter(live=True).order_by("pk").first()
    if pledge is None:
        return
    Pledge.objects.filter(pk=pledge.pk).update(updated_at=timezone.now())
    topics.invalidate(topics.MEMBERS, topics.member(pledge.slug))


def _pages_changed():
    from cms import topics

    topics.invalidate(topics.PAGES)


def measure_page(client, path, repeat, ceiling_ms=None, changes=True) -> dict:
    for _ in range(3):
        _consume(client.get(path))
    queries, response, body = _queries(client, "get", path)
    row = {
        "path": path,
        "status": response.status_code,
        "bytes": len(body),
        "queries": queries,
        "cpu_ms": round(_timed(client, path, repeat), 3),
    }
    if changes and response.status_code == 200:
        row["after_member_ms"] = round(
            _timed(client, path, max(repeat // 2, 5), _member_changed), 3
        )
        row["after_pages_ms"] = round(
            _timed(client, path, max(repeat // 2, 5), _pages_changed), 3
        )
    if ceiling_ms:
        for name in ("cpu_ms", "after_member_ms", "after_pages_ms"):
            if name in row:
                row[name.replace("_ms", "").replace("cpu", "multiple")] = round(
                    row[name] / ceiling_ms, 1
                )
    return row


def measure_steps(repeat, ceiling_ms) -> list[dict]:
    """Each step of a new pledge, GET with the draft so far, then the POST that sends it."""
    from pledge_forms.models import PledgeFormPage
    from tests.pledge_forms.steps_walk import step_answers, step_slugs

    page = PledgeFormPage.objects.live().order_by("path").first()
    if page is None:
        return [{"path": "pledge form", "skipped": "no live pledge form page"}]
    client = Client(REMOTE_ADDR="198.51.100.7")
    rows = []
    slugs = step_slugs(client, page)
    for slug in [*slugs, "check"]:
        if slug == "agency":
            url = page.url
        elif slug == "check":
            url = f"{page.url}check/"
        else:
            url = f"{page.url}step/{slug}/"
        row = measure_page(client, url, repeat, ceiling_ms, changes=False)
        row["step"] = slug
        rows.append(row)
        if slug == "check":
            queries, response, _ = _queries(client, "post", url, {"action": "send"})
            rows.append(
                {
                    "path": url,
                    "step": "send (POST)",
                    "status": response.status_code,
                    "queries": queries,
                }
            )
        else:
            queries, response, _ = _queries(
                client, "post", f"{page.url}step/{slug}/", step_answers(page, slug)
            )
            rows.append(
                {
                    "path": url,
                    "step": f"{slug} (POST)",
                    "status": response.status_code,
                    "queries": queries,
                }
            )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--no-steps", action="store_true")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args(argv)
    settings.ALLOWED_HOSTS = ["*"]
    client = Client()
    ceiling = measure_page(client, CEILING, args.repeat * 2, changes=False)
    ceiling_ms = ceiling["cpu_ms"]
    ceiling["multiple"] = 1.0
    print(json.dumps(ceiling), flush=True)
    for path in args.paths:
        print(
            json.dumps(measure_page(client, path, args.repeat, ceiling_ms)), flush=True
        )
    if not args.no_steps:
        with override_settings(PLEDGE_FORMS_MIN_FILL_SECONDS=0):
            for row in measure_steps(args.repeat, ceiling_ms):
                print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
