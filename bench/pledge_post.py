"""Load the pledge form with POSTs: ``python -m bench.pledge_post BASE_URL --seconds 10``.

Why not wrk: every POST must carry the CSRF cookie and token, the form's hidden fields (fill-time
token, empty honeypot) read from a real GET, and a different agency each time (the same agency
twice is a duplicate, handled differently). This loop fetches the form once, waits the minimum
fill time, then posts distinct pledges from several threads, each on its own connection, and
prints one JSON line: requests/s, p50, p99, and how many were accepted.

The field values come from the test factories' ``pledge_data`` (so the process needs the same
settings and database as the server); a pledge is counted as accepted when the answer is a
redirect or a page without a field error.
"""

import argparse
import datetime
import json
import statistics
import sys
import threading
import time
import urllib.parse

from bench.web import hidden_inputs, request


def form_fields(data: dict) -> dict:
    fields = {}
    for key, value in data.items():
        if value is True:
            fields[key] = "on"
        elif value is False or value is None:
            continue
        elif isinstance(value, datetime.date):
            fields[key] = value.isoformat()
        else:
            fields[key] = str(value)
    return fields


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--path", default="/pledge/")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings

    from pledge_forms.testing.factories import pledge_data

    page_model = __import__("pledge_forms.models", fromlist=["PledgeFormPage"])
    page = page_model.PledgeFormPage.objects.live().first()
    if page is None:
        print(json.dumps({"skipped": "no live pledge form page"}))
        return
    template = form_fields(pledge_data(page.checklist))

    form = request(args.base_url, args.path)
    if form.status != 200:
        print(json.dumps({"skipped": f"{args.path} answers {form.status}"}))
        return
    hidden = hidden_inputs(form.text)
    cookie = "; ".join(f"{k}={v}" for k, v in form.cookies.items())
    min_fill = getattr(settings, "PLEDGE_FORMS_MIN_FILL_SECONDS", 5)
    time.sleep(min_fill + 0.5)

    latencies, statuses, rejected = [], {}, 0
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.monotonic() + args.seconds
    origin = args.base_url.rstrip("/")

    def worker():
        nonlocal rejected
        while time.monotonic() < deadline:
            with lock:
                n = next(counter)
            fields = {
                **template,
                **hidden,
                "legal_name": f"Loadtown {n} Police Department",
                "city": f"Loadtown {n}",
                "chief_email": f"chief{n}@loadtown.example",
            }
            body = urllib.parse.urlencode(fields)
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": origin + args.path,
                "Origin": origin,
            }
            started = time.perf_counter()
            answer = request(args.base_url, args.path, "POST", body, headers)
            elapsed = time.perf_counter() - started
            refused = answer.status >= 400 or (
                answer.status == 200
                and ('aria-invalid="true"' in answer.text or "errorlist" in answer.text)
            )
            with lock:
                latencies.append(elapsed)
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
                rejected += refused

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    result = {
        "requests": len(latencies),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2) if latencies else None,
        "mean_ms": round(statistics.mean(latencies) * 1000, 2) if latencies else None,
        "statuses": statuses,
        "refused": rejected,
        "concurrency": args.concurrency,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
