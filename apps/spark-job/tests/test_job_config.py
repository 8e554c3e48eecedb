"""Environment contract of the job (no Spark needed, but to hold the trigger check against Spark's own parser)."""

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
        "spark.cassandra.output.batch.grouping.key": "replica_set",
        "spark.cassandra.output.batch.size.rows": "8",
        "spark.cassandra.output.concurrent.writes": "32",
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
        ({"KAFKA_BOOTSTRAP_SERVERS": None}, "KAFKA_BOOTSTRAP_SERVERS: required but not set (host:port"),
        ({"CASSANDRA_HOST": ""}, "CASSANDRA_HOST: required but not set (host"),
        ({"CHECKPOINT_LOCATION": None}, "CHECKPOINT_LOCATION: required but not set"),
        ({"KAFKA_SASL_MECHANISM": "plain"}, "KAFKA_SASL_MECHANISM: expected scram-sha-512, or none (or unset)"),
        ({"KAFKA_SASL_MECHANISM": "scram-sha-512"}, "KAFKA_USERNAME: required with KAFKA_SASL_MECHANISM=scram-sha-512"),
        ({"KAFKA_TLS": "maybe"}, "KAFKA_TLS: expected true or false, got 'maybe'"),
        (
            {"KAFKA_TLS": "true", "KAFKA_TLS_CA_FILE": "/nowhere/ca.crt"},
            "KAFKA_TLS_CA_FILE: expected a readable PEM CA file, got '/nowhere/ca.crt' (No such file or directory)",
        ),
        ({"CASSANDRA_PORT": "ninety"}, "CASSANDRA_PORT: expected a TCP port from 1 to 65535, got 'ninety'"),
        ({"STARTING_OFFSETS": "beginning"}, "STARTING_OFFSETS: expected earliest, latest or a JSON object of offsets"),
        ({"TRIGGER_INTERVAL": "soon"}, "TRIGGER_INTERVAL: expected a Spark interval such as '2 seconds'"),
        # Each of these used to pass load_config and fail later, inside Kafka, Cassandra or Spark code.
        ({"KAFKA_BOOTSTRAP_SERVERS": "kafka"}, "KAFKA_BOOTSTRAP_SERVERS: expected host:port[,host:port...] of the"),
        ({"KAFKA_BOOTSTRAP_SERVERS": "kafka-0:9092,kafka-1:90920"}, "ports from 1 to 65535, got 'kafka-0:9092,kafka"),
        ({"KAFKA_BOOTSTRAP_SERVERS": "kafka 0:9092"}, "KAFKA_BOOTSTRAP_SERVERS: expected host:port"),
        ({"KAFKA_TOPIC": "users created"}, "KAFKA_TOPIC: expected a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9"),
        ({"KAFKA_DLQ_TOPIC": ".."}, "KAFKA_DLQ_TOPIC: expected a Kafka topic name"),
        ({"KAFKA_DLQ_TOPIC": "users_created"}, "KAFKA_DLQ_TOPIC: expected a topic other than KAFKA_TOPIC"),
        ({"STARTING_OFFSETS": '{"users_created":'}, "STARTING_OFFSETS: expected earliest, latest or a JSON object"),
        ({"STARTING_OFFSETS": "[1, 2]"}, "STARTING_OFFSETS: expected earliest, latest or a JSON object"),
        ({"CASSANDRA_HOST": "cassandra:0"}, "CASSANDRA_HOST: expected host[,host...] of Cassandra contact points"),
        ({"CASSANDRA_PORT": "0"}, "CASSANDRA_PORT: expected a TCP port from 1 to 65535, got '0'"),
        ({"CASSANDRA_PORT": "\u0663"}, "CASSANDRA_PORT: expected a TCP port from 1 to 65535"),
        ({"CASSANDRA_USERNAME": "cass"}, "CASSANDRA_PASSWORD: required with CASSANDRA_USERNAME"),
        ({"CASSANDRA_PASSWORD": "secret"}, "CASSANDRA_USERNAME: required with CASSANDRA_PASSWORD"),
        ({"CASSANDRA_KEYSPACE": "spark-streams"}, "CASSANDRA_KEYSPACE: expected a CQL identifier"),
        ({"CASSANDRA_TABLE": "users; DROP"}, "CASSANDRA_TABLE: expected a CQL identifier"),
        ({"TRIGGER_INTERVAL": "2 s"}, "TRIGGER_INTERVAL: expected a Spark interval"),
        ({"TRIGGER_INTERVAL": "500 ms"}, "TRIGGER_INTERVAL: expected a Spark interval"),
        ({"TRIGGER_INTERVAL": "1.5 minutes"}, "TRIGGER_INTERVAL: expected a Spark interval"),
        ({"SCHEMA_REGISTRY_URL": "schema-registry:8081"}, "SCHEMA_REGISTRY_URL: expected an http(s) URL"),
        ({"SCHEMA_REGISTRY_URL": "http://schema-registry:80810"}, "SCHEMA_REGISTRY_URL: expected an http(s) URL"),
        ({"AVRO_SCHEMA_PATH": __file__}, "AVRO_SCHEMA_PATH: expected a readable JSON Avro record schema"),
    ],
)
def test_bad_environment_names_the_variable_and_what_it_accepts(overrides, message):
    with pytest.raises(ConfigError) as raised:
        load(**overrides)
    assert message in str(raised.value)


def test_every_problem_is_listed_at_once_and_no_password_is_echoed():
    with pytest.raises(ConfigError) as raised:
        load(
            KAFKA_BOOTSTRAP_SERVERS="kafka",
            KAFKA_SASL_MECHANISM="plain",
            CASSANDRA_PORT="70000",
            TRIGGER_INTERVAL="2 s",
            CASSANDRA_PASSWORD="hunter2",
        )
    lines = str(raised.value).splitlines()
    assert lines[0] == "invalid configuration:"
    assert [line.split(":")[0].strip(" -") for line in lines[1:]] == [
        "KAFKA_SASL_MECHANISM",
        "KAFKA_BOOTSTRAP_SERVERS",
        "CASSANDRA_USERNAME",
        "CASSANDRA_PORT",
        "TRIGGER_INTERVAL",
    ]
    assert "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("KAFKA_BOOTSTRAP_SERVERS", "kafka-0.kafka:9092, 10.0.0.7:1,[fd00::1]:65535"),
        ("CASSANDRA_HOST", "cassandra-0,cassandra-1:9043"),
        ("TRIGGER_INTERVAL", "1 minute 30 seconds"),
        ("TRIGGER_INTERVAL", "0.5 seconds"),
        ("TRIGGER_INTERVAL", "interval 500 milliseconds"),
        ("SCHEMA_REGISTRY_URL", "https://registry.example.com:8443/base"),
        ("KAFKA_SASL_MECHANISM", "none"),
    ],
)
def test_good_values_pass(name, value):
    load(**{name: value})


def test_starting_offsets_accepts_json_and_latest():
    assert load(STARTING_OFFSETS="latest").kafka.starting_offsets == "latest"
    offsets = '{"users_created":{"0":42}}'
    assert load(STARTING_OFFSETS=offsets).kafka.starting_offsets == offsets


@pytest.mark.parametrize(
    "interval",
    [
        *("2 seconds", "500 milliseconds", "1 minute 30 seconds", ".5 second", "10 Seconds", "interval 3 hours"),
        *("2 s", "500 ms", "1 min", "1 h", "1.5 minutes", "2seconds", "1 month", "-1 second", "1.1234567891 seconds"),
    ],
)
def test_trigger_interval_check_agrees_with_spark(spark, interval):
    try:
        spark._jvm.org.apache.spark.sql.streaming.Trigger.ProcessingTime(interval)
        spark_accepts = True
    except Exception:  # py4j's error for Spark's IllegalArgumentException
        spark_accepts = False
    try:
        load(TRIGGER_INTERVAL=interval)
        we_accept = True
    except ConfigError:
        we_accept = False
    assert we_accept == spark_accepts
