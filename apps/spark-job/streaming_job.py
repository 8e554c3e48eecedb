"""Streams users_created from Kafka into Cassandra; bad records go to the dead-letter topic.

main() only wires config, the session and the query; the record logic lives in user_records.py.
Delivery is at-least-once: a micro-batch that fails part-way is replayed from the checkpoint, which
is harmless for the table (an upsert by id) and may repeat a dead letter.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming import StreamingQuery

import user_records
from job_config import ConfigError, JobConfig, load_config
from schema_registry import WriterSchemas

LOG = logging.getLogger("streamstack.streaming_job")
QUERY_NAME = "users_created_to_cassandra"
CASSANDRA_FORMAT = "org.apache.spark.sql.cassandra"


def build_session(config: JobConfig) -> SparkSession:
    builder = SparkSession.builder.appName("streamstack-users-created").config("spark.sql.session.timeZone", "UTC")
    for key, value in config.cassandra.spark_conf().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read_kafka(spark: SparkSession, config: JobConfig) -> DataFrame:
    return (
        spark.readStream.format("kafka")
        .options(**config.kafka.client_options())
        .option("subscribe", config.kafka.topic)
        .option("startingOffsets", config.kafka.starting_offsets)
        .load()
    )


def cassandra_writer(config: JobConfig) -> Callable[[DataFrame], None]:
    def write_rows(rows: DataFrame) -> None:
        (
            rows.write.format(CASSANDRA_FORMAT)
            .mode("append")  # the connector writes INSERTs: an upsert by primary key
            .options(keyspace=config.cassandra.keyspace, table=config.cassandra.table)
            .save()
        )

    return write_rows


def dead_letter_writer(config: JobConfig) -> Callable[[DataFrame], None]:
    def write_dead_letters(dead_letters: DataFrame) -> None:
        (
            dead_letters.write.format("kafka")
            .options(**config.kafka.client_options())
            .option("topic", config.kafka.dead_letter_topic)
            .save()
        )

    return write_dead_letters


def make_batch_writer(
    schema_json: str,
    write_rows: Callable[[DataFrame], None],
    write_dead_letters: Callable[[DataFrame], None],
    writer_schemas: WriterSchemas | None = None,
) -> Callable[[DataFrame, int], None]:
    """The foreachBatch function: validate once, then send each record to exactly one destination.
    The sinks are parameters so a test can run the same function against in-memory sinks.
    With writer_schemas, each record is decoded with the schema its Confluent id names (see
    user_records.decode_confluent_avro); a registry outage for an id not cached yet fails the batch
    after retries, and the restarted query replays it from the checkpoint."""
    record_fields = user_records.record_field_names(schema_json)

    def validated_batch(batch: DataFrame) -> tuple[DataFrame, int]:
        """The batch validated and persisted (the sinks both read it), and how many records it rejects.
        Decoded first with the writer schemas cached so far: one Spark job, in which the ids the cache
        lacks show up as unknown_schema_id rejects. Only when the registry then knows one of those ids
        is the batch validated again; an id it does not know stays a dead letter."""
        known = writer_schemas.cached() if writer_schemas is not None else None
        validated = user_records.validate_records(batch, schema_json, known).persist()
        rejected_count, unresolved_ids = user_records.rejection_summary(validated)
        if writer_schemas is not None and unresolved_ids and writer_schemas.resolve(unresolved_ids):
            validated.unpersist()
            validated = user_records.validate_records(batch, schema_json, writer_schemas.cached()).persist()
            rejected_count, _ = user_records.rejection_summary(validated)
        return validated, rejected_count

    def write_batch(batch: DataFrame, batch_id: int) -> None:
        validated, rejected_count = validated_batch(batch)
        try:
            if rejected_count:
                write_dead_letters(user_records.to_dead_letters(user_records.rejected(validated)))
            write_rows(user_records.to_table_rows(user_records.accepted(validated), record_fields))
            LOG.info("batch %d: %d record(s) rejected to the dead-letter topic", batch_id, rejected_count)
        finally:
            validated.unpersist()

    return write_batch


def start_query(spark: SparkSession, config: JobConfig, schema_json: str) -> StreamingQuery:
    writer_schemas = WriterSchemas(config.schema_registry_url) if config.schema_registry_url else None
    batch_writer = make_batch_writer(schema_json, cassandra_writer(config), dead_letter_writer(config), writer_schemas)
    return (
        read_kafka(spark, config)
        .writeStream.queryName(QUERY_NAME)
        .foreachBatch(batch_writer)
        .option("checkpointLocation", config.checkpoint_location)
        .trigger(processingTime=config.trigger_interval)
        .start()
    )


def run_until_stopped(query: StreamingQuery, stop_requested: threading.Event) -> None:
    """Polls instead of blocking in awaitTermination() so SIGTERM can stop the query between batches'
    progress checks; the checkpoint makes a restart resume where this run stopped."""
    while query.isActive and not stop_requested.is_set():
        query.awaitTermination(5)
    if query.isActive:
        LOG.info("stop requested, stopping query %s", QUERY_NAME)
        query.stop()
    error = query.exception()
    if error is not None:
        raise RuntimeError(f"streaming query {QUERY_NAME} failed: {error}")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = load_config(os.environ, __file__)
    except ConfigError as error:
        print(f"streaming_job: {error}", file=sys.stderr)
        return 2
    with open(config.avro_schema_path, encoding="utf-8") as schema_file:
        schema_json = schema_file.read()

    spark = build_session(config)
    query = start_query(spark, config, schema_json)
    LOG.info(
        "query %s started: %s -> %s.%s (dead letters to %s), checkpoint %s",
        QUERY_NAME,
        config.kafka.topic,
        config.cassandra.keyspace,
        config.cassandra.table,
        config.kafka.dead_letter_topic,
        config.checkpoint_location,
    )
    stop_requested = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop_requested.set())
    run_until_stopped(query, stop_requested)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
