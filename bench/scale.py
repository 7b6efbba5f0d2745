"""The same pages with many more members: queries and CPU per request, before and after.

Run by ``bench.run`` after a stack's in-process CPU measurement (``--scale-members``, 50,000 by
default; 0 leaves it out): it adds members with ``generate_members`` until the stack holds that
many (timing the command), measures the same paths again with ``bench.cpu``, and compares each
page with itself at the run's ``--members``. Issue 14's target: the same number of SQL queries and
at most 1.3x the CPU (compared as multiples of the minimal view measured in each run, so that a
busier machine during one of the two runs moves both). The open data files are left out: they
are the members themselves, one line each, and their cost grows with them by design (they stream:
their memory is measured by ``bench.memory``).
"""

import subprocess
import sys
import time

from bench import targets
from bench.inprocess import cpu_rows

PYTHON = sys.executable
#: Paths whose body is every member (compared for memory, not CPU).
GROWS_WITH_MEMBERS = ("/members/data.csv", "/members/data.json")


def measure_scale(env, root, cpu, members, scale_members, repeat) -> dict:
    """``cpu``: bench.cpu's rows at ``members``; returns the rows at ``scale_members``,
    the time the members took to generate, and the comparison."""
    if not cpu or cpu.get("skipped"):
        return {"skipped": "no CPU figures to compare with"}
    added = scale_members - members
    started = time.perf_counter()
    generated = subprocess.run(
        [PYTHON, "manage.py", targets.GENERATE_MEMBERS_COMMAND, f"--count={added}"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = round(time.perf_counter() - started, 1)
    if generated.returncode:
        return {
            "skipped": f"generate_members failed: {generated.stderr.strip()[-400:]}"
        }
    paths = [
        row["path"]
        for row in cpu["rows"][1:]
        if not row.get("step") and row["path"] not in GROWS_WITH_MEMBERS
    ]
    measured = cpu_rows(env, paths, repeat)
    if measured.get("skipped"):
        return measured
    rows = measured["rows"]
    return {
        "members": members,
        "scale_members": scale_members,
        "generate_seconds": seconds,
        "added": added,
        "rows": compare(cpu["rows"], rows),
    }


def _key(row) -> tuple:
    return (row.get("step") or "", row["path"])


def compare(before: list[dict], after: list[dict]) -> list[dict]:
    """One row per page or step measured in both runs."""
    found = {_key(row): row for row in before}
    rows = []
    for row in after[1:]:
        then = found.get(_key(row))
        if then is None or "multiple" not in row or "multiple" not in then:
            continue
        rows.append(
            {
                "path": row["path"],
                "step": row.get("step"),
                "queries": (then["queries"], row["queries"]),
                "multiple": (then["multiple"], row["multiple"]),
                "after_member": (then.get("after_member"), row.get("after_member")),
                "ratio": round(row["multiple"] / then["multiple"], 2)
                if then["multiple"]
                else None,
            }
        )
    return rows


def scale_table(scale) -> list[str]:
    if not scale:
        return []
    if scale.get("skipped"):
        return ["", f"Scale: skipped: {scale['skipped']}"]
    lines = [
        "",
        f"Scale: {scale['members']:,} → {scale['scale_members']:,} members "
        f"(generate_members --count {scale['added']}: {scale['generate_seconds']} s); "
        "in-process CPU as a multiple of the minimal view of each run:",
        f"  {'page':<52} {'SQL':>9} {'x before':>9} {'x after':>8} {'ratio':>6}"
        f" {'x after a member change':>24}",
    ]
    worst = 0.0
    differ = []
    for row in scale["rows"]:
        name = row.get("step") and f"pledge: {row['step']}" or row["path"]
        before_q, after_q = row["queries"]
        if before_q != after_q:
            differ.append(name)
        worst = max(worst, row["ratio"] or 0)
        changed = row["after_member"]
        flag = (
            "!"
            if before_q != after_q or (row["ratio"] or 0) > targets.SCALE_CPU_RATIO
            else " "
        )
        lines.append(
            f" {flag}{name[:52]:<52} {before_q:>4}→{after_q:<4} {row['multiple'][0]:>9.1f}"
            f" {row['multiple'][1]:>8.1f} {row['ratio'] or 0:>6.2f}"
            f" {_pair(changed):>24}"
        )
    lines.append(
        f"  Targets: the same queries (differ: {', '.join(differ) or 'none'}), CPU ≤ "
        f"{targets.SCALE_CPU_RATIO}x (worst {worst:.2f}x); generate_members ≤ "
        f"{targets.SCALE_GENERATE_SECONDS} s for {targets.SCALE_MEMBERS:,}."
    )
    return lines


def _pair(values) -> str:
    before, after = values
    if before is None or after is None:
        return "-"
    return f"{before:.1f} → {after:.1f}"
