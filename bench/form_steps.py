"""The pledge form's steps: HTML size, element count and SQL queries of each GET and POST.

``python -m bench.form_steps`` builds a throwaway test database with the demo content,
walks through every step as a visitor would (Django's test client, the test settings)
and prints one row per step. Figures are counts, not times: they do not depend on the
machine.
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

from pledge_forms.models import PledgeFormPage  # noqa: E402
from tests.pledge_forms.steps_walk import step_answers, step_slugs  # noqa: E402

ELEMENT = re.compile(r"<[a-zA-Z][^>]*>")


def measure(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    return response, len(queries)


def main() -> int:
    setup_test_environment()
    from django.test.runner import DiscoverRunner

    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        call_command("load_demo_content", verbosity=0)
        page = PledgeFormPage.objects.live().first()
        client = Client()
        rows = []
        with override_settings(PLEDGE_FORMS_MIN_FILL_SECONDS=0):
            slugs = step_slugs(client, page)
            for slug in [*slugs, "check"]:
                url = page.url if slug == "agency" else f"{page.url}step/{slug}/"
                response, get_queries = measure(client, "get", url)
                html = response.content.decode()
                if slug == "check":
                    posted, post_queries = measure(
                        client, "post", f"{page.url}check/", {"action": "send"}
                    )
                else:
                    data = step_answers(page, slug)
                    posted, post_queries = measure(
                        client, "post", f"{page.url}step/{slug}/", data
                    )
                rows.append(
                    (
                        slug,
                        len(response.content),
                        len(ELEMENT.findall(html)),
                        get_queries,
                        post_queries,
                        posted.status_code,
                    )
                )
        print(
            f"{'step':40} {'HTML bytes':>10} {'elements':>9} {'GET SQL':>8} "
            f"{'POST SQL':>9} {'POST':>5}"
        )
        for slug, size, elements, get_q, post_q, status in rows:
            print(
                f"{slug:40} {size:>10,} {elements:>9,} {get_q:>8} {post_q:>9} "
                f"{status:>5}"
            )
    finally:
        runner.teardown_databases(old)
    return 0


if __name__ == "__main__":
    sys.exit(main())
