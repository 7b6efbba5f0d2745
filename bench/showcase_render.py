"""Time to render the member showcase with many members, through Django's test client.

Uses the embedded default (SQLite file, local-memory cache, page cache off) on a throwaway
database under ``var/bench/``: migrate, demo content, the showcase page, then
``generate_members --count N``. Prints, per URL, the SQL queries and the median and
90th-percentile time of a full render (no HTTP server, so the figure is Django's own work).

    .venv/bin/python -m bench.showcase_render                 # 5,000 members, 20 renders
    .venv/bin/python -m bench.showcase_render --members 1000 --repeat 10
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _configure(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DEBUG"] = "0"
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _prepare(members: int) -> None:
    from django.core.management import call_command
    from wagtail.models import Site

    from pledge_forms.models import Pledge
    from pledge_forms.showcase.demo import ensure_showcase_page

    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    ensure_showcase_page(Site.objects.get(is_default_site=True).root_page)
    # Like bench/generate.py: ``generate_members --count N`` once (``--keep`` reuses it).
    if Pledge.objects.count() < members:
        started = time.perf_counter()
        call_command("generate_members", count=members, seed=1, verbosity=0)
        print(
            f"generate_members --count {members}: {time.perf_counter() - started:.1f} s"
        )


def _measure(client, url: str, repeat: int) -> tuple[int, int, float, float]:
    from django.db import connection

    def render():
        response = client.get(url)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        return response

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = render()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        render()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p90 = timings[max(0, round(0.9 * len(timings)) - 1)]
    return response.status_code, len(queries), statistics.median(timings), p90


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--database", default=str(ROOT / "var" / "bench" / "showcase_render.sqlite3")
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse an existing database"
    )
    args = parser.parse_args(argv)

    database = Path(args.database)
    database.parent.mkdir(parents=True, exist_ok=True)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    _configure(database)
    _prepare(args.members)

    from django.test import Client

    from pledge_forms.models import Pledge

    listed = Pledge.objects.filter(live=True, consent_listed=True)
    slug = listed.order_by("pk").values_list("slug", flat=True).first()
    urls = [
        "/members/",
        "/members/?country=US&sort=newest&page=2",
        f"/members/{slug}/",
        f"/members/{slug}/badge.svg",
        "/members/map/",
        "/members/statistics/",
        "/members/data.csv",
    ]
    client = Client()
    client.get("/members/")  # first request: site settings, template loading
    print(
        f"{Pledge.objects.filter(live=True).count()} published members "
        f"({listed.count()} listed), {args.repeat} renders each, SQLite, page cache off"
    )
    print(f"{'url':45} {'status':>6} {'queries':>7} {'median ms':>10} {'p90 ms':>8}")
    for url in urls:
        status, queries, median, p90 = _measure(client, url, args.repeat)
        print(f"{url[:45]:45} {status:>6} {queries:>7} {median:>10.1f} {p90:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
