"""The job's environment contract: environment.json lists every variable job_config reads (the stack's construct is
typed from it), and the SparkApplication the stack synthesizes passes load_config in every profile and Kafka mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tsx_json import tsx_json

from conftest import JOB_DIR, SCHEMA_PATH
from job_config import ConfigError, load_config

DECLARED = json.loads((JOB_DIR / "environment.json").read_text())["variables"]
# Read by the Python interpreter, not by job_config.
INTERPRETER_VARIABLES = {"PYTHONPATH"}


class RecordingEnvironment(dict):
    """A mapping that remembers every name looked up in it."""

    def __init__(self, values):
        super().__init__(values)
        self.read = set()

    def get(self, name, default=None):
        self.read.add(name)
        return super().get(name, default)

    def __getitem__(self, name):
        self.read.add(name)
        return super().__getitem__(name)

    def __contains__(self, name):
        self.read.add(name)
        return super().__contains__(name)


@pytest.fixture
def complete_environment(tmp_path):
    """Every declared variable set to a valid value, so every read in load_config happens."""
    ca_file = tmp_path / "ca.crt"
    ca_file.write_text("placeholder")
    return {
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:9093",
        "KAFKA_TOPIC": "users_created",
        "KAFKA_DLQ_TOPIC": "users_created.dlq",
        "KAFKA_SASL_MECHANISM": "scram-sha-512",
        "KAFKA_USERNAME": "job",
        "KAFKA_PASSWORD": "secret",
        "KAFKA_TLS": "true",
        "KAFKA_TLS_CA_FILE": str(ca_file),
        "STARTING_OFFSETS": "earliest",
        "CASSANDRA_HOST": "cassandra",
        "CASSANDRA_PORT": "9042",
        "CASSANDRA_USERNAME": "cassandra",
        "CASSANDRA_PASSWORD": "secret",
        "CASSANDRA_KEYSPACE": "spark_streams",
        "CASSANDRA_TABLE": "created_users",
        "CASSANDRA_LOCAL_DATACENTER": "dc1",
        "CHECKPOINT_LOCATION": "/checkpoints/users",
        "TRIGGER_INTERVAL": "2 seconds",
        "AVRO_SCHEMA_PATH": str(SCHEMA_PATH),
        "SCHEMA_REGISTRY_URL": "http://schema-registry:8081",
    }


@pytest.fixture
def job_file(tmp_path):
    """A job file with the schema shipped next to it, as the stack mounts them."""
    directory = tmp_path / "job"
    directory.mkdir()
    (directory / SCHEMA_PATH.name).write_text(SCHEMA_PATH.read_text())
    return str(directory / "streaming_job.py")


def test_job_config_reads_exactly_the_declared_variables(complete_environment, job_file):
    assert set(complete_environment) == set(DECLARED), "complete_environment must set every declared variable"
    recording = RecordingEnvironment(complete_environment)
    load_config(recording, job_file)
    assert sorted(recording.read - set(DECLARED)) == [], "job_config reads variables environment.json does not declare"
    assert sorted(set(DECLARED) - recording.read) == [], "environment.json declares variables job_config never reads"


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_required_flags_match_job_config(complete_environment, job_file, name):
    declared = DECLARED[name]
    without = {key: value for key, value in complete_environment.items() if key != name}
    if declared["required"] or declared.get("requiredWith") in without:
        with pytest.raises(ConfigError, match=name):
            load_config(without, job_file)
    else:
        load_config(without, job_file)


@pytest.fixture(scope="module")
def synthesized_drivers():
    drivers = tsx_json(Path(__file__).resolve().parent / "synthesized-spark.ts")
    return {driver["name"]: driver for driver in drivers}


def lay_out_mounts(driver, root: Path) -> dict[str, Path]:
    """Each mount's directory under root, filled as kubelet would: ConfigMap data, secret items as placeholders."""
    volumes = {volume["name"]: volume for volume in driver["volumes"]}
    local = {}
    for mount in driver["volumeMounts"]:
        directory = root / mount["name"]
        directory.mkdir(parents=True)
        volume = volumes[mount["name"]]
        if "configMap" in volume:
            for key, text in driver["configMapData"][volume["configMap"]["name"]].items():
                (directory / key).write_text(text)
        for item in (volume.get("secret") or {}).get("items", []):
            (directory / item["path"]).write_text("placeholder")
        local[mount["mountPath"]] = directory
    return local


def pod_environment(driver, mounts: dict[str, Path]) -> dict[str, str]:
    """The driver's env as the container sees it: secrets as placeholders, mounted paths moved under the test's root."""
    environment = {}
    for variable in driver["env"]:
        value = variable.get("value", f"placeholder-{variable['name'].lower()}")
        for mount_path, directory in mounts.items():
            if value.startswith(mount_path + "/"):
                value = str(directory / value[len(mount_path) + 1 :])
        environment[variable["name"]] = value
    return environment


@pytest.mark.parametrize("stack", ["kind-zookeeper", "kind-kraft", "cloud-zookeeper", "cloud-kraft"])
def test_synthesized_driver_environment_passes_load_config(synthesized_drivers, stack, tmp_path):
    driver = synthesized_drivers[stack]
    set_names = [variable["name"] for variable in driver["env"]]
    assert sorted(set(set_names) - set(DECLARED) - INTERPRETER_VARIABLES) == [], (
        "the stack sets variables job_config does not read"
    )
    mounts = lay_out_mounts(driver, tmp_path)
    environment = pod_environment(driver, mounts)
    main_file = json.loads((JOB_DIR / "versions.json").read_text())["mainFile"]
    (job_file,) = [directory / main_file for directory in mounts.values() if (directory / main_file).is_file()]
    config = load_config(environment, str(job_file))
    assert config.kafka.topic == environment["KAFKA_TOPIC"]
    assert (config.cassandra.keyspace, config.cassandra.table) == (
        environment["CASSANDRA_KEYSPACE"],
        environment["CASSANDRA_TABLE"],
    )
    assert config.kafka.tls == (environment["KAFKA_TLS"] == "true")
    if config.kafka.tls:
        assert config.kafka.tls_ca_file is not None, "TLS without a CA file the driver can read"
