"""Environment contract of the job (no Spark needed)."""

from __future__ import annotations

import pytest

from conftest import SCHEMA_PATH
from job_config import ConfigError, default_schema_path, load_config

MINIMAL_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    "CASSANDRA_HOST": "cassandra",
    "CHECKPOINT_LOCATION": "/checkpoints/users",
    "AVRO_SCHEMA_PATH": str(SCHEMA_PATH),
}


def load(**overrides):
    env = {**MINIMAL_ENV, **overrides}
    return load_config({key: value for key, value in env.items() if value is not None}, "/opt/job/streaming_job.py")


def test_defaults():
    config = load()
    assert config.kafka.topic == "users_created"
    assert config.kafka.dead_letter_topic == "users_created.dlq"
    assert config.kafka.starting_offsets == "earliest"
    assert config.trigger_interval == "2 seconds"
    assert config.cassandra.port == 9042
    assert (config.cassandra.keyspace, config.cassandra.table) == ("spark_streams", "created_users")
    assert config.kafka.client_options() == {"kafka.bootstrap.servers": "kafka:9092"}
    assert config.cassandra.spark_conf() == {
        "spark.cassandra.connection.host": "cassandra",
        "spark.cassandra.connection.port": "9042",
    }


def test_schema_defaults_to_the_file_next_to_the_job():
    assert default_schema_path("/opt/job/streaming_job.py") == "/opt/job/users_created.avsc"
    with pytest.raises(ConfigError, match="AVRO_SCHEMA_PATH"):
        load(AVRO_SCHEMA_PATH=None)


def test_scram_over_tls_with_a_pem_ca(tmp_path):
    ca_file = tmp_path / "ca.crt"
    ca_file.write_text("-----BEGIN CERTIFICATE-----\n")
    config = load(
        KAFKA_SASL_MECHANISM="scram-sha-512",
        KAFKA_USERNAME="spark-job",
        KAFKA_PASSWORD='p"w',
        KAFKA_TLS="true",
        KAFKA_TLS_CA_FILE=str(ca_file),
    )
    options = config.kafka.client_options()
    assert options["kafka.security.protocol"] == "SASL_SSL"
    assert options["kafka.sasl.mechanism"] == "SCRAM-SHA-512"
    assert options["kafka.sasl.jaas.config"] == (
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="spark-job" password="p\\"w";'
    )
    assert options["kafka.ssl.truststore.type"] == "PEM"
    assert options["kafka.ssl.truststore.location"] == str(ca_file)


def test_scram_without_tls_and_tls_without_scram():
    assert (
        load(KAFKA_SASL_MECHANISM="SCRAM-SHA-512", KAFKA_USERNAME="u", KAFKA_PASSWORD="p").kafka.client_options()[
            "kafka.security.protocol"
        ]
        == "SASL_PLAINTEXT"
    )
    assert load(KAFKA_TLS="true").kafka.client_options()["kafka.security.protocol"] == "SSL"


def test_cassandra_credentials_and_datacenter():
    conf = load(
        CASSANDRA_USERNAME="cass", CASSANDRA_PASSWORD="secret", CASSANDRA_LOCAL_DATACENTER="dc1"
    ).cassandra.spark_conf()
    assert conf["spark.cassandra.auth.username"] == "cass"
    assert conf["spark.cassandra.auth.password"] == "secret"
    assert conf["spark.cassandra.connection.localDC"] == "dc1"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"KAFKA_BOOTSTRAP_SERVERS": None}, "KAFKA_BOOTSTRAP_SERVERS is required"),
        ({"CASSANDRA_HOST": ""}, "CASSANDRA_HOST is required"),
        ({"CHECKPOINT_LOCATION": None}, "CHECKPOINT_LOCATION is required"),
        ({"KAFKA_SASL_MECHANISM": "plain"}, "KAFKA_SASL_MECHANISM"),
        ({"KAFKA_SASL_MECHANISM": "scram-sha-512"}, "KAFKA_USERNAME is required"),
        ({"KAFKA_TLS": "maybe"}, "KAFKA_TLS must be 'true' or 'false'"),
        ({"KAFKA_TLS": "true", "KAFKA_TLS_CA_FILE": "/nowhere/ca.crt"}, "KAFKA_TLS_CA_FILE"),
        ({"CASSANDRA_PORT": "ninety"}, "CASSANDRA_PORT"),
        ({"STARTING_OFFSETS": "beginning"}, "STARTING_OFFSETS"),
        ({"TRIGGER_INTERVAL": "soon"}, "TRIGGER_INTERVAL"),
    ],
)
def test_bad_environment_names_the_variable(overrides, message):
    with pytest.raises(ConfigError, match=message):
        load(**overrides)


def test_starting_offsets_accepts_json_and_latest():
    assert load(STARTING_OFFSETS="latest").kafka.starting_offsets == "latest"
    offsets = '{"users_created":{"0":42}}'
    assert load(STARTING_OFFSETS=offsets).kafka.starting_offsets == offsets
