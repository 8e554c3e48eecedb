"""Configuration of the streaming job, read once from environment variables.

The Kubernetes stack sets exactly these variables; the e2e harness sets them for a local run.
Validation happens at start so a misconfigured pod fails with a message that names the variable,
instead of a stack trace from deep inside Kafka or Cassandra client code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_SCHEMA_FILE_NAME = "users_created.avsc"
SUPPORTED_SASL_MECHANISMS = ("scram-sha-512",)
STARTING_OFFSETS_KEYWORDS = ("earliest", "latest")
_TRIGGER_INTERVAL_PATTERN = re.compile(
    r"^\d+(\.\d+)?\s*(millisecond|milliseconds|ms|second|seconds|s|minute|minutes|min|hour|hours|h)$",
    re.IGNORECASE,
)


class ConfigError(ValueError):
    """A missing or malformed environment variable; the message names it and says what is expected."""


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: str
    topic: str
    dead_letter_topic: str
    sasl_mechanism: str | None
    username: str | None
    password: str | None
    tls: bool
    tls_ca_file: str | None
    starting_offsets: str

    def client_options(self) -> dict[str, str]:
        """Options shared by the Kafka source and the dead-letter sink, already prefixed with `kafka.`."""
        options = {"kafka.bootstrap.servers": self.bootstrap_servers}
        if self.sasl_mechanism:
            options["kafka.security.protocol"] = "SASL_SSL" if self.tls else "SASL_PLAINTEXT"
            options["kafka.sasl.mechanism"] = self.sasl_mechanism.upper()
            options["kafka.sasl.jaas.config"] = (
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                f'username="{_escape_jaas(self.username or "")}" '
                f'password="{_escape_jaas(self.password or "")}";'
            )
        elif self.tls:
            options["kafka.security.protocol"] = "SSL"
        if self.tls and self.tls_ca_file:
            # Kafka clients (2.7+) read a PEM CA bundle directly, which is what Strimzi publishes
            # in <cluster>-cluster-ca-cert/ca.crt: no keystore conversion or password needed.
            options["kafka.ssl.truststore.type"] = "PEM"
            options["kafka.ssl.truststore.location"] = self.tls_ca_file
        return options


@dataclass(frozen=True)
class CassandraConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    keyspace: str
    table: str
    local_datacenter: str | None

    def spark_conf(self) -> dict[str, str]:
        """Session settings for the Spark Cassandra Connector."""
        conf = {
            "spark.cassandra.connection.host": self.host,
            "spark.cassandra.connection.port": str(self.port),
        }
        if self.username:
            conf["spark.cassandra.auth.username"] = self.username
            conf["spark.cassandra.auth.password"] = self.password or ""
        if self.local_datacenter:
            conf["spark.cassandra.connection.localDC"] = self.local_datacenter
        return conf


@dataclass(frozen=True)
class JobConfig:
    kafka: KafkaConfig
    cassandra: CassandraConfig
    checkpoint_location: str
    trigger_interval: str
    avro_schema_path: str
    # Where writer schemas are looked up by Confluent schema id; None reads every body with the reader schema.
    schema_registry_url: str | None = None


def _escape_jaas(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _required(env: Mapping[str, str], name: str, hint: str) -> str:
    value = _optional(env, name)
    if value is None:
        raise ConfigError(f"environment variable {name} is required ({hint})")
    return value


def _boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _optional(env, name)
    if raw is None:
        return default
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise ConfigError(f"environment variable {name} must be 'true' or 'false', got {raw!r}")


def _starting_offsets(env: Mapping[str, str]) -> str:
    value = _optional(env, "STARTING_OFFSETS") or "earliest"
    # Besides the keywords, Spark accepts a JSON object of per-partition offsets.
    if value.lower() in STARTING_OFFSETS_KEYWORDS:
        return value.lower()
    if value.startswith("{"):
        return value
    raise ConfigError(
        f"environment variable STARTING_OFFSETS must be 'earliest', 'latest' or a JSON offsets object, got {value!r}"
    )


def _trigger_interval(env: Mapping[str, str]) -> str:
    value = _optional(env, "TRIGGER_INTERVAL") or "2 seconds"
    if not _TRIGGER_INTERVAL_PATTERN.match(value):
        raise ConfigError(
            f"environment variable TRIGGER_INTERVAL must look like '2 seconds' or '500 milliseconds', got {value!r}"
        )
    return value


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = _optional(env, name)
    if raw is None:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"environment variable {name} must be a TCP port number, got {raw!r}")
    return int(raw)


def _registry_url(env: Mapping[str, str]) -> str | None:
    value = _optional(env, "SCHEMA_REGISTRY_URL")
    if value is not None and not re.match(r"^https?://[^\s/]+", value):
        raise ConfigError(
            f"environment variable SCHEMA_REGISTRY_URL must be an http(s) URL of the Confluent API, got {value!r}"
        )
    return value


def default_schema_path(job_file: str) -> str:
    """The schema ships next to the job file (both come from one ConfigMap mounted as one directory)."""
    return os.path.join(os.path.dirname(os.path.abspath(job_file)), DEFAULT_SCHEMA_FILE_NAME)


def load_config(env: Mapping[str, str], job_file: str) -> JobConfig:
    """Reads and validates the job's environment. Raises ConfigError naming the first bad variable."""
    sasl_mechanism = _optional(env, "KAFKA_SASL_MECHANISM")
    if sasl_mechanism is not None and sasl_mechanism.lower() in ("none", ""):
        sasl_mechanism = None
    if sasl_mechanism is not None and sasl_mechanism.lower() not in SUPPORTED_SASL_MECHANISMS:
        raise ConfigError(
            f"environment variable KAFKA_SASL_MECHANISM must be unset or one of {SUPPORTED_SASL_MECHANISMS}, "
            f"got {sasl_mechanism!r}"
        )
    username = password = None
    if sasl_mechanism is not None:
        username = _required(env, "KAFKA_USERNAME", "needed because KAFKA_SASL_MECHANISM is set")
        password = _required(env, "KAFKA_PASSWORD", "needed because KAFKA_SASL_MECHANISM is set")

    tls = _boolean(env, "KAFKA_TLS", default=False)
    tls_ca_file = _optional(env, "KAFKA_TLS_CA_FILE") if tls else None
    if tls_ca_file is not None and not os.path.isfile(tls_ca_file):
        raise ConfigError(f"environment variable KAFKA_TLS_CA_FILE points to {tls_ca_file!r}, which is not a file")

    kafka = KafkaConfig(
        bootstrap_servers=_required(env, "KAFKA_BOOTSTRAP_SERVERS", "host:port[,host:port] of the Kafka brokers"),
        topic=_optional(env, "KAFKA_TOPIC") or "users_created",
        dead_letter_topic=_optional(env, "KAFKA_DLQ_TOPIC") or "users_created.dlq",
        sasl_mechanism=sasl_mechanism.lower() if sasl_mechanism else None,
        username=username,
        password=password,
        tls=tls,
        tls_ca_file=tls_ca_file,
        starting_offsets=_starting_offsets(env),
    )
    cassandra = CassandraConfig(
        host=_required(env, "CASSANDRA_HOST", "host name or address of a Cassandra contact point"),
        port=_port(env, "CASSANDRA_PORT", 9042),
        username=_optional(env, "CASSANDRA_USERNAME"),
        password=_optional(env, "CASSANDRA_PASSWORD"),
        keyspace=_optional(env, "CASSANDRA_KEYSPACE") or "spark_streams",
        table=_optional(env, "CASSANDRA_TABLE") or "created_users",
        local_datacenter=_optional(env, "CASSANDRA_LOCAL_DATACENTER"),
    )
    schema_path = _optional(env, "AVRO_SCHEMA_PATH") or default_schema_path(job_file)
    if not os.path.isfile(schema_path):
        raise ConfigError(
            f"Avro schema not found at {schema_path!r}: set AVRO_SCHEMA_PATH or ship {DEFAULT_SCHEMA_FILE_NAME} "
            "next to the job"
        )
    return JobConfig(
        kafka=kafka,
        cassandra=cassandra,
        checkpoint_location=_required(
            env, "CHECKPOINT_LOCATION", "durable directory for the query's offsets and state"
        ),
        trigger_interval=_trigger_interval(env),
        avro_schema_path=schema_path,
        schema_registry_url=_registry_url(env),
    )
