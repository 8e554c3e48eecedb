"""The DAG files import cleanly in real Airflow (the version the Helm chart deploys) and have the
expected shape; the SparkApplication health logic is checked without a cluster."""

from __future__ import annotations

import importlib.util
import json
from datetime import timedelta
from pathlib import Path

import pytest
from render_task_pods import render_task_pods

DAGS_DIR = Path(__file__).resolve().parent.parent
IMAGE_REFERENCE = "an image reference such as node:22 or registry.example.com/node:22-slim"


@pytest.fixture(scope="session")
def dag_bag():
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow before 3.2 kept it in airflow.models
        from airflow.models.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR), include_examples=False)


def load_module(file_name: str):
    spec = importlib.util.spec_from_file_location(file_name.removesuffix(".py"), DAGS_DIR / file_name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_installed_airflow_is_the_pinned_one():
    import airflow
    from airflow.providers.cncf.kubernetes import __version__ as provider_version

    versions = json.loads((DAGS_DIR / "versions.json").read_text())
    assert airflow.__version__ == versions["airflow"]
    assert provider_version == versions["providers"]["apache-airflow-providers-cncf-kubernetes"]


# dag_bag.dags, not dag_bag.get_dag(): in Airflow 3 get_dag() consults the metadata database.
def test_no_import_errors(dag_bag):
    assert dag_bag.import_errors == {}
    assert set(dag_bag.dag_ids) == {"produce_users", "spark_streaming_job"}


def test_produce_users_shape(dag_bag):
    dag = dag_bag.dags["produce_users"]
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.schedule == "*/5 * * * *"
    assert [task.task_id for task in dag.tasks] == ["produce_users"]
    task = dag.get_task("produce_users")
    assert task.retries == 2
    assert task.retry_delay == timedelta(minutes=1)


def test_producer_pod_runs_the_bundle_from_a_configmap(dag_bag):
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

    task = dag_bag.dags["produce_users"].get_task("produce_users")
    assert isinstance(task, KubernetesPodOperator)
    assert task.namespace == "streamstack-apps"
    assert "node:20" in task.image and "streamstack_producer_image" in task.image
    assert task.cmds == ["node"]
    assert task.arguments[:2] == ["/app/app.js", "--count"]
    assert "streamstack_producer_count" in task.arguments[2]
    (mount,) = task.volume_mounts
    (volume,) = task.volumes
    assert (mount.mount_path, mount.name, volume.name) == ("/app", volume.name, "producer-code")
    assert volume.config_map.name == "streamstack-producer-code"
    assert [source.config_map_ref.name for source in task.env_from] == ["streamstack-producer-env"]


def test_producer_names_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("STREAMSTACK_APPS_NAMESPACE", "apps")
    monkeypatch.setenv("STREAMSTACK_PRODUCER_CODE_CONFIGMAP", "code-cm")
    monkeypatch.setenv("STREAMSTACK_PRODUCER_ENV_CONFIGMAP", "env-cm")
    monkeypatch.setenv("STREAMSTACK_PRODUCER_PASSWORD_SECRET", "producer")
    monkeypatch.setenv("STREAMSTACK_KAFKA_CA_SECRET", "kafka-client-trust")
    monkeypatch.setenv("STREAMSTACK_PRODUCER_IMAGE", "node:20.19-bookworm-slim")
    task = load_module("produce_users.py").dag.get_task("produce_users")
    assert task.namespace == "apps"
    assert task.volumes[0].config_map.name == "code-cm"
    assert task.env_from[0].config_map_ref.name == "env-cm"
    # Credentials as files (issue 11): the password is a mounted key, never an env var of the task pod.
    assert [var.name for var in task.env_vars] == ["PRODUCER_SEED"]
    assert task.volumes[1].secret.secret_name == "kafka-client-trust"
    assert task.volume_mounts[1].mount_path == "/etc/kafka-ca"
    assert task.volumes[2].secret.secret_name == "producer"
    assert [(item.key, item.path) for item in task.volumes[2].secret.items] == [("password", "password")]
    assert task.volume_mounts[2].mount_path == "/etc/kafka-user"
    assert "node:20.19-bookworm-slim" in task.image


@pytest.mark.parametrize(
    ("name", "value", "accepted"),
    [
        ("STREAMSTACK_PRODUCER_COUNT", "abc", "a whole number of users from 1 to 999999999"),
        ("STREAMSTACK_PRODUCER_COUNT", "0", "a whole number of users from 1 to 999999999"),
        ("STREAMSTACK_PRODUCER_COUNT", "100') }}{{ 7", "a whole number of users from 1 to 999999999"),
        ("STREAMSTACK_PRODUCER_IMAGE", "node 22", IMAGE_REFERENCE),
        ("STREAMSTACK_PRODUCER_IMAGE", "node:22' }}", IMAGE_REFERENCE),
        ("STREAMSTACK_APPS_NAMESPACE", "Streamstack_Apps", "a namespace name (lowercase DNS label)"),
        ("STREAMSTACK_PRODUCER_CODE_CONFIGMAP", "code/map", "an object name (lowercase DNS subdomain)"),
        ("STREAMSTACK_KAFKA_CA_SECRET", "-trust", "an object name (lowercase DNS subdomain), or unset"),
        ("STREAMSTACK_PRODUCER_CODE_FILE", "app js", "a ConfigMap key: letters, digits, '-', '_' and '.'"),
    ],
)
def test_a_bad_producer_setting_fails_the_import_naming_it(monkeypatch, name, value, accepted):
    """A broken DAG that says what to fix, instead of a run that fails in its pod (or a template the value rewrites)."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError) as raised:
        load_module("produce_users.py")
    assert f"  - {name}: expected {accepted}, got {value!r}" in str(raised.value)


def test_every_bad_producer_setting_is_listed_at_once(monkeypatch):
    monkeypatch.setenv("STREAMSTACK_PRODUCER_COUNT", "-5")
    monkeypatch.setenv("STREAMSTACK_PRODUCER_IMAGE", "")
    with pytest.raises(ValueError) as raised:
        load_module("produce_users.py")
    assert [line.split(":")[0].strip(" -") for line in str(raised.value).splitlines()[1:]] == [
        "STREAMSTACK_PRODUCER_IMAGE",
        "STREAMSTACK_PRODUCER_COUNT",
    ]


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("streamstack_producer_count", "many", "a whole number of users from 1 to 999999999"),
        ("streamstack_producer_count", "0", "a whole number of users from 1 to 999999999"),
        ("streamstack_producer_count", "1e3", "a whole number of users from 1 to 999999999"),
        ("streamstack_producer_image", "node:22 --privileged", IMAGE_REFERENCE),
        ("streamstack_producer_image", "", IMAGE_REFERENCE),
    ],
)
def test_a_bad_airflow_variable_fails_the_run_before_any_pod(variable, value, accepted):
    from airflow.sdk.exceptions import AirflowFailException

    # Airflow's task runner renders templates before execute() and fails an AirflowFailException without retries.
    with pytest.raises(AirflowFailException) as raised:
        render_task_pods(variables={variable: value})
    assert str(raised.value) == (
        f"Airflow Variable {variable}: expected {accepted}, got {value!r} (no producer pod was started)"
    )


def test_good_airflow_variables_reach_the_pod():
    (rendered,) = render_task_pods(
        variables={"streamstack_producer_count": "250", "streamstack_producer_image": "node:22.11-bookworm-slim"}
    )
    (container,) = rendered["pod"]["spec"]["containers"]
    assert (container["image"], container["args"][-1]) == ("node:22.11-bookworm-slim", "250")


def test_each_producer_run_has_its_own_seed(dag_bag):
    task = dag_bag.dags["produce_users"].get_task("produce_users")
    seed = next(var for var in task.env_vars if var.name == "PRODUCER_SEED")
    assert seed.value == "{{ run_id }}"


def test_spark_streaming_job_shape(dag_bag):
    dag = dag_bag.dags["spark_streaming_job"]
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.schedule == "*/15 * * * *"
    assert {task.task_id for task in dag.tasks} == {
        "check_spark_application",
        "spark_application_healthy",
        "resubmit_spark_application",
    }
    assert dag.get_task("check_spark_application").downstream_task_ids == {
        "spark_application_healthy",
        "resubmit_spark_application",
    }


@pytest.fixture(scope="module")
def spark_dag_module():
    return load_module("spark_streaming_job.py")


@pytest.mark.parametrize(
    ("application", "resubmit"),
    [
        (None, True),
        ({"status": {"applicationState": {"state": "RUNNING"}}}, False),
        ({"status": {"applicationState": {"state": "SUBMITTED"}}}, False),
        ({"status": {"applicationState": {"state": "PENDING_RERUN"}}}, False),
        ({"metadata": {"name": "just-created"}}, False),
        ({"status": {"applicationState": {"state": "FAILED"}}}, True),
        ({"status": {"applicationState": {"state": "SUBMISSION_FAILED"}}}, True),
        ({"status": {"applicationState": {"state": "COMPLETED"}}}, True),
        ({"status": {"applicationState": {"state": "UNKNOWN"}}}, True),
    ],
)
def test_resubmit_decision(spark_dag_module, application, resubmit):
    state = spark_dag_module.application_state(application)
    assert spark_dag_module.needs_resubmit(state) is resubmit


def test_manifest_problems_name_the_setting(spark_dag_module, tmp_path):
    with pytest.raises(ValueError, match=r"^STREAMSTACK_SPARK_APP_FILE=/nowhere/app\.yaml: expected a readable YAML"):
        spark_dag_module.load_manifest("/nowhere/app.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: SparkApplication\nmetadata: [name\n")
    with pytest.raises(ValueError, match=rf"^STREAMSTACK_SPARK_APP_FILE={broken}: expected a readable YAML"):
        spark_dag_module.load_manifest(str(broken))


def test_manifest_must_be_a_named_spark_application(spark_dag_module, tmp_path):
    good = tmp_path / "app.yaml"
    good.write_text(
        "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: users-created-stream\n"
    )
    assert spark_dag_module.load_manifest(str(good))["metadata"]["name"] == "users-created-stream"
    wrong_kind = tmp_path / "pod.yaml"
    wrong_kind.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n")
    with pytest.raises(ValueError, match="SparkApplication"):
        spark_dag_module.load_manifest(str(wrong_kind))
    nameless = tmp_path / "nameless.yaml"
    nameless.write_text("kind: SparkApplication\nmetadata: {}\n")
    with pytest.raises(ValueError, match=r"metadata\.name"):
        spark_dag_module.load_manifest(str(nameless))
