"""Configuration of the streaming job, read once from environment variables.

The Kubernetes stack sets exactly these variables; the e2e harness sets them for a local run.
Validation happens at start, before the Spark session exists, so a misconfigured pod fails with one
message listing every bad variable and what it accepts, instead of a stack trace from deep inside
Kafka, Cassandra or Spark code after the job has started.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

DEFAULT_SCHEMA_FILE_NAME = "users_created.avsc"
SUPPORTED_SASL_MECHANISMS = ("scram-sha-512",)
STARTING_OFFSETS_KEYWORDS = ("earliest", "latest")

# Kafka's rule for topic names (org.apache.kafka.common.internals.Topic): 1 to 249 of these, not "." or "..".
_TOPIC_PATTERN = re.compile(r"^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$")
_TOPIC = "a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_' and '-', not '.' or '..'"
# What Spark 3.5 parses for a processing-time trigger (SparkIntervalUtils.stringToInterval): units as whole words,
# "s", "ms", "min" or "h" refused; a fraction on seconds only; months and years refused by the trigger itself.
_TRIGGER_INTERVAL_PART = (
    r"(\d+\s+(microsecond|millisecond|minute|hour|day|week)s?|(\d+(\.\d{0,9})?|\.\d{1,9})\s+seconds?)"
)
_TRIGGER_INTERVAL_PATTERN = re.compile(
    rf"^(interval\s+)?{_TRIGGER_INTERVAL_PART}(\s+{_TRIGGER_INTERVAL_PART})*$", re.IGNORECASE
)
_TRIGGER_INTERVAL = "a Spark interval such as '2 seconds', '500 milliseconds' or '1 minute' (whole-word units)"
_CQL_IDENTIFIER = "a CQL identifier: a letter, then letters, digits or _, at most 48"

_Value = TypeVar("_Value")


class ConfigError(ValueError):
    """Missing or malformed environment variables; the message names each and says what it accepts."""


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


# Table-write settings of the Spark Cassandra Connector 3.5.1 (doc/reference.md, "Write Tuning Parameters";
# WriteConf.scala). Writes stay idempotent upserts at LOCAL_QUORUM, and a task still waits for every statement
# before the micro-batch commits, so these change speed only.
# Rows per unlogged batch: a row of ours is about 550 bytes as a Cassandra mutation, so 8 stay under Cassandra's
# batch_size_warn_threshold (5 KiB; 10 rows logged a warning per batch) and its
# unlogged_batch_across_partitions_warn_threshold (10 partitions).
CASSANDRA_ROWS_PER_BATCH = 8
# Statements in flight per Spark task (default 5).
CASSANDRA_CONCURRENT_WRITES = 32


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
            # Each row is its own partition (id), so the connector's default grouping ("partition") sends one INSERT
            # per row, 5 in flight per task: the table write took most of every micro-batch (bench:latency). Rows
            # for the same replicas go together in unlogged batches instead, with more of them in flight.
            "spark.cassandra.output.batch.grouping.key": "replica_set",
            "spark.cassandra.output.batch.size.rows": str(CASSANDRA_ROWS_PER_BATCH),
            "spark.cassandra.output.concurrent.writes": str(CASSANDRA_CONCURRENT_WRITES),
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


# Parsers: each returns the value or raises ValueError (OSError for a file it cannot read).


def _port(raw: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", raw) or not 0 < int(raw) < 65536:
        raise ValueError(raw)
    return int(raw)


def _address_list(host_pattern: str, port_required: bool) -> Callable[[str], str]:
    """Comma-separated `host:port` entries (or `host` alone where the port is optional), joined without spaces."""
    entry_pattern = re.compile(rf"^(?:{host_pattern})(?::([0-9]+))?$")

    def parse(raw: str) -> str:
        entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
        if not entries:
            raise ValueError(raw)
        for entry in entries:
            match = entry_pattern.match(entry)
            if match is None or (match[1] is None and port_required):
                raise ValueError(entry)
            if match[1] is not None:
                _port(match[1])
        return ",".join(entries)

    return parse


# Kafka's clients take an IPv6 address in brackets; a contact point without a port uses CASSANDRA_PORT.
_kafka_brokers = _address_list(r"\[[0-9a-fA-F:]+\]|[^\s:,/\[\]]+", port_required=True)
_KAFKA_BROKERS = "host:port[,host:port...] of the Kafka brokers, ports from 1 to 65535"
_cassandra_hosts = _address_list(r"[^\s:,/\[\]]+", port_required=False)
_CASSANDRA_HOSTS = "host[,host...] of Cassandra contact points, each with an optional :port from 1 to 65535"


def _matching(pattern: re.Pattern[str]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if not pattern.match(raw):
            raise ValueError(raw)
        return raw

    return parse


# Keyspace and table names as the dashboard reads them (apps/shared/variables.ts cqlIdentifierPattern).
_cql_identifier = _matching(re.compile(r"^[a-zA-Z][a-zA-Z0-9_]{0,47}$"))


def _boolean(raw: str) -> bool:
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise ValueError(raw)


def _sasl_mechanism(raw: str) -> str | None:
    mechanism = raw.lower()
    if mechanism == "none":
        return None
    if mechanism not in SUPPORTED_SASL_MECHANISMS:
        raise ValueError(raw)
    return mechanism


def _starting_offsets(raw: str) -> str:
    if raw.lower() in STARTING_OFFSETS_KEYWORDS:
        return raw.lower()
    # Besides the keywords, Spark takes a JSON object of offsets per topic and partition: {"users_created":{"0":42}}.
    if not isinstance(json.loads(raw), dict):
        raise ValueError(raw)
    return raw


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    # Reading .port raises ValueError for a port that is not a number up to 65535.
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.port == 0 or re.search(r"\s", raw):
        raise ValueError(raw)
    return raw


def _readable_file(path: str) -> str:
    with open(path, "rb"):
        return path


def _avro_record_schema(path: str) -> str:
    """The path, once the file there holds a JSON Avro record schema (the job reads its `fields`)."""
    with open(path, encoding="utf-8") as schema_file:
        schema = json.load(schema_file)
    if not isinstance(schema, dict) or schema.get("type") != "record" or not isinstance(schema.get("fields"), list):
        raise ValueError(path)
    return path


class _Environment:
    """Reads variables and collects every problem, so one failed start lists them all, as the Node.js apps do."""

    def __init__(self, env: Mapping[str, str]):
        self._env = env
        self.problems: list[str] = []

    def optional(self, name: str) -> str | None:
        value = self._env.get(name, "").strip()
        return value or None

    def parsed(self, name: str, parse: Callable[[str], _Value], accepted: str, default: _Value) -> _Value:
        """The variable's value through `parse`; `default` when it is unset, or bad (the problem noted)."""
        raw = self.optional(name)
        if raw is None:
            return default
        try:
            return parse(raw)
        except (ValueError, OSError) as error:
            reason = f" ({error.strerror})" if isinstance(error, OSError) and error.strerror else ""
            self.problem(name, f"expected {accepted}, got {raw!r}{reason}")
            return default

    def required(self, name: str, parse: Callable[[str], _Value], accepted: str, when: str = "") -> _Value | None:
        if self.optional(name) is None:
            self.problem(name, f"required{when} but not set ({accepted})")
            return None
        return self.parsed(name, parse, accepted, None)

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{name}: {message}")


def default_schema_path(job_file: str) -> str:
    """The schema ships next to the job file (both come from one ConfigMap mounted as one directory)."""
    return os.path.join(os.path.dirname(os.path.abspath(job_file)), DEFAULT_SCHEMA_FILE_NAME)


def _kafka_config(environment: _Environment) -> KafkaConfig:
    mechanisms = ", ".join(SUPPORTED_SASL_MECHANISMS)
    sasl_mechanism = environment.parsed(
        "KAFKA_SASL_MECHANISM", _sasl_mechanism, f"{mechanisms}, or none (or unset) for no authentication", None
    )
    username = password = None
    if sasl_mechanism is not None:
        when = f" with KAFKA_SASL_MECHANISM={sasl_mechanism}"
        username = environment.required("KAFKA_USERNAME", str, "the Kafka user", when)
        password = environment.required("KAFKA_PASSWORD", str, "the Kafka user's password", when)
    tls = environment.parsed("KAFKA_TLS", _boolean, "true or false", False)
    topic = environment.parsed("KAFKA_TOPIC", _matching(_TOPIC_PATTERN), _TOPIC, "users_created")
    dead_letter_topic = environment.parsed("KAFKA_DLQ_TOPIC", _matching(_TOPIC_PATTERN), _TOPIC, "users_created.dlq")
    if dead_letter_topic == topic:
        # The job would read its own dead letters back, reject them again and loop.
        environment.problem("KAFKA_DLQ_TOPIC", f"expected a topic other than KAFKA_TOPIC, got {topic!r} for both")
    return KafkaConfig(
        bootstrap_servers=environment.required("KAFKA_BOOTSTRAP_SERVERS", _kafka_brokers, _KAFKA_BROKERS) or "",
        topic=topic,
        dead_letter_topic=dead_letter_topic,
        sasl_mechanism=sasl_mechanism,
        username=username,
        password=password,
        tls=tls,
        tls_ca_file=environment.parsed("KAFKA_TLS_CA_FILE", _readable_file, "a readable PEM CA file", None)
        if tls
        else None,
        starting_offsets=environment.parsed(
            "STARTING_OFFSETS", _starting_offsets, "earliest, latest or a JSON object of offsets", "earliest"
        ),
    )


def _cassandra_config(environment: _Environment) -> CassandraConfig:
    credentials = {name: environment.optional(name) for name in ("CASSANDRA_USERNAME", "CASSANDRA_PASSWORD")}
    for unset, given in (("CASSANDRA_USERNAME", "CASSANDRA_PASSWORD"), ("CASSANDRA_PASSWORD", "CASSANDRA_USERNAME")):
        if credentials[unset] is None and credentials[given] is not None:
            environment.problem(unset, f"required with {given} (set both, or neither for no authentication)")
    return CassandraConfig(
        host=environment.required("CASSANDRA_HOST", _cassandra_hosts, _CASSANDRA_HOSTS) or "",
        port=environment.parsed("CASSANDRA_PORT", _port, "a TCP port from 1 to 65535", 9042),
        username=credentials["CASSANDRA_USERNAME"],
        password=credentials["CASSANDRA_PASSWORD"],
        keyspace=environment.parsed("CASSANDRA_KEYSPACE", _cql_identifier, _CQL_IDENTIFIER, "spark_streams"),
        table=environment.parsed("CASSANDRA_TABLE", _cql_identifier, _CQL_IDENTIFIER, "created_users"),
        local_datacenter=environment.optional("CASSANDRA_LOCAL_DATACENTER"),
    )


def _schema_path(environment: _Environment, job_file: str) -> str:
    shipped = default_schema_path(job_file)
    if environment.optional("AVRO_SCHEMA_PATH") is None:
        try:
            return _avro_record_schema(shipped)
        except (ValueError, OSError):
            environment.problem(
                "AVRO_SCHEMA_PATH",
                f"required, as {shipped} (the {DEFAULT_SCHEMA_FILE_NAME} shipped next to the job) is missing or "
                "not an Avro record schema",
            )
            return shipped
    return environment.parsed("AVRO_SCHEMA_PATH", _avro_record_schema, "a readable JSON Avro record schema", shipped)


def load_config(env: Mapping[str, str], job_file: str) -> JobConfig:
    """Reads and validates the job's environment. Raises ConfigError listing every bad variable."""
    environment = _Environment(env)
    kafka = _kafka_config(environment)
    cassandra = _cassandra_config(environment)
    checkpoint_location = environment.required(
        "CHECKPOINT_LOCATION", str, "a durable directory for the query's offsets and state"
    )
    trigger_interval = environment.parsed(
        "TRIGGER_INTERVAL", _matching(_TRIGGER_INTERVAL_PATTERN), _TRIGGER_INTERVAL, "2 seconds"
    )
    avro_schema_path = _schema_path(environment, job_file)
    schema_registry_url = environment.parsed(
        "SCHEMA_REGISTRY_URL", _http_url, "an http(s) URL such as http://schema-registry:8081", None
    )
    if environment.problems:
        raise ConfigError("invalid configuration:\n" + "\n".join(f"  - {problem}" for problem in environment.problems))
    return JobConfig(
        kafka=kafka,
        cassandra=cassandra,
        checkpoint_location=checkpoint_location or "",
        trigger_interval=trigger_interval,
        avro_schema_path=avro_schema_path,
        schema_registry_url=schema_registry_url,
    )
