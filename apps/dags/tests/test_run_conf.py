"""What a triggered run's conf may set, at each gate Airflow 3.2.2 has and the one the DAGs add.

Runs are triggered through Airflow's own CLI (`airflow dags trigger -c`, in process) into the throw-away database of
run-tests.sh: it reaches SerializedDAG.create_dagrun, the call the REST API and the UI's trigger form reach too, which
checks the conf against the DAG's Params. The stored run's conf is then rendered as the worker would
(render_task_pods: Airflow's process_params, then the task's templates), and the Spark DAG's callables run with the
context Airflow passes them. Airflow passes a conf key that no Param declares on, so the DAGs refuse it themselves.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from render_task_pods import _context, render_task_pods
from test_task_rbac import RecordingCoreV1, RecordingCustomObjects, run_producer_task

DAGS_DIR = Path(__file__).resolve().parent.parent
PRODUCER_COUNT_VARIABLE = "streamstack_producer_count"
COUNT_SCHEMA = "{'type': ['null', 'integer'], 'minimum': 1, 'maximum': 999999999}"


@pytest.fixture(scope="module")
def airflow_db():
    """Airflow's schema in run-tests.sh's throw-away database, with the DAGs serialized as the DAG processor does."""
    from airflow.configuration import conf
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
    from airflow.utils.db import initdb

    home = os.environ.get("AIRFLOW_HOME", "")
    database = conf.get("database", "sql_alchemy_conn")
    if not (home.startswith(tempfile.gettempdir()) and database == f"sqlite:///{home}/airflow.db"):
        pytest.fail(f"run through run-tests.sh: these tests write to Airflow's database ({database})")
    initdb()
    DagBundlesManager().sync_bundles_to_db()
    dag_bag = DagBag(dag_folder=str(DAGS_DIR), include_examples=False)
    assert dag_bag.import_errors == {}
    sync_bag_to_db(dag_bag, "dags-folder", None)
    return dag_bag


def trigger(dag_id: str, run_id: str, conf: dict | None = None) -> None:
    """`airflow dags trigger DAG --run-id RUN_ID [--conf JSON]`, in this process."""
    from airflow.cli import cli_parser

    argv = ["dags", "trigger", dag_id, "--run-id", run_id] + (["--conf", json.dumps(conf)] if conf is not None else [])
    args = cli_parser.get_parser().parse_args(argv)
    args.func(args)


def stored_conf(dag_id: str, run_id: str) -> dict | None:
    """The conf of the stored run, None when no run was created."""
    from airflow.models.dagrun import DagRun

    runs = DagRun.find(dag_id=dag_id, run_id=run_id)
    return runs[0].conf if runs else None


def producer_arguments(**kwargs) -> list[str]:
    (rendered,) = render_task_pods(**kwargs)
    (container,) = rendered["pod"]["spec"]["containers"]
    return container["args"]


def test_a_triggered_count_reaches_the_producer_pod_over_the_variable(airflow_db):
    trigger("produce_users", "manual__count-250", {"count": 250})
    conf = stored_conf("produce_users", "manual__count-250")
    assert conf == {"count": 250}
    arguments = producer_arguments(conf=conf, variables={PRODUCER_COUNT_VARIABLE: "300"})
    assert arguments == ["/app/app.js", "--count", "250"]


@pytest.mark.parametrize(
    ("conf", "variables", "count"),
    [
        (None, {}, "100"),  # a scheduled run: the deployed default
        ({}, {PRODUCER_COUNT_VARIABLE: "300"}, "300"),  # then the Variable
        ({"count": None}, {PRODUCER_COUNT_VARIABLE: "300"}, "300"),  # the form's empty field
        ({"count": 1}, {}, "1"),
        ({"count": 999999999}, {}, "999999999"),
        ({"count": 250.0}, {}, "250"),  # JSON Schema's integer, which Airflow accepts
        # The run's own count makes the Variable irrelevant, even a bad one.
        ({"count": 250}, {PRODUCER_COUNT_VARIABLE: "many"}, "250"),
    ],
)
def test_count_precedence_run_conf_then_variable_then_deployed_default(conf, variables, count):
    assert producer_arguments(conf=conf, variables=variables)[-1] == count


@pytest.mark.parametrize(
    ("count", "problem"),
    [
        ("abc", "'abc' is not of type 'null', 'integer'"),
        ("250", "'250' is not of type 'null', 'integer'"),
        (2.5, "2.5 is not of type 'null', 'integer'"),
        (True, "True is not of type 'null', 'integer'"),
        (0, "0 is less than the minimum of 1"),
        (10**10, "10000000000 is greater than the maximum of 999999999"),
    ],
)
def test_a_bad_count_is_refused_when_triggered_and_when_the_task_starts(airflow_db, count, problem):
    from airflow.sdk.exceptions import ParamValidationError

    run_id = "manual__bad-count-" + re.sub(r"[^0-9A-Za-z]", "", str(count))
    with pytest.raises(ValueError) as refused:
        trigger("produce_users", run_id, {"count": count})
    # Airflow's message names the param, what is wrong and the whole schema: the allowed type and bounds.
    assert str(refused.value).startswith(f"Invalid input for param count: {problem}\n")
    assert COUNT_SCHEMA in str(refused.value)
    assert stored_conf("produce_users", run_id) is None  # no run, hence no task and no pod
    # A run that got past the trigger anyway (e.g. created before this DAG version) is refused again at task start.
    with pytest.raises(ParamValidationError, match=rf"^Invalid input for param count: {problem}\n"):
        render_task_pods(conf={"count": count})


def test_an_unknown_conf_key_fails_the_run_before_the_pod(airflow_db):
    from airflow.sdk.exceptions import AirflowFailException

    trigger("produce_users", "manual__unknown-key", {"cuont": 5})
    conf = stored_conf("produce_users", "manual__unknown-key")
    assert conf == {"cuont": 5}, "Airflow 3.2.2 accepts a key no Param declares: the DAG must refuse it"
    good_run_calls: set[tuple[str, str]] = set()
    run_producer_task(good_run_calls, "Succeeded", 0, {"count": 5})
    assert ("create", "pods") in good_run_calls  # the same run with a good conf does create the pod
    calls: set[tuple[str, str]] = set()
    with pytest.raises(AirflowFailException) as refused:
        run_producer_task(calls, "Succeeded", 0, conf)
    assert str(refused.value) == (
        "Run conf: unknown key 'cuont'; produce_users accepts only 'count' (no producer pod was started)"
    )
    assert calls == set()


def test_every_unknown_conf_key_is_named():
    from airflow.sdk.exceptions import AirflowFailException

    with pytest.raises(AirflowFailException) as refused:
        render_task_pods(conf={"count": 5, "dry_run": True, "topic": "x"})
    assert str(refused.value) == (
        "Run conf: unknown keys 'dry_run', 'topic'; produce_users accepts only 'count' (no producer pod was started)"
    )


@pytest.fixture
def spark_api(monkeypatch, tmp_path):
    """Every Kubernetes call of the Spark DAG's tasks goes to recorders; the set of calls made is returned."""
    from airflow.providers.cncf.kubernetes.hooks import kubernetes as hooks
    from kubernetes.client import ApiClient

    manifest = tmp_path / "spark-application.yaml"
    manifest.write_text(
        "apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: users-streaming\n"
    )
    monkeypatch.setenv("STREAMSTACK_SPARK_APP_FILE", str(manifest))
    calls: set[tuple[str, str]] = set()
    core, custom = RecordingCoreV1(calls), RecordingCustomObjects(calls, None)
    monkeypatch.setattr(hooks.KubernetesHook, "api_client", property(lambda _self: ApiClient()))
    monkeypatch.setattr(hooks.KubernetesHook, "core_v1_client", property(lambda _self: core))
    monkeypatch.setattr(hooks.KubernetesHook, "custom_object_client", property(lambda _self: custom))
    monkeypatch.setattr(hooks.client, "CustomObjectsApi", lambda *_args, **_kwargs: custom)
    return calls


def run_spark_callable(task_id: str, conf: dict | None):
    """The task's callable with the arguments PythonOperator.execute gives it from the run's context."""
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(DAGS_DIR), include_examples=False).dags["spark_streaming_job"]
    task = dag.get_task(task_id)
    return task.python_callable(*task.op_args, **task.determine_kwargs(_context(dag, task, conf=conf)))


@pytest.mark.parametrize("task_id", ["check_spark_application", "resubmit_spark_application"])
def test_a_spark_run_with_a_conf_fails_before_any_call(airflow_db, spark_api, task_id):
    from airflow.sdk.exceptions import AirflowFailException

    run_id = f"manual__spark-conf-{task_id}"
    trigger("spark_streaming_job", run_id, {"count": 5, "force": True})
    conf = stored_conf("spark_streaming_job", run_id)
    assert conf == {"count": 5, "force": True}, "Airflow 3.2.2 accepts any conf for a DAG without Params"
    with pytest.raises(AirflowFailException) as refused:
        run_spark_callable(task_id, conf)
    assert str(refused.value) == (
        "Run conf: spark_streaming_job takes no parameters, got keys 'count', 'force'; trigger it without a conf"
        " (the SparkApplication was left as it is)"
    )
    assert spark_api == set()


def test_a_plain_spark_run_checks_and_resubmits(airflow_db, spark_api):
    trigger("spark_streaming_job", "manual__spark-plain")
    conf = stored_conf("spark_streaming_job", "manual__spark-plain")
    assert conf == {}
    assert run_spark_callable("check_spark_application", conf) == "resubmit_spark_application"
    assert run_spark_callable("resubmit_spark_application", conf) == "users-streaming"
    assert ("create", "sparkapplications.sparkoperator.k8s.io") in spark_api


def test_the_count_param_is_what_the_trigger_form_shows(airflow_db):
    from airflow.sdk.definitions.param import Param

    param = airflow_db.dags["produce_users"].params.get_param("count")
    assert isinstance(param, Param)
    assert (param.value, param.schema["type"], param.schema["minimum"], param.schema["maximum"]) == (
        None,
        ["null", "integer"],
        1,
        999999999,
    )
    assert "streamstack_producer_count" in param.description
    assert dict(airflow_db.dags["spark_streaming_job"].params) == {}


def test_a_conf_count_is_checked_again_before_it_reaches_the_template():
    """Airflow's two checks leave nothing for this one to refuse; it is the guard for the `--count` template's input
    should they ever be skipped (the value is spliced into the pod's arguments)."""
    from airflow.sdk.exceptions import AirflowFailException
    from test_dags import load_module

    run_count = load_module("produce_users.py").run_count
    with pytest.raises(AirflowFailException) as refused:
        run_count({"count": "5 --unsafe"})
    assert str(refused.value) == (
        "Run conf param count: expected a whole number of users from 1 to 999999999, got '5 --unsafe'"
        " (no producer pod was started)"
    )
