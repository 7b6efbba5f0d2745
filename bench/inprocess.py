"""Runs ``bench.cpu`` in a process of its own, with a stack's settings, and reads its rows."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_rows(env, paths, repeat) -> dict:
    """``{"rows": [...]}``, one per path and pledge step (bench/cpu.py, page cache off), or
    ``{"skipped": why}``."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.cpu", "--repeat", str(repeat), *paths],
        cwd=ROOT,
        env={**env, "PAGE_CACHE_SECONDS": "0", "ALLOWED_HOSTS": "*"},
        capture_output=True,
        text=True,
    )
    rows = [
        json.loads(line)
        for line in completed.stdout.splitlines()
        if line.startswith("{")
    ]
    if completed.returncode or not rows:
        return {"skipped": "bench.cpu failed: " + completed.stderr.strip()[-400:]}
    return {"rows": rows}
