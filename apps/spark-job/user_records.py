"""Pure DataFrame functions of the streaming job: decode, validate, shape rows, build dead letters.

Everything here is column expressions evaluated in the JVM (no Python UDFs), so executors need
no Python modules of ours and the functions run the same on a static DataFrame in a test as on a
micro-batch in the cluster.

Input is the Kafka source's schema: key, value (binary), topic, partition, offset, timestamp.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.avro.functions import from_avro

# Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body.
CONFLUENT_MAGIC_BYTE_HEX = "00"
CONFLUENT_HEADER_LENGTH = 5

# Column names added by the functions below.
FRAME_ERROR = "frame_error"
SCHEMA_ID = "schema_id"
USER = "user"
REJECTION_REASON = "rejection_reason"

# Rejection reasons (stable strings: dashboards and alerts on the dead-letter topic match on them).
REASON_EMPTY_VALUE = "empty_value"
REASON_TRUNCATED_HEADER = "truncated_header"
REASON_WRONG_MAGIC_BYTE = "wrong_magic_byte"
REASON_UNDECODABLE_AVRO = "undecodable_avro"
REASON_UNKNOWN_SCHEMA_ID = "unknown_schema_id"
REASON_INVALID_ID = "invalid_id"
REASON_INVALID_EMAIL = "invalid_email"
MISSING_FIELD_PREFIX = "missing_field:"

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# Deliberately loose: one @, no whitespace, a dot in the domain. Real validation is the mailbox's job.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# Columns of created_users (apps/schemas/created_users.cql), in DDL order; a test keeps them in sync.
TABLE_COLUMNS = (
    "id",
    "first_name",
    "last_name",
    "gender",
    "address",
    "country",
    "post_code",
    "email",
    "username",
    "dob",
    "registered_date",
    "phone",
    "picture",
    "produced_at",
    "ingested_at",
)


def record_field_names(schema_json: str) -> list[str]:
    return [field["name"] for field in json.loads(schema_json)["fields"]]


def required_field_names(schema_json: str) -> list[str]:
    """Fields the schema declares non-nullable: a union containing "null" marks an optional one."""
    required = []
    for field in json.loads(schema_json)["fields"]:
        field_type = field["type"]
        if isinstance(field_type, list) and "null" in field_type:
            continue
        required.append(field["name"])
    return required


def decode_confluent_avro(
    kafka_records: DataFrame, schema_json: str, writer_schemas: Mapping[int, str] | None = None
) -> DataFrame:
    """Adds frame_error (null when the Confluent header is sound), schema_id and user (the decoded
    record, null when the frame or the Avro body is bad). Never fails on a bad record: from_avro
    runs in PERMISSIVE mode, so a body it cannot parse does not raise.

    With writer_schemas (schema id -> the schema the producer wrote with, from the registry), each
    body is read with its own writer schema and resolved to schema_json (the reader) by Avro's rules:
    from_avro's `avroSchema` option is the reader schema of its GenericDatumReader(writer, reader).
    A framed record whose id is not in writer_schemas is rejected as unknown_schema_id. Without
    writer_schemas every body is read with schema_json itself."""
    value = F.col("value")
    value_length = F.length(value)
    frame_error = (
        F.when(value.isNull() | (value_length == 0), F.lit(REASON_EMPTY_VALUE))
        .when(value_length < CONFLUENT_HEADER_LENGTH, F.lit(REASON_TRUNCATED_HEADER))
        .when(F.hex(F.expr("substring(value, 1, 1)")) != CONFLUENT_MAGIC_BYTE_HEX, F.lit(REASON_WRONG_MAGIC_BYTE))
    )
    schema_id = F.when(
        value_length >= CONFLUENT_HEADER_LENGTH,
        F.conv(F.hex(F.expr("substring(value, 2, 4)")), 16, 10).cast("long"),
    )
    if writer_schemas is not None:
        known_ids = sorted(writer_schemas)
        unknown = schema_id.isin(known_ids) if known_ids else F.lit(False)
        frame_error = frame_error.when(~unknown, F.lit(REASON_UNKNOWN_SCHEMA_ID))
    avro_body = F.when(frame_error.isNull(), F.expr(f"substring(value, {CONFLUENT_HEADER_LENGTH + 1})"))
    if writer_schemas is None or not writer_schemas:
        decoded = from_avro(avro_body, schema_json, {"mode": "PERMISSIVE"})
    else:
        # Every branch has the reader's type (the avroSchema option), so coalesce can join them.
        decoded = F.coalesce(
            *[
                from_avro(
                    F.when(schema_id == writer_id, avro_body),
                    writer_schemas[writer_id],
                    {"mode": "PERMISSIVE", "avroSchema": schema_json},
                )
                for writer_id in sorted(writer_schemas)
            ]
        )
    # PERMISSIVE yields a struct of nulls (not a null struct) for a body it cannot parse. A parsed
    # record never has a null in a non-union field, so a null in the first required one means failure.
    first_required = required_field_names(schema_json)[0]
    user = _let(decoded, lambda record: F.when(record[first_required].isNotNull(), record))
    return kafka_records.withColumn(FRAME_ERROR, frame_error).withColumn(SCHEMA_ID, schema_id).withColumn(USER, user)


def _let(value: Column, body: Callable[[Column], Column]) -> Column:
    """body(value), with value bound once. When Spark pushes a filter below a projection it inlines
    every column reference, so a decoded struct read by twenty checks would be decoded twenty times
    (and the plan grows with each layer). A one-element transform() binds it to a lambda variable."""
    return F.transform(F.array(value), body)[0]


def _blank(column: Column) -> Column:
    return column.isNull() | (F.trim(column) == "")


def _join_reasons(reasons: Iterable[Column]) -> Column:
    """Comma-joined list of the non-null reasons, or null when there are none."""
    joined = F.concat_ws(",", F.array(*reasons))  # concat_ws skips nulls
    return F.when(joined != "", joined)


def add_rejection_reason(decoded: DataFrame, required_fields: Iterable[str]) -> DataFrame:
    """Adds rejection_reason: null for a record fit for the table, otherwise why it is not.
    A frame or decoding error is the only reason given (fields are unknowable then); otherwise every
    failed field check is listed, so one trip through the dead-letter topic shows all that is wrong."""
    required_fields = list(required_fields)

    def field_problems(user: Column) -> Column:
        checks = [F.when(_blank(user[name]), F.lit(MISSING_FIELD_PREFIX + name)) for name in required_fields]
        checks.append(F.when(~_blank(user["id"]) & ~F.trim(user["id"]).rlike(UUID_PATTERN), F.lit(REASON_INVALID_ID)))
        checks.append(
            F.when(~_blank(user["email"]) & ~F.trim(user["email"]).rlike(EMAIL_PATTERN), F.lit(REASON_INVALID_EMAIL))
        )
        return F.when(user.isNull(), F.lit(REASON_UNDECODABLE_AVRO)).otherwise(_join_reasons(checks))

    reason = F.coalesce(F.col(FRAME_ERROR), _let(F.col(USER), field_problems))
    return decoded.withColumn(REJECTION_REASON, reason)


def accepted(validated: DataFrame) -> DataFrame:
    return validated.where(F.col(REJECTION_REASON).isNull())


def rejected(validated: DataFrame) -> DataFrame:
    return validated.where(F.col(REJECTION_REASON).isNotNull())


def to_table_rows(accepted_records: DataFrame, record_fields: Iterable[str]) -> DataFrame:
    """Rows for created_users: the record's fields, produced_at from the Kafka record timestamp and
    ingested_at from the batch's clock. Within one batch only the newest record per id is kept,
    so the upsert's outcome does not depend on the order the connector happens to write rows in."""
    user = F.col(USER)
    field_columns = {name: user[name] for name in record_fields}
    field_columns["id"] = F.lower(F.trim(user["id"]))
    newest_first = Window.partitionBy("id").orderBy(
        F.col("produced_at").desc(), F.col("partition").desc(), F.col("offset").desc()
    )
    rows = (
        accepted_records.select(
            *[column.alias(name) for name, column in field_columns.items()],
            F.col("timestamp").alias("produced_at"),
            F.col("partition"),
            F.col("offset"),
        )
        .withColumn("_rank", F.row_number().over(newest_first))
        .where(F.col("_rank") == 1)
        .withColumn("ingested_at", F.current_timestamp())
    )
    return rows.select(*TABLE_COLUMNS)


# Original bytes a dead letter carries at most. A record near the broker's message limit (1 MiB by default) would
# grow by a third in base64 and be refused by the dead-letter topic, failing every retry of the batch; past this
# size the letter carries the first bytes, the full length and the sha256, and the source offset finds the rest.
DEAD_LETTER_MAX_ORIGINAL_BYTES = 256 * 1024


def to_dead_letters(rejected_records: DataFrame) -> DataFrame:
    """Kafka rows (key, value) for the dead-letter topic: the original key, and a JSON value holding
    the reason, the original bytes in base64 and where the record came from, so it can be replayed.
    An original over DEAD_LETTER_MAX_ORIGINAL_BYTES is cut there and marked (truncated, length, sha256)."""
    original = F.col("value")
    oversized = F.length(original) > DEAD_LETTER_MAX_ORIGINAL_BYTES
    kept = F.when(oversized, F.expr(f"substring(value, 1, {DEAD_LETTER_MAX_ORIGINAL_BYTES})")).otherwise(original)
    value = F.to_json(
        F.struct(
            F.col(REJECTION_REASON).alias("reason"),
            # Spark 3.5's base64() may wrap lines MIME-style (spark.sql.chunkBase64String.enabled);
            # a JSON consumer wants one plain string.
            F.regexp_replace(F.base64(kept), r"[\r\n]", "").alias("original_value_base64"),
            # Null (and so left out by to_json) unless the original was cut.
            F.when(oversized, F.lit(True)).alias("original_value_truncated"),
            F.when(oversized, F.length(original)).alias("original_value_bytes"),
            F.when(oversized, F.sha2(original, 256)).alias("original_value_sha256"),
            F.col("topic"),
            F.col("partition"),
            F.col("offset"),
            F.date_format(F.col("timestamp"), "yyyy-MM-dd'T'HH:mm:ss.SSSXXX").alias("timestamp"),
            F.col(SCHEMA_ID).alias("schema_id"),
        )
    )
    return rejected_records.select(F.col("key"), value.alias("value"))


def validate_records(
    kafka_records: DataFrame, schema_json: str, writer_schemas: Mapping[int, str] | None = None
) -> DataFrame:
    """decode + validate in one step: the shape main() and the tests both start from."""
    decoded = decode_confluent_avro(kafka_records, schema_json, writer_schemas)
    return add_rejection_reason(decoded, required_field_names(schema_json))


def rejection_summary(validated: DataFrame) -> tuple[int, list[int]]:
    """In one pass: how many records are rejected, and the distinct schema ids of those rejected as
    unknown_schema_id (ids the writer schemas given to decode_confluent_avro lacked)."""
    reason = F.col(REJECTION_REASON)
    row = validated.agg(
        F.count(reason).alias("rejected"),  # count() skips nulls: accepted records have none
        F.collect_set(F.when(reason == REASON_UNKNOWN_SCHEMA_ID, F.col(SCHEMA_ID))).alias("unknown_ids"),
    ).first()
    if row is None:
        return 0, []
    return int(row["rejected"]), sorted(int(schema_id) for schema_id in row["unknown_ids"])
