"""`make audit`: the production server measured page type by page type (docs/audit.md).

1. A throwaway site under ``var/audit/``: SQLite database, media, collected static files,
   the demo content; gunicorn with the production settings on ``127.0.0.1:<port>``, which
   is also its public address.
2. One URL of every public page type (``audit/pages.py``); the pledge form's later steps
   are reached by answering each step in the audit's own session, whose cookie the tools
   then send.
3. For each page: Lighthouse (mobile and desktop presets: the four category scores and the
   audits that fail), the Nu HTML checker on its HTML (errors and warnings), axe-core in
   Chromium at 375 and 1280 px wide (violations).
4. One table, the findings below it, the JSON reports in ``var/audit/``. Exits 1 when a
   target is missed (Lighthouse mobile: performance 95, the others 100; no checker error;
   no axe violation), unless ``AUDIT_STRICT=0``.

Environment: ``AUDIT_PAGES`` (comma-separated page types, default all), ``AUDIT_TOOLS``
(``lighthouse,vnu,axe``), ``AUDIT_PORT``, ``AUDIT_STRICT``, ``CHROME_PATH``
(``/usr/bin/chromium``).
"""

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
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "audit"
PYTHON = sys.executable
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp"}
# The "done when", for Lighthouse's mobile run.
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
WIDTHS = (375, 1280)
PRESETS = ("mobile", "desktop")


def log(message: str) -> None:
    print(f"[audit] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- The production server ---------------------------------------------------------------


def server_env(port: int) -> dict:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "AWS_", "PAGE_CACHE", "DJANGO_"))
        and key not in {"DEBUG", "SECRET_KEY", "PUBLIC_URL", "ALLOWED_HOSTS"}
    }
    origin = f"http://127.0.0.1:{port}"
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{OUT / 'db.sqlite3'}",
        "VAR_DIR": str(OUT / "var"),
        "MEDIA_ROOT": str(OUT / "media"),
        "STATIC_ROOT": str(OUT / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PUBLIC_URL": origin,
        "CSRF_TRUSTED_ORIGINS": origin,
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without Secure.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        # No worker beside the server: tasks (search index, mail) run in the request.
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict) -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "var").mkdir(parents=True)
    log("migrate, demo content, collectstatic (production settings)")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_content", "-v0")
    manage(env, "public_address")
    manage(env, "collectstatic", "--noinput", "-v0")


def start_server(env: dict, port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent))
    server_log = (OUT / "server.log").open("wb")
    process = subprocess.Popen(
        [
            gunicorn,
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz/", timeout=10).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise SystemExit(f"the server did not start: see {OUT / 'server.log'}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- The pages ---------------------------------------------------------------------------


def discover(env: dict, base: str) -> tuple[list[dict], requests.Session]:
    """The pages to audit, and the HTTP session that walked the pledge form."""
    os.environ.update(env)
    import django

    django.setup()
    from django.utils import timezone

    from audit.pages import pledge_steps, public_pages

    session = requests.Session()

    def get(path):
        response = session.get(base + path, timeout=30, allow_redirects=False)
        return response.status_code, response.text

    def post(path, data):
        response = session.post(
            base + path,
            data=data,
            headers={"Origin": base, "Referer": base + path},
            timeout=30,
            allow_redirects=False,
        )
        return response.status_code, response.headers.get("Location", "")

    pages = [
        {"type": name, "path": path, "session": False} for name, path in public_pages()
    ]
    form = next(page["path"] for page in pages if page["type"] == "pledge form")
    for name, path in pledge_steps(get, post, form, timezone.localdate().isoformat()):
        pages.append({"type": name, "path": path, "session": True})
    wanted = {item.strip() for item in os.environ.get("AUDIT_PAGES", "").split(",")}
    wanted.discard("")
    if wanted:
        pages = [page for page in pages if page["type"] in wanted]
    return pages, session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)


# --- Lighthouse --------------------------------------------------------------------------


# Lighthouse now and then fails to record a page load's trace (NO_NAVSTART) on a busy
# machine: such a run measured nothing, so it is run again, and its errors are reported
# when every attempt failed.
LIGHTHOUSE_ATTEMPTS = 3


def lighthouse(url: str, preset: str, cookie: str, out: Path) -> dict:
    result = {}
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        result = _lighthouse_once(url, preset, cookie, out)
        if "error" not in result:
            if attempt > 1:
                result["attempts"] = attempt
            return result
        log(f"  attempt {attempt} did not run: {result['error'][-120:]}")
    return result


def _lighthouse_once(url: str, preset: str, cookie: str, out: Path) -> dict:
    out.unlink(missing_ok=True)
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--max-wait-for-load=60000",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": CHROME},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not out.exists():
        return {"error": (result.stderr or result.stdout)[-800:]}
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        return {"error": report["runtimeError"].get("message", "runtime error")}
    scores, failing = {}, []
    for name in CATEGORIES:
        category = report["categories"][name]
        scores[name] = (
            None if category["score"] is None else round(category["score"] * 100)
        )
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if ref.get("group") == "hidden":  # not part of the score, nor shown
                continue
            if audit.get("scoreDisplayMode") in {
                "informative",
                "notApplicable",
                "manual",
            }:
                continue
            # Performance metrics score on a curve: only those that cost points count.
            limit = 0.9 if name == "performance" else 1
            if score is not None and score < limit:
                failing.append(
                    {
                        "id": ref["id"],
                        "category": name,
                        "score": score,
                        "value": audit.get("displayValue", ""),
                    }
                )
    return {"scores": scores, "failing": failing}


# --- The Nu HTML checker ------------------------------------------------------------------


def vnu(pages: list[dict]) -> None:
    """Checks the saved HTML of every page in one run of the checker."""
    files = {str(page["html_file"]): page for page in pages}
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            "--stdout",
            *files,
        ],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout or "{}")
    (OUT / "vnu.json").write_text(json.dumps(report, indent=2))
    for page in pages:
        page["vnu"] = {"errors": [], "warnings": 0}
    for message in report.get("messages", []):
        path = message.get("url", "").removeprefix("file:")
        page = files.get(path) or files.get(os.path.realpath(path))
        if page is None:
            continue
        if message.get("type") == "error" or message.get("subType") == "fatal":
            page["vnu"]["errors"].append(
                {
                    "line": message.get("lastLine"),
                    "message": message.get("message", ""),
                    "extract": (message.get("extract") or "").strip()[:120],
                }
            )
        elif message.get("subType") == "warning":
            page["vnu"]["warnings"] += 1


# --- axe-core ------------------------------------------------------------------------------


def axe(pages: list[dict], base: str, session: requests.Session) -> None:
    from playwright.sync_api import sync_playwright

    from audit.axe import AXE_JS, run_axe, violations

    source = AXE_JS.read_text()
    cookies = [
        {"name": cookie.name, "value": cookie.value, "url": base}
        for cookie in session.cookies
    ]
    report = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROME,
            args=[flag for flag in CHROME_FLAGS if not flag.startswith("--headless")],
        )
        for page in pages:
            page["axe"] = {}
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                if page["session"]:
                    context.add_cookies(cookies)
                tab = context.new_page()
                tab.goto(base + page["path"], wait_until="load")
                found = violations(run_axe(tab, source))
                page["axe"][width] = found
                report[f"{page['path']} @{width}"] = found
                context.close()
        browser.close()
    (OUT / "axe.json").write_text(json.dumps(report, indent=2))


# --- The report ----------------------------------------------------------------------------


def misses(page: dict) -> list[str]:
    missed = []
    mobile = page.get("lighthouse", {}).get("mobile")
    if mobile is not None:
        if "error" in mobile:
            missed.append("lighthouse mobile did not run")
        else:
            for name, target in TARGETS.items():
                score = mobile["scores"].get(name)
                if score is None or score < target:
                    missed.append(f"mobile {name} {score} < {target}")
    if page.get("vnu", {}).get("errors"):
        missed.append(f"{len(page['vnu']['errors'])} HTML errors")
    for width, found in page.get("axe", {}).items():
        if found:
            missed.append(f"{len(found)} axe violations at {width}px")
    return missed


def _scores(page: dict, preset: str) -> list[str]:
    result = page.get("lighthouse", {}).get(preset)
    if result is None:
        return ["-"] * len(CATEGORIES)
    if "error" in result:
        return ["err"] * len(CATEGORIES)
    return [
        "?" if result["scores"][n] is None else str(result["scores"][n])
        for n in CATEGORIES
    ]


def table(pages: list[dict]) -> str:
    heads = ["page type", "URL"]
    heads += [f"M {SHORT.get(n, n)}" for n in CATEGORIES]
    heads += [f"D {SHORT.get(n, n)}" for n in CATEGORIES]
    heads += ["vnu err (warn)", "axe 375/1280"]
    rows = []
    for page in pages:
        row = [page["type"], page["path"], *_scores(page, "mobile")]
        row += _scores(page, "desktop")
        checked = page.get("vnu")
        row.append(
            f"{len(checked['errors'])} ({checked['warnings']})" if checked else "-"
        )
        found = page.get("axe")
        row.append("/".join(str(len(found[w])) for w in WIDTHS) if found else "-")
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [heads, *rows]) for i in range(len(heads))]

    def line(cells):
        return (
            "| "
            + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))
            + " |"
        )

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(heads), separator, *(line(r) for r in rows)])


def findings(pages: list[dict]) -> str:
    out = []
    for page in pages:
        lines = []
        for preset in PRESETS:
            result = page.get("lighthouse", {}).get(preset)
            if not result:
                continue
            if "error" in result:
                lines.append(f"  lighthouse {preset}: did not run: {result['error']}")
                continue
            for audit in result["failing"]:
                value = f" ({audit['value']})" if audit["value"] else ""
                lines.append(
                    f"  lighthouse {preset} {audit['category']}: {audit['id']} "
                    f"score {audit['score']}{value}"
                )
        for error in page.get("vnu", {}).get("errors", []):
            lines.append(
                f"  vnu line {error['line']}: {error['message']} «{error['extract']}»"
            )
        for width, found in page.get("axe", {}).items():
            for violation in found:
                targets = ", ".join(" ".join(t) for t in violation["nodes"])
                lines.append(
                    f"  axe {width}px {violation['id']} ({violation['impact']}): "
                    f"{targets}"
                )
        if lines:
            out.append(f"{page['type']} {page['path']}")
            out.extend(lines)
    return "\n".join(out) or "No findings."


def main() -> int:
    tools = set(
        (os.environ.get("AUDIT_TOOLS") or "lighthouse,vnu,axe")
        .replace(" ", "")
        .split(",")
    )
    missing = [
        str(path)
        for tool, path in (("lighthouse", LIGHTHOUSE), ("vnu", VNU_JAR))
        if tool in tools and not path.exists()
    ]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: run `npm ci`")
    port = int(os.environ.get("AUDIT_PORT") or free_port())
    base = f"http://127.0.0.1:{port}"
    env = server_env(port)
    prepare(env)
    server = start_server(env, port)
    try:
        pages, session = discover(env, base)
        log(f"{len(pages)} pages on {base}")
        html_dir = OUT / "html"
        html_dir.mkdir(exist_ok=True)
        for page in pages:
            response = session.get(base + page["path"], timeout=30)
            response.raise_for_status()
            page["html_file"] = html_dir / f"{slug(page['type'])}.html"
            page["html_file"].write_bytes(response.content)
        if "lighthouse" in tools:
            cookie = cookie_header(session)
            reports = OUT / "lighthouse"
            reports.mkdir(exist_ok=True)
            for page in pages:
                page["lighthouse"] = {}
                for preset in PRESETS:
                    log(f"lighthouse {preset} {page['path']}")
                    page["lighthouse"][preset] = lighthouse(
                        base + page["path"],
                        preset,
                        cookie if page["session"] else "",
                        reports / f"{slug(page['type'])}-{preset}.json",
                    )
        if "vnu" in tools:
            log("Nu HTML checker")
            vnu(pages)
        if "axe" in tools:
            log("axe-core at " + " and ".join(f"{w} px" for w in WIDTHS))
            axe(pages, base, session)
    finally:
        stop_server(server)
    for page in pages:
        page["missed"] = misses(page)
        page["html_file"] = str(page["html_file"].relative_to(ROOT))
    (OUT / "summary.json").write_text(json.dumps(pages, indent=2, default=str))
    print(table(pages))
    print()
    print(findings(pages))
    missed = [page for page in pages if page["missed"]]
    print()
    if missed:
        print(f"Targets missed on {len(missed)} of {len(pages)} pages.")
    else:
        print(f"Every target met on {len(pages)} pages.")
    print(f"Reports in {OUT.relative_to(ROOT)}/")
    strict = os.environ.get("AUDIT_STRICT", "1").strip().lower() not in {"0", "false"}
    return 1 if missed and strict else 0


if __name__ == "__main__":
    sys.exit(main())
