"""Runs one of this repository's TypeScript scripts with tsx and parses what it prints as JSON: how the Python suites
(apps/dags/tests, apps/spark-job/tests) read what the synthesized stack hands their workload, never retyped."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def tsx_json(script: Path, *arguments: str) -> Any:
    tsx = REPO_ROOT / "node_modules" / ".bin" / "tsx"
    if not tsx.exists():
        raise RuntimeError(f"{tsx} is missing: run `npm ci` in {REPO_ROOT} first")
    completed = subprocess.run(
        [str(tsx), str(script), *arguments],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{script.name} failed ({completed.returncode}):\n{completed.stderr}")
    return json.loads(completed.stdout)
