"""Fill the benchmark database: demo site, members, resources, news, submissions.

Run by ``bench.run`` in the stack's environment (``python -m bench.generate --members 5000 ...``).
Uses what exists (management commands, the test factories) and reports what is missing instead of
failing: the report is printed as JSON on the last line of the output.
"""

import argparse
import importlib
import json
import sys
import time
import traceback


def _import(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _first_live(label: str):
    from django.apps import apps

    return apps.get_model(label).objects.live().order_by("path").first()


def make_pages(factory_path, index_label, count, report, key, focus_area_label=None):
    from django.apps import apps

    try:
        factory = _import(factory_path)
        model = factory._meta.model
    except (ImportError, AttributeError, LookupError) as exc:
        report["missing"].append(f"{key}: factory {factory_path} not available ({exc})")
        return
    try:
        index = _first_live(index_label)
    except LookupError as exc:
        report["missing"].append(f"{key}: model {index_label} not installed ({exc})")
        return
    if index is None:
        report["missing"].append(f"{key}: no live {index_label} to put them under")
        return
    focus_areas = []
    if focus_area_label:
        try:
            focus_areas = list(apps.get_model(focus_area_label).objects.live())
        except LookupError:
            focus_areas = []
    existing = model.objects.child_of(index).count()
    started = time.perf_counter()
    for n in range(existing, count):
        kwargs = {"parent": index}
        if focus_areas:
            kwargs["focus_areas"] = [focus_areas[n % len(focus_areas)]]
        factory(**kwargs)
    report["generated"][key] = {
        "count": model.objects.child_of(index).count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def make_submissions(count, report):
    try:
        from pledge_forms.testing.factories import PledgeSubmissionFactory, pledge_data
    except ImportError as exc:
        report["missing"].append(f"submissions: factories not available ({exc})")
        return
    from django.apps import apps

    model = PledgeSubmissionFactory._meta.model
    page = (
        apps.get_model("pledge_forms", "PledgeFormPage")
        .objects.order_by("path")
        .first()
    )
    if page is None:
        report["missing"].append("submissions: no pledge form page")
        return
    started = time.perf_counter()
    template = json.loads(json.dumps(pledge_data(page.checklist), default=str))
    existing = model.objects.count()
    batch = []
    for n in range(existing, count):
        data = {**template, "legal_name": f"Bench Agency {n} Police Department"}
        batch.append(PledgeSubmissionFactory.build(page=page, form_data=data))
        if len(batch) == 2000:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)
    report["generated"]["submissions"] = {
        "count": model.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--news", type=int, default=200)
    parser.add_argument("--submissions", type=int, default=0)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.management import call_command, get_commands

    from bench import targets

    report = {"generated": {}, "missing": [], "errors": []}
    commands = get_commands()

    def step(name, func):
        try:
            func()
        except Exception as exc:  # report and carry on: the bench measures what exists
            traceback.print_exc()
            report["errors"].append(f"{name}: {type(exc).__name__}: {exc}")

    if "load_demo_content" in commands:
        step("demo content", lambda: call_command("load_demo_content", verbosity=0))
    else:
        report["missing"].append("load_demo_content command")

    if targets.GENERATE_MEMBERS_COMMAND in commands:

        def members():
            started = time.perf_counter()
            call_command(targets.GENERATE_MEMBERS_COMMAND, count=args.members)
            report["generated"]["members"] = {
                "count": args.members,
                "seconds": round(time.perf_counter() - started, 1),
            }

        step("members", members)
    else:
        report["missing"].append(
            f"members: no `{targets.GENERATE_MEMBERS_COMMAND}` command yet"
        )

    step(
        "resources",
        lambda: make_pages(
            targets.RESOURCE_FACTORY,
            targets.RESOURCE_INDEX_MODEL,
            args.resources,
            report,
            "resources",
            targets.FOCUS_AREA_MODEL,
        ),
    )
    step(
        "news",
        lambda: make_pages(
            targets.NEWS_FACTORY, targets.NEWS_INDEX_MODEL, args.news, report, "news"
        ),
    )
    if args.submissions:
        step("submissions", lambda: make_submissions(args.submissions, report))

    sys.stdout.write("\nBENCH-REPORT " + json.dumps(report) + "\n")


if __name__ == "__main__":
    main()
