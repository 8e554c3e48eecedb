"""The real foreachBatch function inside a real streaming query (file source standing in for Kafka,
in-memory sinks standing in for Cassandra and the dead-letter topic)."""

from __future__ import annotations

import json

import streaming_job
import user_records as records
from conftest import JOB_DIR, SCHEMA_PATH, confluent_frame, kafka_records, valid_user


class RecordingSinks:
    def __init__(self):
        self.rows = []
        self.dead_letters = []

    def write_rows(self, rows):
        self.rows.extend(row.asDict() for row in rows.collect())

    def write_dead_letters(self, dead_letters):
        self.dead_letters.extend(json.loads(row["value"]) for row in dead_letters.collect())


def run_available_data(spark, source_dir, checkpoint_dir, schema_json, sinks):
    schema = kafka_records(spark, [b""]).schema
    query = (
        spark.readStream.schema(schema)
        .parquet(str(source_dir))
        .writeStream.foreachBatch(
            streaming_job.make_batch_writer(schema_json, sinks.write_rows, sinks.write_dead_letters)
        )
        .option("checkpointLocation", str(checkpoint_dir))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination(180)
    assert not query.isActive, "query did not finish within 180 s"
    assert query.exception() is None


def test_bad_records_go_to_dead_letters_and_the_query_keeps_going(spark, schema_json, tmp_path):
    source_dir, checkpoint_dir = tmp_path / "source", tmp_path / "checkpoint"
    first_id, second_id = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
    kafka_records(
        spark,
        [confluent_frame(schema_json, valid_user(id=first_id)), b"\x01garbage", b"\x00\x00\x00\x00\x07\xff\xff"],
        first_offset=0,
    ).write.mode("append").parquet(str(source_dir))

    sinks = RecordingSinks()
    run_available_data(spark, source_dir, checkpoint_dir, schema_json, sinks)
    assert [row["id"] for row in sinks.rows] == [first_id]
    assert sorted(letter["reason"] for letter in sinks.dead_letters) == [
        records.REASON_UNDECODABLE_AVRO,
        records.REASON_WRONG_MAGIC_BYTE,
    ]

    # A restart from the same checkpoint sees only what arrived since, the way the job resumes on Kafka.
    second_batch = kafka_records(spark, [confluent_frame(schema_json, valid_user(id=second_id))], first_offset=3)
    second_batch.write.mode("append").parquet(str(source_dir))
    resumed = RecordingSinks()
    run_available_data(spark, source_dir, checkpoint_dir, schema_json, resumed)
    assert [row["id"] for row in resumed.rows] == [second_id]
    assert resumed.dead_letters == []


def test_a_bad_environment_exits_2_before_any_spark_session(monkeypatch, capsys):
    for name in json.loads((JOB_DIR / "environment.json").read_text())["variables"]:
        monkeypatch.delenv(name, raising=False)
    # Both used to pass load_config: the first failed in the Kafka client, the second when the query started.
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka")
    monkeypatch.setenv("TRIGGER_INTERVAL", "2 s")
    monkeypatch.setenv("CASSANDRA_HOST", "cassandra")
    monkeypatch.setenv("CHECKPOINT_LOCATION", "/checkpoints/users")
    monkeypatch.setenv("AVRO_SCHEMA_PATH", str(SCHEMA_PATH))

    def no_session(_config):
        raise AssertionError("main built a Spark session from a bad environment")

    monkeypatch.setattr(streaming_job, "build_session", no_session)
    assert streaming_job.main() == 2
    error = capsys.readouterr().err
    assert error.startswith("streaming_job: invalid configuration:\n")
    assert "  - KAFKA_BOOTSTRAP_SERVERS: expected host:port[,host:port...] of the Kafka brokers" in error
    assert "  - TRIGGER_INTERVAL: expected a Spark interval such as '2 seconds'" in error
