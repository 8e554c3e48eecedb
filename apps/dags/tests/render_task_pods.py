"""Prints, as JSON, the pods the DAGs' KubernetesPodOperator tasks would ask the API server to create.

The pod comes from the real provider (apache-airflow-providers-cncf-kubernetes, pinned in versions.json): the task's
templates are rendered with a stand-in context (Airflow Variables unset, so their defaults apply, unless a test
passes values; `params` built from the run conf by Airflow's own `process_params`, as its task runner does) and
`build_pod_request_obj` builds the V1Pod, serialized as the provider sends it (PodManager.run_pod_async). So the
output can be admitted by kube-apiserver (server-side dry run) into a namespace with the apps namespace's Pod
Security labels.

Usage (with the Airflow venv, see setup-venv.sh):
    python render_task_pods.py [--env-json FILE] [--dags-folder DIR]
--env-json names a JSON list of {"name", "value"} items, the `env` the stack hands the Airflow chart (those are the
variables the DAGs read); without it the process environment applies. Output: a JSON list of
{"dag_id", "task_id", "pod"} on stdout (Airflow's own log lines go to stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

DAGS_DIR = Path(__file__).resolve().parent.parent
RUN_ID = "scheduled__2026-01-01T00:00:00+00:00"


class _Variables:
    """`var.value` in templates: the given Airflow Variables; any other is unset (`var.value.get` gives the default)."""

    def __init__(self, values: Mapping[str, str]):
        self._values = values

    def get(self, name: str, default: Any = None) -> Any:
        return self._values.get(name, default)


def _context(
    dag, task, variables: Mapping[str, str] | None = None, conf: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    # The task runner's own call (RuntimeTaskInstance.get_template_context): the DAG's and task's params, with the run
    # conf merged in and validated; a value the params' schema refuses raises ParamValidationError here.
    from airflow.sdk.definitions.param import process_params

    ti = SimpleNamespace(dag_id=dag.dag_id, task_id=task.task_id, map_index=-1, try_number=1, run_id=RUN_ID)
    return {
        "dag": dag,
        "task": task,
        "ti": ti,
        "task_instance": ti,
        "run_id": RUN_ID,
        "dag_run": SimpleNamespace(run_id=RUN_ID, conf=dict(conf or {})),
        "ds": "2026-01-01",
        "params": process_params(dag, task, dict(conf or {}), suppress_exception=False),
        "var": {"value": _Variables(variables or {}), "json": _Variables({})},
    }


def render_task_pods(
    dags_folder: Path = DAGS_DIR, variables: Mapping[str, str] | None = None, conf: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The pod request of every KubernetesPodOperator task in the DAG folder, as the provider would send it for a run
    with the given conf (None: a scheduled run)."""
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    from kubernetes.client import ApiClient

    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow before 3.2
        from airflow.models.dagbag import DagBag

    dag_bag = DagBag(dag_folder=str(dags_folder), include_examples=False)
    if dag_bag.import_errors:
        raise RuntimeError(f"DAG import errors: {dag_bag.import_errors}")
    serializer = ApiClient()
    rendered = []
    for dag_id in sorted(dag_bag.dags):
        dag = dag_bag.dags[dag_id]
        for task in dag.tasks:
            if not isinstance(task, KubernetesPodOperator):
                continue
            context = _context(dag, task, variables, conf)
            task.render_template_fields(context)
            # The worker runs in the cluster; saying so here spares the hook from looking for a kubeconfig.
            task.hook._is_in_cluster = True
            pod = task.build_pod_request_obj(context)
            rendered.append(
                {"dag_id": dag_id, "task_id": task.task_id, "pod": serializer.sanitize_for_serialization(pod)}
            )
    return rendered


def apply_env(env_items: list[dict[str, str]]) -> None:
    """Sets the chart's `env` items (name/value) in this process, where the DAGs read them at import."""
    for item in env_items:
        if "value" not in item:
            raise ValueError(f"env item {item.get('name')!r} has no literal value; only name/value items are supported")
        os.environ[item["name"]] = item["value"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-json", type=Path, help="JSON list of {name, value}: the env the stack gives Airflow")
    parser.add_argument("--dags-folder", type=Path, default=DAGS_DIR, help="DAG folder (default: apps/dags)")
    args = parser.parse_args(argv)
    if args.env_json:
        apply_env(json.loads(args.env_json.read_text(encoding="utf-8")))
    # Airflow logs to stdout; keep stdout for the JSON alone by sending file descriptor 1 to stderr meanwhile.
    sys.stdout.flush()
    output = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    pods = render_task_pods(args.dags_folder)
    json.dump(pods, output, indent=2, sort_keys=True)
    output.write("\n")
    output.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
