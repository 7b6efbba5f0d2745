"""Load the pledge form with POSTs: ``python -m bench.pledge_post BASE_URL --seconds 10``.

Why not wrk: every POST must carry the visitor's session and CSRF cookies and token, and the
form's hidden fields (fill-time token, empty honeypot) from a real GET, and every pledge is
a walk through the form's steps, each a POST, ending with "Send the pledge" (a different
agency each time: the same agency twice is a duplicate). Several threads each walk pledges,
on connections of their own, and it prints one JSON line: for the POST that sends the
pledge, requests/s, p50 and p99 (``steps``: the same for the step POSTs), and how many were
refused (any answer but the redirect to the next step).

The answers come from ``tests.pledge_forms.steps_walk`` (so the process needs the same
settings and database as the server); the server's settings (``bench.settings``) lift the
per-client limits and the minimum fill time, since every pledge comes from one address at
machine speed.
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
    from pledge_forms.models import PledgeFormPage
    from tests.pledge_forms.steps_walk import step_answers, step_slugs

    page = PledgeFormPage.objects.live().order_by("path").first()
    if page is None:
        print(json.dumps({"skipped": "no live pledge form page"}))
        return
    slugs = step_slugs(None, page)
    answers = {slug: form_fields(step_answers(page, slug)) for slug in slugs}
    origin = args.base_url.rstrip("/")
    first = request(args.base_url, args.path)
    if first.status != 200:
        print(json.dumps({"skipped": f"{args.path} answers {first.status}"}))
        return

    sends, steps, statuses = [], [], {}
    refused = {"send": 0, "steps": 0}
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.monotonic() + args.seconds

    def post(path, fields, cookies):
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": origin + path,
            "Origin": origin,
        }
        body = urllib.parse.urlencode(fields)
        started = time.perf_counter()
        answer = request(args.base_url, path, "POST", body, headers)
        elapsed = time.perf_counter() - started
        cookies.update(answer.cookies)
        return answer, elapsed

    def walk(n):
        form = request(args.base_url, args.path)
        cookies = dict(form.cookies)
        hidden = hidden_inputs(form.text)
        token = {"csrfmiddlewaretoken": hidden.get("csrfmiddlewaretoken", "")}
        for slug in slugs:
            fields = {**answers[slug], **(hidden if slug == "agency" else token)}
            if slug == "agency":
                fields["legal_name"] = f"Loadtown {n} Police Department"
            elif slug == "location":
                fields["city"] = f"Loadtown {n}"
            elif slug == "contacts":
                fields["chief_email"] = f"chief{n}@loadtown.example"
            # The first step is shown at the form's address and posted to its route.
            path = f"{args.path}step/{slug}/"
            answer, elapsed = post(path, fields, cookies)
            with lock:
                steps.append(elapsed)
                refused["steps"] += answer.status != 303
            if answer.status != 303:
                return
        answer, elapsed = post(
            f"{args.path}check/", {**token, "action": "send"}, cookies
        )
        with lock:
            sends.append(elapsed)
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
            refused["send"] += answer.status != 303

    def worker():
        while time.monotonic() < deadline:
            with lock:
                n = next(counter)
            walk(n)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started

    def figures(latencies):
        return {
            "requests": len(latencies),
            "rps": round(len(latencies) / wall, 1),
            "p50_ms": round(percentile(latencies, 0.5) * 1000, 2)
            if latencies
            else None,
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 2)
            if latencies
            else None,
            "mean_ms": round(statistics.mean(latencies) * 1000, 2)
            if latencies
            else None,
        }

    result = {
        **figures(sends),
        "steps": figures(steps),
        "statuses": statuses,
        "refused": refused["send"],
        "refused_steps": refused["steps"],
        "concurrency": args.concurrency,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
