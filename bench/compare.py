"""Compare two benchmark runs: ``python -m bench.compare OLD.json NEW.json``.

Prints, for each page and variant, requests per second and p99 of both runs and the change.
"""

import json
import sys
from pathlib import Path

from bench import targets


def _change(old, new):
    if not old or not new:
        return "-"
    return f"{(new - old) / old:+.0%}"


def compare(old: dict, new: dict) -> str:
    lines = [
        f"old: {old['stack_label']} ({old['started']})",
        f"new: {new['stack_label']} ({new['started']})",
        "",
        f"{'page':<28} {'variant':<9} {'req/s old':>10} {'new':>10} {'change':>7}"
        f" {'p99 old':>9} {'new':>9} {'change':>7}",
    ]
    for page in targets.PAGES:
        for variant in ("cached", "uncached"):
            a = (old["pages"].get(page.name) or {}).get(variant) or {}
            b = (new["pages"].get(page.name) or {}).get(variant) or {}
            if not a.get("rps") and not b.get("rps"):
                continue
            lines.append(
                f"{page.label:<28} {variant:<9} {a.get('rps') or 0:>10.1f} {b.get('rps') or 0:>10.1f}"
                f" {_change(a.get('rps'), b.get('rps')):>7} {a.get('p99_ms') or 0:>9.1f}"
                f" {b.get('p99_ms') or 0:>9.1f} {_change(a.get('p99_ms'), b.get('p99_ms')):>7}"
            )
    a, b = old.get("pledge_post") or {}, new.get("pledge_post") or {}
    if a.get("rps") or b.get("rps"):
        lines.append(
            f"{'pledge form POST':<28} {'':<9} {a.get('rps') or 0:>10.1f} {b.get('rps') or 0:>10.1f}"
            f" {_change(a.get('rps'), b.get('rps')):>7} {a.get('p99_ms') or 0:>9.1f}"
            f" {b.get('p99_ms') or 0:>9.1f} {_change(a.get('p99_ms'), b.get('p99_ms')):>7}"
        )
    old_mem = {m["name"]: m for m in old.get("memory", []) if not m.get("skipped")}
    for mem in new.get("memory", []):
        if mem.get("skipped"):
            continue
        before = old_mem.get(mem["name"], {}).get("peak_rss_mb")
        lines.append(
            f"peak memory {mem['name']:<28} {before or '-'} MB → {mem['peak_rss_mb']} MB"
        )
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        sys.exit("usage: python -m bench.compare OLD.json NEW.json")
    old, new = (json.loads(Path(p).read_text()) for p in argv)
    print(compare(old, new))


if __name__ == "__main__":
    main()
