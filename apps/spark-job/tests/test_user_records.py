"""Decode, validate, transform and dead-letter functions on a local SparkSession."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct

import pytest

import user_records as records
from conftest import (
    KAFKA_TIMESTAMP,
    TABLE_DDL_PATH,
    avro_body,
    confluent_frame,
    kafka_records,
    valid_user,
)


def only_row(dataframe):
    rows = dataframe.collect()
    assert len(rows) == 1, rows
    return rows[0]


def validated(spark, schema_json, values, **kwargs):
    return records.validate_records(kafka_records(spark, values, **kwargs), schema_json)


# --- decoding the Confluent frame -------------------------------------------------------------


def test_valid_frame_decodes_every_field_and_the_schema_id(spark, schema_json):
    user = valid_user()
    row = only_row(validated(spark, schema_json, [confluent_frame(schema_json, user, schema_id=258)]))
    assert row[records.FRAME_ERROR] is None
    assert row[records.SCHEMA_ID] == 258
    assert row[records.USER].asDict() == user
    assert row[records.REJECTION_REASON] is None


def test_optional_country_may_be_null(spark, schema_json):
    row = only_row(validated(spark, schema_json, [confluent_frame(schema_json, valid_user(country=None))]))
    assert row[records.USER]["country"] is None
    assert row[records.REJECTION_REASON] is None


def test_wrong_magic_byte_is_rejected_without_decoding(spark, schema_json):
    frame = confluent_frame(schema_json, valid_user(), magic_byte=1)
    row = only_row(validated(spark, schema_json, [frame]))
    assert row[records.FRAME_ERROR] == records.REASON_WRONG_MAGIC_BYTE
    assert row[records.USER] is None
    assert row[records.REJECTION_REASON] == records.REASON_WRONG_MAGIC_BYTE


def test_truncated_avro_body_becomes_undecodable_instead_of_failing(spark, schema_json):
    frame = confluent_frame(schema_json, valid_user())
    truncated = frame[: records.CONFLUENT_HEADER_LENGTH + 20]
    row = only_row(validated(spark, schema_json, [truncated]))
    assert row[records.FRAME_ERROR] is None
    assert row[records.USER] is None
    assert row[records.REJECTION_REASON] == records.REASON_UNDECODABLE_AVRO


def test_header_only_frame_is_undecodable(spark, schema_json):
    row = only_row(validated(spark, schema_json, [b"\x00" + struct.pack(">I", 7)]))
    assert row[records.REJECTION_REASON] == records.REASON_UNDECODABLE_AVRO


def test_frame_shorter_than_the_header_is_truncated(spark, schema_json):
    row = only_row(validated(spark, schema_json, [b"\x00\x00\x01"]))
    assert row[records.REJECTION_REASON] == records.REASON_TRUNCATED_HEADER
    assert row[records.SCHEMA_ID] is None


@pytest.mark.parametrize("value", [None, b""])
def test_missing_value_is_empty(spark, schema_json, value):
    row = only_row(validated(spark, schema_json, [value]))
    assert row[records.REJECTION_REASON] == records.REASON_EMPTY_VALUE


def test_garbage_is_rejected_and_never_raises(spark, schema_json):
    garbage = [
        b"not avro at all, just some text",  # wrong magic byte
        b"\x00\x00\x00\x00\x07" + bytes(range(255, 0, -1)),  # right header, nonsense body
        b"\x00\x00\x00\x00\x07" + b"\xff" * 40,  # varint that never ends
        b"\x00\x00\x00\x00\x07" + json.dumps(valid_user()).encode(),  # JSON, not Avro
    ]
    rows = validated(spark, schema_json, garbage).collect()
    assert len(rows) == len(garbage)
    assert rows[0][records.REJECTION_REASON] == records.REASON_WRONG_MAGIC_BYTE
    for row in rows:
        assert row[records.REJECTION_REASON] is not None, row


def test_one_bad_record_does_not_affect_its_neighbours(spark, schema_json):
    values = [
        confluent_frame(schema_json, valid_user(id="00000000-0000-4000-8000-000000000001")),
        b"\x00\x00\x00\x00\x07\x02",
        confluent_frame(schema_json, valid_user(id="00000000-0000-4000-8000-000000000002")),
    ]
    reasons = [
        row[records.REJECTION_REASON] for row in validated(spark, schema_json, values).orderBy("offset").collect()
    ]
    assert reasons == [None, records.REASON_UNDECODABLE_AVRO, None]


# --- validation --------------------------------------------------------------------------------


def test_required_fields_come_from_the_schema(schema_json):
    required = records.required_field_names(schema_json)
    assert "country" not in required
    assert required[:2] == ["id", "first_name"]
    assert len(required) == len(records.record_field_names(schema_json)) - 1


@pytest.mark.parametrize(
    ("overrides", "expected_reason"),
    [
        ({"first_name": ""}, "missing_field:first_name"),
        ({"email": "   "}, "missing_field:email"),
        ({"id": ""}, "missing_field:id"),
        ({"id": "not-a-uuid"}, records.REASON_INVALID_ID),
        ({"id": "3f2b8c1e9d4a4e6f8a7b1c2d3e4f5a6b"}, records.REASON_INVALID_ID),
        ({"email": "ada.example.org"}, records.REASON_INVALID_EMAIL),
        ({"email": "ada@localhost"}, records.REASON_INVALID_EMAIL),
        ({"email": "a da@example.org"}, records.REASON_INVALID_EMAIL),
    ],
)
def test_single_validation_failures(spark, schema_json, overrides, expected_reason):
    row = only_row(validated(spark, schema_json, [confluent_frame(schema_json, valid_user(**overrides))]))
    assert row[records.REJECTION_REASON] == expected_reason


def test_all_field_failures_are_listed_together(spark, schema_json):
    user = valid_user(id="nope", last_name="", phone="", email="nobody")
    row = only_row(validated(spark, schema_json, [confluent_frame(schema_json, user)]))
    assert row[records.REJECTION_REASON].split(",") == [
        "missing_field:last_name",
        "missing_field:phone",
        records.REASON_INVALID_ID,
        records.REASON_INVALID_EMAIL,
    ]


def test_uppercase_uuid_and_surrounding_spaces_are_accepted(spark, schema_json):
    user = valid_user(id=" 3F2B8C1E-9D4A-4E6F-8A7B-1C2D3E4F5A6B ")
    row = only_row(validated(spark, schema_json, [confluent_frame(schema_json, user)]))
    assert row[records.REJECTION_REASON] is None


def test_accepted_and_rejected_partition_the_batch(spark, schema_json):
    values = [confluent_frame(schema_json, valid_user()), b"garbage", None]
    batch = validated(spark, schema_json, values)
    assert records.accepted(batch).count() == 1
    assert records.rejected(batch).count() == 2


# --- rows for the table ------------------------------------------------------------------------


def table_columns_in_ddl() -> list[str]:
    statements = "\n".join(
        line for line in TABLE_DDL_PATH.read_text().splitlines() if not line.lstrip().startswith("--")
    )
    create_table = statements[statements.upper().index("CREATE TABLE") :]
    body = create_table[create_table.index("(") + 1 : create_table.rindex(")")]
    return [re.match(r"\s*(\w+)", line).group(1) for line in body.split(",") if line.strip()]


def test_table_columns_match_the_ddl():
    assert list(records.TABLE_COLUMNS) == table_columns_in_ddl()


def test_rows_have_the_table_columns_and_kafka_timestamp(spark, schema_json):
    user = valid_user(id="3F2B8C1E-9D4A-4E6F-8A7B-1C2D3E4F5A6B")
    batch = validated(spark, schema_json, [confluent_frame(schema_json, user)])
    rows = records.to_table_rows(records.accepted(batch), records.record_field_names(schema_json))
    assert rows.columns == list(records.TABLE_COLUMNS)
    row = only_row(rows).asDict()
    assert row["id"] == "3f2b8c1e-9d4a-4e6f-8a7b-1c2d3e4f5a6b"
    assert row["produced_at"] == KAFKA_TIMESTAMP.replace(tzinfo=None)
    assert row["ingested_at"] is not None and row["ingested_at"] > row["produced_at"]
    for name in ("first_name", "last_name", "gender", "address", "country", "post_code", "email", "username"):
        assert row[name] == user[name]
    assert (row["dob"], row["registered_date"], row["phone"], row["picture"]) == (
        user["dob"],
        user["registered_date"],
        user["phone"],
        user["picture"],
    )


def test_only_the_newest_record_per_id_reaches_the_table(spark, schema_json):
    same_id = "00000000-0000-4000-8000-00000000000a"
    values = [
        confluent_frame(schema_json, valid_user(id=same_id, first_name="first")),
        confluent_frame(schema_json, valid_user(id=same_id, first_name="second")),
        confluent_frame(schema_json, valid_user(id="00000000-0000-4000-8000-00000000000b")),
    ]
    batch = validated(spark, schema_json, values)
    rows = records.to_table_rows(records.accepted(batch), records.record_field_names(schema_json))
    names_by_id = {row["id"]: row["first_name"] for row in rows.collect()}
    assert names_by_id == {same_id: "second", "00000000-0000-4000-8000-00000000000b": "Ada"}


# --- dead letters ------------------------------------------------------------------------------


def test_dead_letter_keeps_key_and_carries_reason_origin_and_original_bytes(spark, schema_json):
    bad_frame = confluent_frame(schema_json, valid_user(email="nobody"), schema_id=9)
    batch = validated(spark, schema_json, [bad_frame], keys=[b"user-key"], partition=3, first_offset=41)
    dead_letters = records.to_dead_letters(records.rejected(batch))
    assert dead_letters.columns == ["key", "value"]
    row = only_row(dead_letters)
    assert bytes(row["key"]) == b"user-key"
    letter = json.loads(row["value"])
    assert letter == {
        "reason": records.REASON_INVALID_EMAIL,
        "original_value_base64": base64.b64encode(bad_frame).decode(),
        "topic": "users_created",
        "partition": 3,
        "offset": 41,
        "timestamp": "2026-01-02T03:04:05.678Z",
        "schema_id": 9,
    }


def test_dead_letter_of_an_oversized_record_is_cut_and_marked_so_the_dlq_accepts_it(spark, schema_json):
    # Just under Kafka's default 1 MiB message limit: in full and in base64 it would not fit the dead-letter topic.
    huge = b"\x00\x00\x00\x00\x01" + bytes(range(256)) * 3900
    batch = validated(spark, schema_json, [huge], keys=[None], partition=1, first_offset=7)
    row = only_row(records.to_dead_letters(records.rejected(batch)))
    assert len(row["value"].encode()) < 512 * 1024
    letter = json.loads(row["value"])
    cap = records.DEAD_LETTER_MAX_ORIGINAL_BYTES
    assert base64.b64decode(letter["original_value_base64"]) == huge[:cap]
    assert letter["original_value_truncated"] is True
    assert letter["original_value_bytes"] == len(huge)
    assert letter["original_value_sha256"] == hashlib.sha256(huge).hexdigest()
    assert (letter["partition"], letter["offset"]) == (1, 7)


def test_dead_letter_of_an_empty_value_has_no_payload_or_schema_id(spark, schema_json):
    batch = validated(spark, schema_json, [None], keys=[b"k"])
    letter = json.loads(only_row(records.to_dead_letters(records.rejected(batch)))["value"])
    assert letter["reason"] == records.REASON_EMPTY_VALUE
    assert "original_value_base64" not in letter  # to_json leaves out null fields
    assert "schema_id" not in letter


def test_avro_body_helper_round_trips(schema_json):
    # Guards the test helper itself: the body alone must not carry a Confluent header.
    assert avro_body(schema_json, valid_user())[:1] != b"\x00"
