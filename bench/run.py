"""`make bench`: load the site on generated data, on both stacks, against a ceiling.

    python -m bench.run [--stacks embedded,postgres] [--seconds 8] [--connections 16] ...

For each stack (the embedded default: SQLite + on-disk page cache; the production stack:
PostgreSQL + Redis) it builds a throwaway database, generates data (bench.generate), starts
gunicorn with production settings (bench/settings.py) twice, page cache on and off, loads every
target of bench/targets.py with wrk, posts pledges with bench.pledge_post, measures the peak memory
of exports (bench.memory), prints the table and writes bench/results/<stack>-<timestamp>.json.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench import targets
from bench.inprocess import cpu_rows
from bench.resolve import resolve
from bench.scale import measure_scale, scale_table
from bench.web import request

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/0")


def log(message):
    print(f"[bench] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("wrk is missing: installing Debian's package (apt-get install -y wrk)")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk could not be installed: run `apt-get install wrk` and try again")
    return path


# --- Stacks -------------------------------------------------------------------------------


class Stack:
    def __init__(self, name, run_id, workdir):
        self.name = name
        self.run_id = run_id
        self.workdir = workdir
        self.db_name = f"tbc_bench_{run_id}"
        self.cache_prefix = f"tbc-bench-{run_id}"

    @property
    def label(self):
        return {
            "embedded": "embedded default (SQLite, page cache on local disk)",
            "postgres": "PostgreSQL + Redis",
        }[self.name]

    def env(self, page_cache_seconds=300):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            SECRET_KEY=self.secret_key,
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            SECURE_HSTS_SECONDS="0",
            ALLOWED_HOSTS="127.0.0.1",
            BENCH_CEILING="1",
            VAR_DIR=str(self.workdir),
            STATIC_ROOT=str(self.workdir.parent / "static"),
            PAGE_CACHE_SECONDS=str(page_cache_seconds),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            DATABASE_CONN_MAX_AGE="600",
            LOG_LEVEL="ERROR",
            PYTHONPATH=str(ROOT),
        )
        if self.name == "postgres":
            env["DATABASE_URL"] = f"{PG_URL}/{self.db_name}"
            env["REDIS_URL"] = REDIS_URL
            env["CACHE_KEY_PREFIX"] = self.cache_prefix
        return env

    secret_key = secrets.token_urlsafe(64)

    def create(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.name == "postgres":
            import redis

            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
            self._psql(f"CREATE DATABASE {self.db_name}")

    def destroy(self, keep=False):
        if self.name == "postgres":
            if not keep:
                self._psql(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
            try:
                import redis

                client = redis.Redis.from_url(REDIS_URL)
                for key in client.scan_iter(match=f"{self.cache_prefix}:*"):
                    client.delete(key)
            except Exception as exc:  # cleanup only
                log(f"could not clean Redis keys: {exc}")
        if not keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def _psql(self, sql):
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(sql)


def manage(env, *args, check=True, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=check,
        text=True,
        capture_output=capture,
    )


def prepare(stack, args):
    env = stack.env()
    log(f"{stack.name}: migrate")
    manage(env, "migrate", "--noinput", "-v0")
    static = stack.workdir.parent / "static"
    if not (static / "staticfiles.json").exists() and not any(static.glob("*")):
        log("collectstatic")
        manage(env, "collectstatic", "--noinput", "-v0")
    log(
        f"{stack.name}: generate data ({args.members} members, {args.resources} resources, "
        f"{args.news} news, {args.submissions} submissions)"
    )
    completed = subprocess.run(
        [
            PYTHON,
            "-m",
            "bench.generate",
            f"--members={args.members}",
            f"--resources={args.resources}",
            f"--news={args.news}",
            f"--submissions={args.submissions}",
        ],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
    )
    report = {"missing": [], "errors": [], "generated": {}}
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH-REPORT "):
            report = json.loads(line.split(" ", 1)[1])
    if completed.returncode:
        report["errors"].append(f"bench.generate exited {completed.returncode}")
        sys.stderr.write(completed.stderr[-3000:])
    elif report["errors"]:
        sys.stderr.write(completed.stderr[-3000:])
    for key, value in report["generated"].items():
        log(f"  generated {key}: {value}")
    for item in report["missing"] + report["errors"]:
        log(f"  MISSING/ERROR {item}")
    return report


class Server:
    def __init__(self, env, workers):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "cms.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            try:
                if request(self.url, "/healthz/", timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz/ within 60 s")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- Measurements -------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text):
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 3)


def run_wrk(wrk, url, seconds, connections, threads):
    completed = subprocess.run(
        [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    out = completed.stdout
    result = {"rps": None, "p50_ms": None, "p99_ms": None}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rps:
        result["rps"] = float(rps.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        found = re.search(rf"^\s+{pct}%\s+([\d.]+\w+)", out, re.M)
        if found:
            result[key] = _ms(found.group(1))
    requests = re.search(r"(\d+) requests in", out)
    result["requests"] = int(requests.group(1)) if requests else 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: (.*)", out)
    if errors:
        result["socket_errors"] = errors.group(1)
    if completed.returncode:
        result["error"] = completed.stderr.strip()[-300:]
    return result


def sequential(base_url, path, count=3):
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        request(base_url, path, timeout=300)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "rps": round(1000 / (sum(timings) / len(timings)), 2),
        "p50_ms": round(timings[len(timings) // 2], 1),
        "p99_ms": round(timings[-1], 1),
        "requests": count,
        "non_2xx": 0,
        "method": f"{count} sequential requests (wrk finished none)",
    }


def measure_pages(server, wrk, args, cached):
    results = {}
    for page in targets.PAGES:
        if args.only and page.name not in args.only:
            continue
        path, reason = resolve(server.url, page)
        if path is None:
            log(f"  skip {page.name}: {reason}")
            results[page.name] = {"skipped": reason}
            continue
        warm = request(server.url, path)  # fills the page cache
        header = request(server.url, path).headers.get("x-page-cache", "-")
        figures = run_wrk(wrk, server.url + path, args.seconds, args.connections, 1)
        if not figures.get("requests"):
            # Slower than the run itself (a large export): time a few requests one by one.
            figures = sequential(server.url, path)
        figures.update(path=path, page_cache=header, bytes=len(warm.body))
        results[page.name] = figures
        log(
            f"  {page.name:<11} {figures['rps'] or 0:>9.1f} req/s  p50 {figures['p50_ms']} ms"
            f"  p99 {figures['p99_ms']} ms  cache={header}  {path}"
        )
    # The machine may be busy with other work: measure the ceiling again at the end and
    # compare the pages with the mean of both.
    ceiling = results.get("ceiling")
    if ceiling and ceiling.get("rps"):
        again = run_wrk(
            wrk, server.url + ceiling["path"], args.seconds, args.connections, 1
        )
        if again.get("rps"):
            ceiling["rps_start"], ceiling["rps_end"] = ceiling["rps"], again["rps"]
            ceiling["rps"] = round((ceiling["rps_start"] + again["rps"]) / 2, 1)
            log(
                f"  ceiling again {again['rps']:.1f} req/s; mean {ceiling['rps']:.1f} req/s"
            )
    return results


def measure_post(server, env, args):
    completed = subprocess.run(
        [
            PYTHON,
            "-m",
            "bench.pledge_post",
            server.url,
            "--path",
            targets.PLEDGE_FORM,
            "--seconds",
            str(args.seconds),
            "--concurrency",
            str(min(args.connections, 8)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode or not lines:
        return {
            "skipped": "pledge POST loop failed: " + completed.stderr.strip()[-400:]
        }
    return json.loads(lines[-1])


def measure_cpu(env, pages, args):
    """In-process CPU per request of every public page type and pledge step (bench/cpu.py),
    page cache off, with the paths found on the running server."""
    paths = []
    for name in targets.CPU_PATHS:
        if name.startswith("/"):
            paths.append(name)
            continue
        path = ((pages.get(name) or {}).get("uncached") or {}).get("path")
        if path:
            paths.append(path)
    return cpu_rows(env, paths, args.cpu_repeat)


def cpu_table(cpu) -> list[str]:
    if not cpu:
        return []
    if cpu.get("skipped"):
        return ["", f"CPU per request: skipped: {cpu['skipped']}"]
    rows = cpu["rows"]
    lines = [
        "",
        "CPU per request, in-process, page cache off (multiple of the minimal view; "
        f"the minimal view: {rows[0]['cpu_ms']} ms):",
        f"  {'page':<52} {'status':>6} {'KB':>6} {'SQL':>4} {'ms':>7} {'x':>6}"
        f" {'x after a member change':>24} {'x after a page publish':>23}",
    ]
    for row in rows:
        name = row.get("step") and f"pledge: {row['step']}" or row["path"]
        if "cpu_ms" not in row:
            lines.append(
                f"  {name[:52]:<52} {row.get('status', '-'):>6} {'':>6} {row.get('queries', '-'):>4}"
            )
            continue
        lines.append(
            f"  {name[:52]:<52} {row['status']:>6} {row['bytes'] / 1024:>6.1f} {row['queries']:>4}"
            f" {row['cpu_ms']:>7.2f} {row['multiple']:>6.1f}"
            f" {_fmt(row.get('after_member'), '24.1f')} {_fmt(row.get('after_pages'), '23.1f')}"
        )
    pledge = [r["multiple"] for r in rows if r.get("step") and "multiple" in r]
    pages = [r["multiple"] for r in rows[1:] if not r.get("step") and "multiple" in r]
    lines.append(
        f"  Targets: pledge steps ≤ {targets.CPU_TARGET_PLEDGE}x (worst {max(pledge, default=0):.1f}x),"
        f" other pages ≤ {targets.CPU_TARGET_PAGES}x (worst {max(pages, default=0):.1f}x)."
    )
    return lines


def measure_memory(env):
    results = []
    for export in targets.EXPORTS:
        command = [PYTHON, "-m", "bench.memory", export["url"]]
        if export.get("admin"):
            command.append("--admin")
        completed = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True
        )
        lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
        if completed.returncode or not lines:
            last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
            results.append({"name": export["name"], "skipped": f"failed: {last[:200]}"})
            continue
        figures = json.loads(lines[-1])
        figures["name"] = export["name"]
        if figures["status"] != 200:
            figures["skipped"] = f"{export['url']} answers {figures['status']}"
        results.append(figures)
    return results


# --- Report -------------------------------------------------------------------------------


def _fmt(value, spec):
    return format(value, spec) if isinstance(value, int | float) else "-"


def table(result) -> str:
    lines = []
    pages = result["pages"]
    ceiling = {
        variant: (pages.get("ceiling", {}).get(variant) or {}).get("rps")
        for variant in ("cached", "uncached")
    }
    header = (
        f"{'page':<28} {'cached req/s':>12} {'p50':>7} {'p99':>7} {'ratio':>6}"
        f" | {'uncached req/s':>14} {'p50':>7} {'p99':>7} {'ratio':>6}"
    )
    lines += [f"Stack: {result['stack_label']}", header, "-" * len(header)]
    for page in targets.PAGES:
        row = pages.get(page.name)
        if row is None:
            continue
        if row.get("skipped"):
            lines.append(f"{page.label:<28} skipped: {row['skipped']}")
            continue
        cells = []
        for variant in ("cached", "uncached"):
            fig = row.get(variant) or {}
            if fig.get("skipped"):
                cells.append(f"{'skipped':>34}")
                continue
            ratio = (
                fig["rps"] / ceiling[variant]
                if fig.get("rps") and ceiling.get(variant)
                else None
            )
            flag = "!" if fig.get("non_2xx") else " "
            cells.append(
                f"{_fmt(fig.get('rps'), '12.1f')}{flag}{_fmt(fig.get('p50_ms'), '7.1f')}"
                f" {_fmt(fig.get('p99_ms'), '7.1f')} {_fmt(ratio, '6.0%')}"
            )
        lines.append(f"{page.label:<28}{cells[0]}  | {cells[1]}")
    post = result.get("pledge_post") or {}
    if post.get("skipped"):
        lines.append(f"{'pledge form POST':<28} skipped: {post['skipped']}")
    elif post:
        get_p99 = ((pages.get("pledge_get") or {}).get("uncached") or {}).get("p99_ms")
        ratio = post["p99_ms"] / get_p99 if get_p99 and post.get("p99_ms") else None
        lines.append(
            f"{'pledge form POST':<28} {_fmt(post['rps'], '12.1f')}  {_fmt(post['p50_ms'], '7.1f')}"
            f" {_fmt(post['p99_ms'], '7.1f')}  (p99 {_fmt(ratio, '.1f')}x GET p99;"
            f" {post['requests']} posts, {post['refused']} refused, statuses {post['statuses']})"
        )
        steps = post.get("steps") or {}
        if steps:
            lines.append(
                f"{'pledge step POSTs':<28} {_fmt(steps.get('rps'), '12.1f')}  {_fmt(steps.get('p50_ms'), '7.1f')}"
                f" {_fmt(steps.get('p99_ms'), '7.1f')}  ({steps.get('requests')} posts,"
                f" {post.get('refused_steps')} refused)"
            )
    lines.append("")
    lines.append(
        "Peak memory (fresh process, Django loaded → after the export; "
        f"{result.get('memory_members', 0):,} members):"
    )
    for mem in result.get("memory", []):
        if mem.get("skipped"):
            lines.append(f"  {mem['name']:<30} skipped: {mem['skipped']}")
        else:
            lines.append(
                f"  {mem['name']:<30} {mem['rss_before_mb']} MB → {mem['peak_rss_mb']} MB"
                f" ({mem['lines']} lines, {mem['bytes'] // 1024} KB, streaming={mem['streaming']},"
                f" {mem['seconds']} s)"
            )
    if result["data"]["missing"] or result["data"]["errors"]:
        lines.append("")
        lines.append("Data not generated:")
        for item in result["data"]["missing"] + result["data"]["errors"]:
            lines.append(f"  - {item}")
    lines += cpu_table(result.get("cpu"))
    lines += scale_table(result.get("scale"))
    lines.append("")
    lines.append("Ratio = page req/s / ceiling req/s of the same variant.")
    lines.append(
        "Targets: cached ≥ 70%, uncached ≥ 5% (showcase ≥ 3%), POST p99 < 3× GET p99, "
        f"export peak < {targets.MEMORY_TARGET_MB} MB."
    )
    return "\n".join(lines)


def run_stack(name, args, wrk, run_id):
    stack = Stack(name, run_id, ROOT / "var" / "bench" / f"{name}-{run_id}")
    result = {
        "stack": name,
        "stack_label": stack.label,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "config": {
            "workers": args.workers,
            "connections": args.connections,
            "seconds": args.seconds,
            "cpus": os.cpu_count(),
            "members": args.members,
            "resources": args.resources,
            "news": args.news,
            "submissions": args.submissions,
        },
        "pages": {},
    }
    stack.create()
    try:
        result["data"] = prepare(stack, args)
        for variant, seconds in (("cached", 300), ("uncached", 0)):
            log(f"{name}: gunicorn, {args.workers} workers, page cache {variant}")
            env = stack.env(page_cache_seconds=seconds)
            server = Server(env, args.workers)
            try:
                for page_name, figures in measure_pages(
                    server, wrk, args, variant == "cached"
                ).items():
                    result["pages"].setdefault(page_name, {})[variant] = figures
                    if figures.get("skipped"):
                        result["pages"][page_name]["skipped"] = figures["skipped"]
                if variant == "uncached" and not args.only:
                    log(f"{name}: pledge POST loop")
                    result["pledge_post"] = measure_post(server, env, args)
                    log(f"{name}: CPU per request, in-process")
                    result["cpu"] = measure_cpu(env, result["pages"], args)
            finally:
                server.stop()
        if args.scale_members > args.members and result.get("cpu"):
            log(f"{name}: {args.scale_members} members, CPU per request again")
            result["scale"] = measure_scale(
                stack.env(page_cache_seconds=0),
                ROOT,
                result["cpu"],
                args.members,
                args.scale_members,
                args.cpu_repeat,
            )
        # After the scale step, if any: the open data files with every member generated.
        if not args.skip_memory:
            log(f"{name}: export memory")
            result["memory"] = measure_memory(stack.env(page_cache_seconds=0))
            scaled = result.get("scale") and not result["scale"].get("skipped")
            result["memory_members"] = args.scale_members if scaled else args.members
    finally:
        stack.destroy(keep=args.keep)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stacks", default="embedded,postgres")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--members", type=int, default=targets.MEMBERS)
    parser.add_argument("--resources", type=int, default=targets.RESOURCES)
    parser.add_argument("--news", type=int, default=targets.NEWS_POSTS)
    parser.add_argument(
        "--submissions", type=int, default=targets.SUBMISSIONS_FOR_EXPORT
    )
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument(
        "--cpu-repeat", type=int, default=40, help="requests per page, in-process"
    )
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--scale-members",
        type=int,
        default=targets.SCALE_MEMBERS,
        help="members to grow to after the CPU measurement, measured again (0: no)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases and var/bench"
    )
    args = parser.parse_args(argv)
    args.only = {name for name in args.only.split(",") if name}
    if args.only:
        args.only.add("ceiling")
    wrk = ensure_wrk()
    RESULTS.mkdir(parents=True, exist_ok=True)
    run_id = f"{time.strftime('%Y%m%d%H%M%S')}_{uuid.uuid4().hex[:6]}"
    outputs = []
    for name in [s.strip() for s in args.stacks.split(",") if s.strip()]:
        try:
            result = run_stack(name, args, wrk, run_id)
        except (
            Exception
        ) as exc:  # e.g. PostgreSQL or Redis not running: go on with the next
            log(f"{name}: not measured: {type(exc).__name__}: {exc}")
            continue
        path = RESULTS / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        outputs.append((result, path))
    for result, path in outputs:
        print()
        print(table(result))
        print(f"Figures: {path.relative_to(ROOT)}")
    if len(outputs) == 2:
        print(
            f"\nCompare two runs: python -m bench.compare {outputs[0][1].relative_to(ROOT)} "
            f"{outputs[1][1].relative_to(ROOT)}"
        )


if __name__ == "__main__":
    main()
