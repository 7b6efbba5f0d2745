"""Median time of one pledge POST through Django's test client, on the embedded default.

    .venv/bin/python -m bench.pledge_post_median [--posts 50] [--settings cms.settings.test]

A throwaway SQLite database in a temporary directory (the embedded default: SQLite, local
memory cache, e-mail sent after commit to the local-memory backend) is migrated, a checklist
and the pledge form page are created, then ``--posts`` distinct valid pledges are posted one
after another (each from its own client address, so the rate limit is checked but never hit).
Prints one JSON line: median / p90 milliseconds and SQL queries per POST, and the GET median.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--settings", default="cms.settings.test")
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
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from wagtail.models import Site

    setup_test_environment()  # ALLOWED_HOSTS for the test client, locmem e-mail
    call_command("migrate", verbosity=0, interactive=False)

    from pledge_forms.forms import STARTED_SALT
    from pledge_forms.models import Pledge
    from pledge_forms.testing.factories import PledgeFormPageFactory, make_checklist

    root = Site.objects.get(is_default_site=True).root_page
    page = PledgeFormPageFactory(parent=root, slug="pledge", checklist=make_checklist())
    url = page.url
    items = list(page.checklist_items())
    client = Client()

    get_times = []
    for _ in range(10):
        start = time.perf_counter()
        response = client.get(url)
        get_times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code

    post_times, post_queries = [], []
    for number in range(args.posts):
        data = {
            "legal_name": f"Bench Town {number} Police Department",
            "agency_type": "municipal",
            "country": "US",
            "region": "US-OR",
            "city": f"Bench Town {number}",
            "size_band": "51-100",
            "website": "https://bench.example",
            "chief_name": "Bench Example",
            "chief_title": "Chief of Police",
            "chief_email": f"chief{number}@bench.example",
            "chief_phone": "+1 555 0100",
            "committed_all_areas": "on",
            "signatory_name": "Bench Example",
            "signatory_title": "Chief of Police",
            "signed_on": "2026-11-02",
            "consent_listed": "on",
            "public_statement": "Benchmark pledge.",
            "started": signing.dumps(time.time() - 60, salt=STARTED_SALT),
            "fax_number": "",
        }
        for item in items:
            data[f"practice_{item.pk}"] = "in_progress"
            data[f"target_{item.pk}"] = "2027-06"
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post(
                url, data, REMOTE_ADDR=f"10.0.{number // 250}.{number % 250}"
            )
            post_times.append((time.perf_counter() - start) * 1000)
        post_queries.append(len(queries))
        assert response.status_code == 302, response.content[:2000]

    assert Pledge.objects.count() == args.posts
    post_times.sort()
    print(
        json.dumps(
            {
                "posts": args.posts,
                "post_median_ms": round(statistics.median(post_times), 1),
                "post_p90_ms": round(post_times[int(0.9 * (len(post_times) - 1))], 1),
                "post_queries_median": statistics.median(post_queries),
                "get_median_ms": round(statistics.median(get_times), 1),
                "settings": args.settings,
                "database": "sqlite (temporary file)",
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
