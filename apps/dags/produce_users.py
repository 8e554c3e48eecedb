"""Runs the producer in the cluster every few minutes: a short-lived Node.js pod that sends
`--count` users to Kafka and exits.

No image of ours is needed: the bundled producer comes from a ConfigMap mounted at /app and runs
on the official Node.js image. Its Kafka settings come from a ConfigMap (and, where the profile
uses SCRAM, an optional Secret) as environment variables.

Deployment settings are environment variables of the Airflow workers (set by the stack); the two
knobs an operator may turn at run time are Airflow Variables, read when the task runs (not at
parse time, which would hit the metadata database on every DAG parse):
  streamstack_producer_image  (default: env STREAMSTACK_PRODUCER_IMAGE or node:20)
  streamstack_producer_count  (default: env STREAMSTACK_PRODUCER_COUNT or 100)
One run can set its own count with the run conf {"count": N} (param `count`), which wins over both.
A bad environment variable fails the import (a broken DAG naming it); a bad count in the run conf is
refused by Airflow when the run is triggered; a conf key other than `count`, or a bad Airflow
Variable, fails the run, without retries, while its template is rendered: before any pod is created.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG, Param
from airflow.sdk.exceptions import AirflowFailException
from kubernetes.client import models as k8s

APPS_NAMESPACE = os.environ.get("STREAMSTACK_APPS_NAMESPACE", "streamstack-apps")
PRODUCER_CODE_CONFIGMAP = os.environ.get("STREAMSTACK_PRODUCER_CODE_CONFIGMAP", "streamstack-producer-code")
PRODUCER_ENV_CONFIGMAP = os.environ.get("STREAMSTACK_PRODUCER_ENV_CONFIGMAP", "streamstack-producer-env")
# Optional, where Kafka requires SCRAM over TLS: the KafkaUser's secret (key `password`) and the CA secret
# (key `ca.crt`).
PRODUCER_PASSWORD_SECRET = os.environ.get("STREAMSTACK_PRODUCER_PASSWORD_SECRET", "")
KAFKA_CA_SECRET = os.environ.get("STREAMSTACK_KAFKA_CA_SECRET", "")
KAFKA_CA_MOUNT_PATH = "/etc/kafka-ca"
# Where the KafkaUser's `password` is mounted; the producer env ConfigMap's KAFKA_PASSWORD_FILE points here
# (constructs/producer.ts), so the password never sits in the task pod's env.
KAFKA_USER_MOUNT_PATH = "/etc/kafka-user"
KAFKA_PASSWORD_KEY = "password"
DEFAULT_IMAGE = os.environ.get("STREAMSTACK_PRODUCER_IMAGE", "node:20")
# The stack's cluster.imagePullPolicy, as for every container it defines (pulled per pod start with Always).
IMAGE_PULL_POLICY = os.environ.get("STREAMSTACK_PRODUCER_IMAGE_PULL_POLICY", "IfNotPresent")
DEFAULT_COUNT = os.environ.get("STREAMSTACK_PRODUCER_COUNT", "100")
KUBERNETES_CONN_ID = os.environ.get("STREAMSTACK_KUBERNETES_CONN_ID", "kubernetes_default")

# The official Node.js image's `node` user. The apps namespace enforces Pod Security `restricted`, which wants a
# non-root user, the runtime's default seccomp profile, no privilege escalation and no capabilities.
NODE_USER_ID = 1000
KAFKA_CA_KEY = "ca.crt"

CODE_VOLUME = "producer-code"
CODE_MOUNT_PATH = "/app"
# The stack's node-app chart stores the bundle under this key.
CODE_FILE = os.environ.get("STREAMSTACK_PRODUCER_CODE_FILE", "app.js")

# What each setting accepts: (pattern the whole value must match, the words a message uses for it). The image and the
# count also end up inside Jinja templates, where a quote or brace would change the template itself.
MAX_COUNT = 999_999_999
_COUNT = (re.compile(r"[1-9][0-9]{0,8}"), f"a whole number of users from 1 to {MAX_COUNT}")
_IMAGE = (
    re.compile(r"([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._/-]+[a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[0-9a-f]{64})?"),
    "an image reference such as node:22 or registry.example.com/node:22-slim",
)
_PULL_POLICY = (re.compile(r"Always|IfNotPresent|Never"), "Always, IfNotPresent or Never")
_NAMESPACE = (re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), "a namespace name (lowercase DNS label)")
_OBJECT_NAME = (
    re.compile(r"(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"),
    "an object name (lowercase DNS subdomain)",
)
_OPTIONAL_OBJECT_NAME = (re.compile(f"({_OBJECT_NAME[0].pattern})?"), f"{_OBJECT_NAME[1]}, or unset")
_CONFIG_MAP_KEY = (re.compile(r"[-._a-zA-Z0-9]{1,253}"), "a ConfigMap key: letters, digits, '-', '_' and '.'")


def _settings_problems() -> list[str]:
    settings = [
        ("STREAMSTACK_APPS_NAMESPACE", APPS_NAMESPACE, _NAMESPACE),
        ("STREAMSTACK_PRODUCER_CODE_CONFIGMAP", PRODUCER_CODE_CONFIGMAP, _OBJECT_NAME),
        ("STREAMSTACK_PRODUCER_ENV_CONFIGMAP", PRODUCER_ENV_CONFIGMAP, _OBJECT_NAME),
        ("STREAMSTACK_PRODUCER_PASSWORD_SECRET", PRODUCER_PASSWORD_SECRET, _OPTIONAL_OBJECT_NAME),
        ("STREAMSTACK_KAFKA_CA_SECRET", KAFKA_CA_SECRET, _OPTIONAL_OBJECT_NAME),
        ("STREAMSTACK_PRODUCER_IMAGE", DEFAULT_IMAGE, _IMAGE),
        ("STREAMSTACK_PRODUCER_IMAGE_PULL_POLICY", IMAGE_PULL_POLICY, _PULL_POLICY),
        ("STREAMSTACK_PRODUCER_COUNT", DEFAULT_COUNT, _COUNT),
        ("STREAMSTACK_PRODUCER_CODE_FILE", CODE_FILE, _CONFIG_MAP_KEY),
    ]
    return [
        f"{name}: expected {accepted}, got {value!r}"
        for name, value, (pattern, accepted) in settings
        if not pattern.fullmatch(value)
    ]


if _problems := _settings_problems():
    raise ValueError("produce_users: invalid settings:\n" + "\n".join(f"  - {problem}" for problem in _problems))


# What one run may set through its conf (UI "Trigger DAG w/ config", `airflow dags trigger -c`, the REST API). Airflow
# checks each value against its schema when the run is created and again when the task starts, but lets a key that is
# not declared here through; run_count refuses those.
RUN_PARAMS = {
    "count": Param(
        None,
        type=["null", "integer"],
        minimum=1,
        maximum=MAX_COUNT,
        description=(
            f"How many users this run sends, 1 to {MAX_COUNT}. Empty: the Airflow Variable streamstack_producer_count,"
            " else the deployed default (STREAMSTACK_PRODUCER_COUNT)."
        ),
    ),
}


def checked_value(source: str, setting: tuple[re.Pattern[str], str]) -> Callable[[Any], str]:
    """A template filter that passes a run-time value on, or fails the run (without retries) naming its source."""
    pattern, accepted = setting

    def check(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON Schema's "integer" (hence Airflow's Param check) includes 250.0
        if not pattern.fullmatch(str(value)):
            raise AirflowFailException(f"{source}: expected {accepted}, got {value!r} (no producer pod was started)")
        return str(value)

    return check


_checked_conf_count = checked_value("Run conf param count", _COUNT)


def run_count(params: Mapping[str, Any]) -> str:
    """A template filter over the run's params: its `count`, checked, or "" when the run sets none. A conf key that is
    not a declared param fails the run (without retries) naming it and the declared ones."""
    if unknown := [key for key in params if key not in RUN_PARAMS]:
        raise AirflowFailException(
            f"Run conf: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; produce_users"
            f" accepts only {', '.join(map(repr, RUN_PARAMS))} (no producer pod was started)"
        )
    count = params.get("count")
    return "" if count is None else _checked_conf_count(count)


def producer_env_sources() -> list[k8s.V1EnvFromSource]:
    return [k8s.V1EnvFromSource(config_map_ref=k8s.V1ConfigMapEnvSource(name=PRODUCER_ENV_CONFIGMAP))]


def producer_env_vars() -> list[k8s.V1EnvVar]:
    # Each run generates its own users; a fixed seed would resend the same ids every run.
    return [k8s.V1EnvVar(name="PRODUCER_SEED", value="{{ run_id }}")]


def producer_volumes() -> tuple[list[k8s.V1Volume], list[k8s.V1VolumeMount]]:
    volumes = [k8s.V1Volume(name=CODE_VOLUME, config_map=k8s.V1ConfigMapVolumeSource(name=PRODUCER_CODE_CONFIGMAP))]
    mounts = [k8s.V1VolumeMount(name=CODE_VOLUME, mount_path=CODE_MOUNT_PATH, read_only=True)]
    if KAFKA_CA_SECRET:
        # Only the CA certificate: the trust secret may hold more than the producer should see.
        ca_only = [k8s.V1KeyToPath(key=KAFKA_CA_KEY, path=KAFKA_CA_KEY)]
        volumes.append(
            k8s.V1Volume(name="kafka-ca", secret=k8s.V1SecretVolumeSource(secret_name=KAFKA_CA_SECRET, items=ca_only))
        )
        mounts.append(k8s.V1VolumeMount(name="kafka-ca", mount_path=KAFKA_CA_MOUNT_PATH, read_only=True))
    if PRODUCER_PASSWORD_SECRET:
        # Only the password: Strimzi's user secret also holds the whole JAAS line.
        password_only = [k8s.V1KeyToPath(key=KAFKA_PASSWORD_KEY, path=KAFKA_PASSWORD_KEY)]
        volumes.append(
            k8s.V1Volume(
                name="kafka-user",
                secret=k8s.V1SecretVolumeSource(secret_name=PRODUCER_PASSWORD_SECRET, items=password_only),
            )
        )
        mounts.append(k8s.V1VolumeMount(name="kafka-user", mount_path=KAFKA_USER_MOUNT_PATH, read_only=True))
    return volumes, mounts


def pod_security_context() -> k8s.V1PodSecurityContext:
    return k8s.V1PodSecurityContext(
        run_as_non_root=True,
        run_as_user=NODE_USER_ID,
        run_as_group=NODE_USER_ID,
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
    )


def container_security_context() -> k8s.V1SecurityContext:
    return k8s.V1SecurityContext(
        allow_privilege_escalation=False,
        capabilities=k8s.V1Capabilities(drop=["ALL"]),
        run_as_non_root=True,
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
    )


VOLUMES, VOLUME_MOUNTS = producer_volumes()


with DAG(
    dag_id="produce_users",
    description="Sends a batch of generated users to Kafka from a short-lived Node.js pod",
    schedule="*/5 * * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(minutes=15),
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "retry_exponential_backoff": True},
    tags=["streamstack", "producer"],
    params=RUN_PARAMS,
    user_defined_filters={
        "checked_image": checked_value("Airflow Variable streamstack_producer_image", _IMAGE),
        "checked_count": checked_value("Airflow Variable streamstack_producer_count", _COUNT),
        "run_count": run_count,
    },
) as dag:
    KubernetesPodOperator(
        task_id="produce_users",
        name="produce-users",
        namespace=APPS_NAMESPACE,
        kubernetes_conn_id=KUBERNETES_CONN_ID,
        image="{{ var.value.get('streamstack_producer_image', '" + DEFAULT_IMAGE + "') | checked_image }}",
        image_pull_policy=IMAGE_PULL_POLICY,
        cmds=["node"],
        arguments=[
            f"{CODE_MOUNT_PATH}/{CODE_FILE}",
            "--count",
            # The run's conf first; only when it sets no count is the Variable read, then the deployed default.
            "{{ params | run_count or var.value.get('streamstack_producer_count', '"
            + DEFAULT_COUNT
            + "') | checked_count }}",
        ],
        env_from=producer_env_sources(),
        env_vars=producer_env_vars(),
        volumes=VOLUMES,
        volume_mounts=VOLUME_MOUNTS,
        container_resources=k8s.V1ResourceRequirements(
            requests={"cpu": "50m", "memory": "128Mi"}, limits={"memory": "256Mi"}
        ),
        security_context=pod_security_context(),
        container_security_context=container_security_context(),
        # The producer talks to Kafka only; it has no business with the Kubernetes API.
        automount_service_account_token=False,
        labels={"app.kubernetes.io/name": "streamstack-producer", "app.kubernetes.io/part-of": "streamstack"},
        get_logs=True,
        # Keep a failed pod for inspection; a successful one has nothing left to say.
        on_finish_action="delete_succeeded_pod",
        startup_timeout_seconds=300,
        execution_timeout=timedelta(minutes=10),
    )
