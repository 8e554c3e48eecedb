"""The Role the stack gives Airflow's workers in the apps namespace is exactly what the DAGs' tasks call.

Each task runs for real (the provider's KubernetesPodOperator, our Spark DAG's callables) against an in-memory API that
records every call as (verb, resource); a call the fake does not implement fails the test, so a provider upgrade that
adds a call shows up here. The recorded set, over success and failure paths, must equal the synthesized Role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kubernetes.client import ApiClient
from kubernetes.client import models as k8s
from kubernetes.client.exceptions import ApiException
from render_task_pods import _context

DAGS_DIR = Path(__file__).resolve().parent.parent


class LogStream:
    def stream(self, amt=None, decode_content=True):
        yield b"2026-01-01T00:00:00.000000000Z sent 100 users\n"

    def release_conn(self) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingCoreV1:
    """The CoreV1Api calls the tasks make; each pod answers Pending once, then the given final phase."""

    def __init__(self, calls: set[tuple[str, str]], final_phase: str = "Succeeded", exit_code: int = 0):
        self.calls = calls
        self.final_phase, self.exit_code = final_phase, exit_code
        self.pods: dict[tuple[str, str], k8s.V1Pod] = {}
        self.reads: dict[tuple[str, str], int] = {}
        self.api_client = ApiClient()

    def _status(self, key) -> k8s.V1PodStatus:
        self.reads[key] = self.reads.get(key, 0) + 1
        if self.reads[key] == 1:
            return k8s.V1PodStatus(phase="Pending")
        terminated = k8s.V1ContainerStateTerminated(exit_code=self.exit_code)
        status = k8s.V1ContainerStatus(
            name="base",
            image="x",
            image_id="x",
            ready=False,
            restart_count=0,
            state=k8s.V1ContainerState(terminated=terminated),
        )
        return k8s.V1PodStatus(phase=self.final_phase, container_statuses=[status])

    def _read(self, name: str, namespace: str) -> k8s.V1Pod:
        key = (namespace, name)
        if key not in self.pods:
            raise ApiException(status=404)
        pod = self.pods[key]
        pod.status = self._status(key)
        return pod

    def create_namespaced_pod(self, body, namespace, **_):
        self.calls.add(("create", "pods"))
        metadata = body["metadata"]
        pod = k8s.V1Pod(
            metadata=k8s.V1ObjectMeta(name=metadata["name"], namespace=namespace, labels=metadata.get("labels")),
            spec=k8s.V1PodSpec(containers=[k8s.V1Container(name="base")]),
        )
        self.pods[(namespace, pod.metadata.name)] = pod
        return pod

    def read_namespaced_pod(self, name, namespace, **_):
        self.calls.add(("get", "pods"))
        return self._read(name, namespace)

    def list_namespaced_pod(self, namespace, **_):
        self.calls.add(("list", "pods"))
        return k8s.V1PodList(items=[pod for (ns, _name), pod in self.pods.items() if ns == namespace])

    def read_namespaced_pod_log(self, name, namespace, **_):
        self.calls.add(("get", "pods/log"))
        return LogStream()

    def list_namespaced_event(self, namespace, **_):
        self.calls.add(("list", "events"))
        return k8s.CoreV1EventList(items=[], metadata=k8s.V1ListMeta())

    def patch_namespaced_pod(self, name, namespace, body, **_):
        self.calls.add(("patch", "pods"))
        return self.pods[(namespace, name)]

    def delete_namespaced_pod(self, name, namespace, **_):
        self.calls.add(("delete", "pods"))
        self.pods.pop((namespace, name), None)


def dag_bag():
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow before 3.2
        from airflow.models.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR), include_examples=False)


def run_producer_task(
    calls: set[tuple[str, str]], final_phase: str, exit_code: int, conf: dict[str, Any] | None = None
) -> None:
    """Airflow's task runner order: render the templates (task_runner._prepare), then execute; conf is the run's."""
    dag = dag_bag().dags["produce_users"]
    task = dag.get_task("produce_users")
    context = _context(dag, task, conf=conf)
    context["ti"].xcom_push = lambda **_: None
    task.render_template_fields(context)
    task.hook._is_in_cluster = True
    task.startup_check_interval = 0
    task.__dict__["client"] = RecordingCoreV1(calls, final_phase, exit_code)  # the operator's cached API client
    if final_phase == "Succeeded":
        task.execute(context)
    else:
        with pytest.raises(Exception, match=r"(?i)pod"):
            task.execute(context)


class RecordingCustomObjects:
    def __init__(self, calls: set[tuple[str, str]], existing: dict[str, Any] | None):
        self.calls, self.existing = calls, existing

    def get_namespaced_custom_object(self, group, version, namespace, plural, name, **_):
        self.calls.add(("get", f"{plural}.{group}"))
        if self.existing is None:
            raise ApiException(status=404)
        return self.existing

    def delete_namespaced_custom_object(self, group, version, namespace, plural, name, **_):
        self.calls.add(("delete", f"{plural}.{group}"))
        if self.existing is None:
            raise ApiException(status=404)
        self.existing = None
        return {}

    def create_namespaced_custom_object(self, group, version, namespace, plural, body, **_):
        self.calls.add(("create", f"{plural}.{group}"))
        self.existing = body
        return body


def run_spark_tasks(calls: set[tuple[str, str]], tmp_path: Path, monkeypatch, existing: dict[str, Any] | None) -> None:
    from airflow.providers.cncf.kubernetes.hooks import kubernetes as hooks

    manifest = tmp_path / "spark-application.yaml"
    manifest.write_text(
        "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: users-streaming\n"
    )
    monkeypatch.setenv("STREAMSTACK_SPARK_APP_FILE", str(manifest))
    core = RecordingCoreV1(calls)  # no driver pod: the wait for the old one ends at once
    custom = RecordingCustomObjects(calls, existing)
    # In-cluster credentials are absent here; every API object the hook builds is one of the recorders.
    monkeypatch.setattr(hooks.KubernetesHook, "api_client", property(lambda _self: ApiClient()))
    monkeypatch.setattr(hooks.KubernetesHook, "core_v1_client", property(lambda _self: core))
    monkeypatch.setattr(hooks.KubernetesHook, "custom_object_client", property(lambda _self: custom))
    monkeypatch.setattr(hooks.client, "CustomObjectsApi", lambda *_args, **_kwargs: custom)
    dag = dag_bag().dags["spark_streaming_job"]
    for task_id in ("check_spark_application", "resubmit_spark_application"):
        task = dag.get_task(task_id)
        task.python_callable(*task.op_args, **task.op_kwargs)


def granted(inputs) -> set[tuple[str, str]]:
    """(verb, resource[.group]) of every Role bound to the service account Airflow's task pods run as."""
    worker = {"kind": "ServiceAccount", "name": inputs["workerServiceAccount"], "namespace": inputs["namespace"]}
    roles = {(role["metadata"]["namespace"], role["metadata"]["name"]): role for role in inputs["roles"]}
    pairs: set[tuple[str, str]] = set()
    for binding in inputs["roleBindings"]:
        if worker in binding["subjects"]:
            role = roles[(binding["metadata"]["namespace"], binding["roleRef"]["name"])]
            for rule in role["rules"]:
                for group in rule["apiGroups"]:
                    for resource in rule["resources"]:
                        pairs |= {(verb, f"{resource}.{group}" if group else resource) for verb in rule["verbs"]}
    return pairs


def test_producer_dag_role_is_exactly_what_the_pod_operator_calls(synthesized, deployed_environment):
    inputs = synthesized["spark-off"]  # the producer DAG alone
    deployed_environment(inputs)
    calls: set[tuple[str, str]] = set()
    run_producer_task(calls, "Succeeded", 0)
    run_producer_task(calls, "Failed", 1)
    assert calls == granted(inputs)


def test_spark_dag_role_is_exactly_what_its_tasks_call(synthesized, deployed_environment, tmp_path, monkeypatch):
    inputs = synthesized["producer-off"]  # the Spark DAG alone
    deployed_environment(inputs)
    calls: set[tuple[str, str]] = set()
    run_spark_tasks(calls, tmp_path, monkeypatch, {"status": {"applicationState": {"state": "FAILED"}}})
    run_spark_tasks(calls, tmp_path, monkeypatch, None)
    assert calls == granted(inputs)
    assert ("get", "pods") in calls  # the old driver pod, even with no producer DAG beside it


def test_both_dags_get_the_union(synthesized):
    assert granted(synthesized["kind"]) == granted(synthesized["spark-off"]) | granted(synthesized["producer-off"])
