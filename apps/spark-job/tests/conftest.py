"""Shared fixtures: a small local SparkSession with spark-avro, and Kafka-shaped test records."""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import fastavro
import pytest

JOB_DIR = Path(__file__).resolve().parent.parent
REPO_APPS_DIR = JOB_DIR.parent
SCHEMA_PATH = REPO_APPS_DIR / "schemas" / "users_created.avsc"
TABLE_DDL_PATH = REPO_APPS_DIR / "schemas" / "created_users.cql"

sys.path.insert(0, str(JOB_DIR))
# The helper this suite shares with the DAG tests (apps/testing/tsx_json.py).
sys.path.insert(0, str(REPO_APPS_DIR / "testing"))

# PySpark turns collected timestamps into naive datetimes in the Python process's local zone; pin it
# (and the JVM's, via the session) to UTC so expected values do not depend on the machine.
os.environ["TZ"] = "UTC"
time.tzset()
# Python workers must be this interpreter (the venv's), not whatever python3 is first on PATH.
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def spark_avro_coordinate() -> str:
    """The spark-avro coordinate pinned for the cluster, so the tests exercise the same jar."""
    packages = json.loads((JOB_DIR / "versions.json").read_text())["packages"]
    return next(package for package in packages if ":spark-avro_" in package)


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    cache_dir = os.environ.get("STREAMSTACK_CACHE") or os.path.join(Path.home(), ".cache", "streamstack")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("streamstack-spark-job-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.jars.packages", spark_avro_coordinate())
        .config("spark.jars.ivy", os.path.join(cache_dir, "ivy"))
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def schema_json() -> str:
    return SCHEMA_PATH.read_text()


def valid_user(**overrides) -> dict:
    user = {
        "id": "3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "gender": "female",
        "address": "12 St James's Square, London",
        "post_code": "SW1Y 4JH",
        "email": "ada@example.org",
        "username": "ada1815",
        "dob": "1815-12-10T00:00:00Z",
        "registered_date": "2024-01-01T00:00:00Z",
        "phone": "+44 20 7946 0000",
        "picture": "https://example.org/ada.png",
        "country": "United Kingdom",
    }
    user.update(overrides)
    return user


def avro_body(schema_json: str, record: dict) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(json.loads(schema_json)), record)
    return buffer.getvalue()


def confluent_frame(schema_json: str, record: dict, schema_id: int = 7, magic_byte: int = 0) -> bytes:
    return bytes([magic_byte]) + struct.pack(">I", schema_id) + avro_body(schema_json, record)


# timezone.utc, not datetime.UTC (Python 3.11+): setup-python-venv.sh still accepts Python 3.10.
KAFKA_TIMESTAMP = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc)


def kafka_records(spark, values, keys=None, topic="users_created", partition=0, first_offset=100, timestamps=None):
    """A DataFrame with the Kafka source's schema holding the given values (bytes or None)."""
    from pyspark.sql.types import (
        BinaryType,
        IntegerType,
        LongType,
        StringType,
        StructField,
        StructType,
        TimestampType,
    )

    kafka_schema = StructType(
        [
            StructField("key", BinaryType()),
            StructField("value", BinaryType()),
            StructField("topic", StringType()),
            StructField("partition", IntegerType()),
            StructField("offset", LongType()),
            StructField("timestamp", TimestampType()),
            StructField("timestampType", IntegerType()),
        ]
    )
    keys = keys or [None] * len(values)
    timestamps = timestamps or [KAFKA_TIMESTAMP] * len(values)
    rows = [
        (
            bytearray(key) if key is not None else None,
            bytearray(value) if value is not None else None,
            topic,
            partition,
            first_offset + index,
            timestamps[index],
            0,
        )
        for index, (key, value) in enumerate(zip(keys, values, strict=True))
    ]
    return spark.createDataFrame(rows, kafka_schema)
