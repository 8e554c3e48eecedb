"""The pods the DAGs' KubernetesPodOperator tasks create, rendered by the real provider with the env the synthesized
stack gives Airflow, meet the apps namespace's Pod Security profile (`restricted`) and carry only what they need."""

from __future__ import annotations

import pytest
from pod_security import restricted_violations
from render_task_pods import render_task_pods

from synthesized import SCENARIOS


def producer_pod(inputs, deployed_environment):
    deployed_environment(inputs)
    pods = render_task_pods()
    by_task = {(pod["dag_id"], pod["task_id"]): pod["pod"] for pod in pods}
    return by_task[("produce_users", "produce_users")]


PRODUCER_SCENARIOS = sorted(name for name, (dags, _, _) in SCENARIOS.items() if "produce_users" in dags)


@pytest.mark.parametrize("scenario", PRODUCER_SCENARIOS)
def test_producer_task_pod_is_restricted(synthesized, scenario, deployed_environment):
    pod = producer_pod(synthesized[scenario], deployed_environment)
    assert restricted_violations(pod) == []
    assert (
        pod["metadata"]["namespace"]
        == {e["name"]: e["value"] for e in synthesized[scenario]["env"]}["STREAMSTACK_APPS_NAMESPACE"]
    )


@pytest.mark.parametrize("scenario", PRODUCER_SCENARIOS)
def test_producer_task_pod_runs_as_the_node_user_with_bounded_resources(synthesized, scenario, deployed_environment):
    pod = producer_pod(synthesized[scenario], deployed_environment)
    spec = pod["spec"]
    assert spec["securityContext"]["runAsUser"] == 1000  # the official Node.js image's `node` user
    assert spec["automountServiceAccountToken"] is False
    (container,) = spec["containers"]
    environment = {e["name"]: e["value"] for e in synthesized[scenario]["env"]}
    assert container["image"] == environment["STREAMSTACK_PRODUCER_IMAGE"]
    # The stack's cluster.imagePullPolicy reaches the task pod, as every other container the stack defines.
    assert container["imagePullPolicy"] == environment["STREAMSTACK_PRODUCER_IMAGE_PULL_POLICY"]
    resources = container["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"]) and "memory" in resources["limits"]


def test_producer_task_pod_mounts_only_the_ca_certificate_and_the_password(synthesized, deployed_environment):
    scenario = "cloud"
    env = {item["name"]: item["value"] for item in synthesized[scenario]["env"]}
    assert "STREAMSTACK_KAFKA_CA_SECRET" in env, "the cloud profile uses TLS: the producer task needs the CA"
    pod = producer_pod(synthesized[scenario], deployed_environment)
    secret_volumes = [volume for volume in pod["spec"]["volumes"] if "secret" in volume]
    assert [volume["secret"] for volume in secret_volumes] == [
        {"secretName": env["STREAMSTACK_KAFKA_CA_SECRET"], "items": [{"key": "ca.crt", "path": "ca.crt"}]},
        {"secretName": env["STREAMSTACK_PRODUCER_PASSWORD_SECRET"], "items": [{"key": "password", "path": "password"}]},
    ]
    (container,) = pod["spec"]["containers"]
    # Secrets as files (issue 11): no env var of the task pod is read from a Secret.
    assert [item["name"] for item in container.get("env", []) if "valueFrom" in item] == []


def test_the_check_sees_a_pod_without_security_context():
    """The checker is not vacuous: the pod the DAG rendered before this fix (no security contexts) fails it."""
    pod = {"spec": {"containers": [{"name": "base", "image": "node:22"}], "volumes": [{"name": "c", "configMap": {}}]}}
    assert restricted_violations(pod) == [
        "base: allowPrivilegeEscalation is not false",
        "base: capabilities do not drop ALL",
        "base: runAsNonRoot is not true (pod or container)",
        "base: seccompProfile is None (pod or container must be RuntimeDefault/Localhost)",
    ]
