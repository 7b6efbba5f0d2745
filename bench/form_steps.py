"""The pledge form's steps: HTML size, element count and SQL queries of each GET and POST.

``python -m bench.form_steps`` builds a throwaway test database with the demo content,
walks through every step as a visitor would (Django's test client, the test settings)
and prints one row per step. Figures are counts, not times: they do not depend on the
machine. Tasks wait for a worker, as in production (the database task backend): the
last row's POST is what the request itself runs, not the storing of the pledge.
"""

import os
import re
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)

from pledge_forms import services  # noqa: E402
from pledge_forms.models import Pledge, PledgeFormPage  # noqa: E402
from tests.pledge_forms.steps_walk import step_answers, step_slugs  # noqa: E402

ELEMENT = re.compile(r"<[a-zA-Z][^>]*>")


def measure(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    return response, len(queries)


def walk_steps(client, page, prefix: str) -> list[tuple]:
    """GET then POST each step (every practice in place), then the last page."""
    rows = []
    for slug in [*step_slugs(client, page), "check"]:
        if slug == "agency" and not prefix:
            url = page.url
        else:
            url = f"{page.url}{prefix}step/{slug}/"
        if slug == "check":
            url = f"{page.url}{prefix}check/"
        response, get_queries = measure(client, "get", url)
        if slug == "check":
            data = {"action": "send"}
            post_url = url
        else:
            data = step_answers(page, slug)
            post_url = f"{page.url}{prefix}step/{slug}/"
        posted, post_queries = measure(client, "post", post_url, data)
        elements = len(ELEMENT.findall(response.content.decode()))
        rows.append(
            (
                slug,
                len(response.content),
                elements,
                get_queries,
                post_queries,
                posted.status_code,
            )
        )
    return rows


def report(rows) -> None:
    print(
        f"{'step':44} {'HTML bytes':>10} {'elements':>9} {'GET SQL':>8} "
        f"{'POST SQL':>9} {'POST':>5}"
    )
    for slug, size, elements, get_q, post_q, status in rows:
        print(
            f"{slug:44} {size:>10,} {elements:>9,} {get_q:>8} {post_q:>9} {status:>5}"
        )


def main() -> int:
    setup_test_environment()
    from django.test.runner import DiscoverRunner

    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        call_command("load_demo_content", verbosity=0)
        page = PledgeFormPage.objects.live().first()
        deferred = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with override_settings(PLEDGE_FORMS_MIN_FILL_SECONDS=0, TASKS=deferred):
            print("A new pledge")
            report(walk_steps(Client(), page, ""))
            member = Pledge.objects.filter(live=True, form_page=page).first()
            client = Client()
            client.get(f"{page.url}update/{services.make_update_token(member)}/")
            client.get(f"{page.url}update/")
            print(f"\nAn update of the pledge of {member.legal_name}")
            report(walk_steps(client, page, "update/"))
    finally:
        runner.teardown_databases(old)
    return 0


if __name__ == "__main__":
    sys.exit(main())
