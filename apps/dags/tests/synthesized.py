"""What the synthesized stack hands Airflow, read through synthesized-airflow.ts (tsx), for the rehearsal tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).resolve().parent / "synthesized-airflow.ts"

# name -> (DAG ids Airflow must find, profile, config overrides)
SCENARIOS = {
    "kind": ({"produce_users", "spark_streaming_job"}, "kind", {}),
    "cloud": ({"produce_users", "spark_streaming_job"}, "cloud", {}),
    "kind-kraft": ({"produce_users", "spark_streaming_job"}, "kind", {"kafka": {"mode": "kraft"}}),
    "cloud-kraft": ({"produce_users", "spark_streaming_job"}, "cloud", {"kafka": {"mode": "kraft"}}),
    "producer-off": ({"spark_streaming_job"}, "kind", {"apps": {"producer": {"enabled": False}}}),
    "spark-off": ({"produce_users"}, "kind", {"spark": {"enabled": False}}),
    "schema-registry-off": ({"spark_streaming_job"}, "kind", {"schemaRegistry": {"enabled": False}}),
}


def synthesize_airflow_inputs(scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    """scenarios: [{"name", "profile", "overrides"}] -> name -> {airflow, namespace, env, config, configMaps}."""
    tsx = REPO_ROOT / "node_modules" / ".bin" / "tsx"
    if not tsx.exists():
        raise RuntimeError(f"{tsx} is missing: run `npm ci` in {REPO_ROOT} first")
    completed = subprocess.run(
        [str(tsx), str(SCRIPT), json.dumps(scenarios)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"synthesizing the stack failed ({completed.returncode}):\n{completed.stderr}")
    return json.loads(completed.stdout)


def config_maps_under(inputs: dict[str, Any], folder: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(ConfigMap, mount) for every ConfigMap the airflow release mounts at or below folder."""
    prefix = folder.rstrip("/") + "/"
    return [
        (config_map, mount)
        for config_map in inputs["configMaps"]
        for mount in config_map["mounts"]
        if mount["mountPath"] == folder or mount["mountPath"].startswith(prefix)
    ]
