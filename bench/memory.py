"""Peak memory of one export: ``python -m bench.memory URL [--admin]``.

Runs in a fresh process with the server's settings and database, fetches the URL through Django's
test client (as a superuser with ``--admin``), reads the whole body chunk by chunk, and prints one
JSON line with the process's peak RSS before the request (Django loaded) and after it.

An admin export larger than ``PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS`` is written by the worker in
production; here it is written in the request (the limit lifted), through the same writer, so
its memory is measured in this process. The superuser it signs in as has no second factor
(``STAFF_2FA_REQUIRED`` off in this process only).
"""

import argparse
import json
import resource
import sys
import time


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--admin", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.PLEDGE_FORMS_EXPORT_BACKGROUND_ROWS = 10**9
    # The export is what is measured, not signing in: no second factor for this one user.
    settings.STAFF_2FA_REQUIRED = False

    client = Client(HTTP_HOST="127.0.0.1", headers={"X-Forwarded-Proto": "https"})
    if args.admin:
        user, _ = get_user_model().objects.get_or_create(
            username="bench-export",
            defaults={"is_superuser": True, "is_staff": True, "is_active": True},
        )
        client.force_login(user)
    before = peak_rss_mb()
    started = time.perf_counter()
    response = client.get(args.url, secure=True)
    size = rows = 0
    body = response.streaming_content if response.streaming else [response.content]
    for chunk in body:
        size += len(chunk)
        rows += chunk.count(b"\n")
    result = {
        "status": response.status_code,
        "content_type": response.get("Content-Type", ""),
        "streaming": response.streaming,
        "bytes": size,
        "lines": rows,
        "seconds": round(time.perf_counter() - started, 2),
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
