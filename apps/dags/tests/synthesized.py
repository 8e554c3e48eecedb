"""What the synthesized stack hands Airflow, read through synthesized-airflow.ts (tsx), for the rehearsal tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tsx_json import tsx_json

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
    return tsx_json(SCRIPT, json.dumps(scenarios))


def config_maps_under(inputs: dict[str, Any], folder: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(ConfigMap, mount) for every ConfigMap the airflow release mounts at or below folder."""
    prefix = folder.rstrip("/") + "/"
    return [
        (config_map, mount)
        for config_map in inputs["configMaps"]
        for mount in config_map["mounts"]
        if mount["mountPath"] == folder or mount["mountPath"].startswith(prefix)
    ]
