"""Keeps the streaming SparkApplication alive: checks its state and resubmits it when it is not
running (never submitted, failed, completed, or deleted by hand).

Why not SparkKubernetesOperator: it watches the driver pod until it ends and deletes the
application when the task is killed or times out. For a stream that never ends, that makes the
task run forever and ties the job's life to one Airflow task. The Spark operator already restarts a
failing driver (restartPolicy in the SparkApplication); this DAG is the backstop for everything
that policy gives up on.

The manifest is the SparkApplication YAML the stack renders into a ConfigMap mounted into Airflow;
its path is env STREAMSTACK_SPARK_APP_FILE. It is read when the task runs, not at parse time.

The DAG takes no parameters: a run triggered with a conf fails, without retries, before the
SparkApplication is read, deleted or created (Airflow itself accepts any conf key).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, task
from airflow.sdk.exceptions import AirflowFailException

LOG = logging.getLogger(__name__)

SPARK_APP_FILE = os.environ.get("STREAMSTACK_SPARK_APP_FILE", "/opt/airflow/streamstack/spark-application.yaml")
SPARK_NAMESPACE = os.environ.get("STREAMSTACK_SPARK_NAMESPACE") or os.environ.get(
    "STREAMSTACK_APPS_NAMESPACE", "streamstack-apps"
)
KUBERNETES_CONN_ID = os.environ.get("STREAMSTACK_KUBERNETES_CONN_ID", "kubernetes_default")

SPARK_GROUP = "sparkoperator.k8s.io"
SPARK_VERSION = "v1beta2"
SPARK_PLURAL = "sparkapplications"

# applicationState.state values (Spark operator) in which the application is alive or on its way;
# anything else, including no status yet after a long time, means it needs resubmitting.
# An application with no state at all was just created and has not been seen by the operator yet.
HEALTHY_STATES = frozenset({"", "NEW", "SUBMITTED", "RUNNING", "PENDING_RERUN", "INVALIDATING", "SUCCEEDING"})

HEALTHY_TASK_ID = "spark_application_healthy"
RESUBMIT_TASK_ID = "resubmit_spark_application"


def application_state(application: dict[str, Any] | None) -> str | None:
    """The SparkApplication's state, None when it does not exist."""
    if application is None:
        return None
    return ((application.get("status") or {}).get("applicationState") or {}).get("state", "")


def needs_resubmit(state: str | None) -> bool:
    return state is None or state.upper() not in HEALTHY_STATES


def load_manifest(path: str) -> dict[str, Any]:
    """The manifest at path (STREAMSTACK_SPARK_APP_FILE); each problem names that setting, read before anything is
    deleted or created."""
    import yaml

    where = f"STREAMSTACK_SPARK_APP_FILE={path}"
    try:
        with open(path, encoding="utf-8") as manifest_file:
            manifest = yaml.safe_load(manifest_file)
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{where}: expected a readable YAML SparkApplication manifest: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("kind") != "SparkApplication":
        raise ValueError(f"{where} does not hold a SparkApplication manifest (kind: SparkApplication)")
    if not (manifest.get("metadata") or {}).get("name"):
        raise ValueError(f"{where}: the SparkApplication has no metadata.name")
    return manifest


def refuse_run_conf(params: Mapping[str, Any] | None) -> None:
    """Fails the run (without retries) when it was triggered with a conf: the DAG declares no params, and Airflow
    passes undeclared conf keys on (as params) instead of refusing them."""
    if params:
        raise AirflowFailException(
            f"Run conf: spark_streaming_job takes no parameters, got key{'s' if len(params) > 1 else ''}"
            f" {', '.join(map(repr, params))}; trigger it without a conf (the SparkApplication was left as it is)"
        )


def _hook():
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    return KubernetesHook(conn_id=KUBERNETES_CONN_ID)


def _namespace(manifest: dict[str, Any]) -> str:
    return manifest["metadata"].get("namespace") or SPARK_NAMESPACE


def _get_application(hook, name: str, namespace: str) -> dict[str, Any] | None:
    from kubernetes.client.exceptions import ApiException

    try:
        return hook.get_custom_object(
            group=SPARK_GROUP, version=SPARK_VERSION, plural=SPARK_PLURAL, name=name, namespace=namespace
        )
    except ApiException as error:
        if error.status == 404:
            return None
        raise


def _wait_until_driver_pod_gone(hook, manifest: dict[str, Any], namespace: str, timeout_seconds: int = 180) -> None:
    """The new driver pod reuses the old one's name; submitting while the old pod is still
    terminating would make the Spark operator fail the submission."""
    import time

    from kubernetes.client.exceptions import ApiException

    driver_pod = (manifest.get("spec") or {}).get("driver", {}).get(
        "podName"
    ) or f"{manifest['metadata']['name']}-driver"
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            hook.core_v1_client.read_namespaced_pod(name=driver_pod, namespace=namespace)
        except ApiException as error:
            if error.status == 404:
                return
            raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"old driver pod {namespace}/{driver_pod} still exists after {timeout_seconds} s")
        time.sleep(5)


with DAG(
    dag_id="spark_streaming_job",
    description="Resubmits the users_created streaming SparkApplication when it is not running",
    schedule="*/15 * * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=10),
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1)},
    tags=["streamstack", "spark"],
) as dag:

    @task.branch(task_id="check_spark_application")
    def check_spark_application(params: Mapping[str, Any] | None = None) -> str:
        refuse_run_conf(params)
        manifest = load_manifest(SPARK_APP_FILE)
        name, namespace = manifest["metadata"]["name"], _namespace(manifest)
        state = application_state(_get_application(_hook(), name, namespace))
        LOG.info(
            "SparkApplication %s/%s state: %s", namespace, name, "absent" if state is None else state or "(none yet)"
        )
        return RESUBMIT_TASK_ID if needs_resubmit(state) else HEALTHY_TASK_ID

    @task(task_id=RESUBMIT_TASK_ID)
    def resubmit_spark_application(params: Mapping[str, Any] | None = None) -> str:
        from kubernetes.client.exceptions import ApiException

        refuse_run_conf(params)  # also when this task alone is cleared and rerun
        manifest = load_manifest(SPARK_APP_FILE)
        name, namespace = manifest["metadata"]["name"], _namespace(manifest)
        hook = _hook()
        try:
            # A finished or failed application keeps its name; it must go before a new one can start.
            hook.delete_custom_object(
                group=SPARK_GROUP, version=SPARK_VERSION, plural=SPARK_PLURAL, name=name, namespace=namespace
            )
            LOG.info("deleted SparkApplication %s/%s", namespace, name)
        except ApiException as error:
            if error.status != 404:
                raise
        _wait_until_driver_pod_gone(hook, manifest, namespace)
        hook.create_custom_object(
            group=SPARK_GROUP, version=SPARK_VERSION, plural=SPARK_PLURAL, body=manifest, namespace=namespace
        )
        LOG.info("submitted SparkApplication %s/%s from %s", namespace, name, SPARK_APP_FILE)
        return name

    check_spark_application() >> [EmptyOperator(task_id=HEALTHY_TASK_ID), resubmit_spark_application()]
