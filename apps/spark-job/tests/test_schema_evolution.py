"""Writer-schema decoding (issue 9): each record is read with the schema its Confluent id names and resolved to
the job's reader schema by Avro's rules; an id the registry does not know is a dead letter."""

from __future__ import annotations

import json

import pytest

import streaming_job
import user_records as records
from conftest import confluent_frame, kafka_records, valid_user
from schema_registry import RegistryUnavailable, WriterSchemas

V1_ID, V2_ID, OTHER_ID = 11, 12, 13


def v2_schema(schema_json: str) -> str:
    """v1 plus an optional field with a default: a BACKWARD-compatible change a producer may ship."""
    schema = json.loads(schema_json)
    schema["fields"].append({"name": "nickname", "type": ["null", "string"], "default": None})
    return json.dumps(schema)


def v2_without_country(schema_json: str) -> str:
    """A writer that never had the reader's optional `country`: the reader's default (null) fills it."""
    schema = json.loads(v2_schema(schema_json))
    schema["fields"] = [field for field in schema["fields"] if field["name"] != "country"]
    return json.dumps(schema)


OTHER_SCHEMA = json.dumps(
    {"type": "record", "name": "Order", "fields": [{"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]}
)


def decode(spark, schema_json, frames, writers):
    rows = records.validate_records(kafka_records(spark, frames), schema_json, writers).collect()
    return rows


def test_v1_and_v2_records_both_decode_to_the_reader_fields(spark, schema_json):
    v2 = v2_schema(schema_json)
    v1_user = valid_user(id="00000000-0000-4000-8000-0000000000a1")
    v2_user = dict(valid_user(id="00000000-0000-4000-8000-0000000000a2"), nickname="Countess")
    rows = decode(
        spark,
        schema_json,
        [confluent_frame(schema_json, v1_user, schema_id=V1_ID), confluent_frame(v2, v2_user, schema_id=V2_ID)],
        {V1_ID: schema_json, V2_ID: v2},
    )
    assert [row[records.REJECTION_REASON] for row in rows] == [None, None]
    assert rows[0][records.USER].asDict() == v1_user
    # The writer's extra field is dropped: the reader (the table's shape) does not have it.
    assert rows[1][records.USER].asDict() == valid_user(id=v2_user["id"])


def test_a_field_the_writer_lacks_takes_the_reader_default(spark, schema_json):
    writer = v2_without_country(schema_json)
    user = {key: value for key, value in valid_user().items() if key != "country"}
    user["nickname"] = None
    rows = decode(spark, schema_json, [confluent_frame(writer, user, schema_id=V2_ID)], {V2_ID: writer})
    assert rows[0][records.REJECTION_REASON] is None
    assert rows[0][records.USER]["country"] is None


def test_reading_with_the_reader_schema_alone_would_misread_what_the_writer_sent(spark, schema_json):
    """Why the writer schema matters: the writer has no `country` but a `nickname` in its place, so reading its
    bytes with the reader schema puts the nickname into country; with the writer schema it resolves exactly."""
    writer = v2_without_country(schema_json)
    user = dict({key: value for key, value in valid_user().items() if key != "country"}, nickname="Countess")
    frame = confluent_frame(writer, user, schema_id=V2_ID)
    assert decode(spark, schema_json, [frame], None)[0][records.USER]["country"] == "Countess"
    assert decode(spark, schema_json, [frame], {V2_ID: writer})[0][records.USER]["country"] is None


def test_an_id_the_registry_does_not_know_is_a_dead_letter(spark, schema_json):
    rows = decode(spark, schema_json, [confluent_frame(schema_json, valid_user(), schema_id=999)], {V1_ID: schema_json})
    assert rows[0][records.REJECTION_REASON] == records.REASON_UNKNOWN_SCHEMA_ID
    letter = json.loads(
        records.to_dead_letters(
            records.rejected(
                records.validate_records(
                    kafka_records(spark, [confluent_frame(schema_json, valid_user(), schema_id=999)], first_offset=42),
                    schema_json,
                    {V1_ID: schema_json},
                )
            )
        ).collect()[0]["value"]
    )
    assert (letter["reason"], letter["partition"], letter["offset"]) == (records.REASON_UNKNOWN_SCHEMA_ID, 0, 42)


def test_no_known_id_at_all_rejects_every_framed_record(spark, schema_json):
    rows = decode(spark, schema_json, [confluent_frame(schema_json, valid_user(), schema_id=V1_ID)], {})
    assert rows[0][records.REJECTION_REASON] == records.REASON_UNKNOWN_SCHEMA_ID


def test_the_right_id_with_another_schemas_body_is_rejected(spark, schema_json):
    order = {"sku": "A-1", "qty": 3}
    rows = decode(spark, schema_json, [confluent_frame(OTHER_SCHEMA, order, schema_id=V1_ID)], {V1_ID: schema_json})
    assert rows[0][records.REJECTION_REASON] is not None


def test_rejection_summary_counts_rejects_and_lists_each_unknown_id_once(spark, schema_json):
    frames = [
        confluent_frame(schema_json, valid_user(), schema_id=V1_ID),
        confluent_frame(schema_json, valid_user(), schema_id=V2_ID),
        confluent_frame(schema_json, valid_user(), schema_id=V2_ID),
        confluent_frame(schema_json, valid_user(), schema_id=OTHER_ID),
        confluent_frame(schema_json, valid_user(), schema_id=V2_ID, magic_byte=1),
        b"\x00\x00",
        None,
    ]
    validated = records.validate_records(kafka_records(spark, frames), schema_json, {V1_ID: schema_json})
    # Rejected: two V2 and one OTHER (unknown ids), the wrong magic byte, the truncated header, the empty value.
    assert records.rejection_summary(validated) == (6, [V2_ID, OTHER_ID])
    assert records.rejection_summary(records.validate_records(kafka_records(spark, frames[:1]), schema_json, {})) == (
        1,
        [V1_ID],
    )
    assert records.rejection_summary(records.validate_records(kafka_records(spark, []), schema_json, None)) == (0, [])


# --- the registry client ---------------------------------------------------------------------


class FakeRegistry:
    def __init__(self, schemas):
        self.schemas = schemas
        self.down = False
        self.calls = []

    def __call__(self, url):
        self.calls.append(url)
        if self.down:
            raise ConnectionRefusedError("connection refused")
        schema_id = int(url.rsplit("/", 1)[1])
        if schema_id in self.schemas:
            return 200, json.dumps({"schema": self.schemas[schema_id]})
        return 404, '{"error_code":40403,"message":"Schema not found"}'


def test_registry_client_fetches_once_and_leaves_unknown_ids_out(schema_json):
    registry = FakeRegistry({V1_ID: schema_json})
    schemas = WriterSchemas("http://registry:8081/", fetch=registry, sleep=lambda _: None)
    assert schemas.resolve([V1_ID, 999]) == {V1_ID: schema_json}
    assert schemas.resolve([V1_ID]) == {V1_ID: schema_json}
    assert registry.calls == ["http://registry:8081/schemas/ids/11", "http://registry:8081/schemas/ids/999"]


def test_cached_ids_keep_decoding_while_the_registry_is_down(schema_json):
    registry = FakeRegistry({V1_ID: schema_json})
    schemas = WriterSchemas("http://registry:8081", fetch=registry, sleep=lambda _: None)
    schemas.resolve([V1_ID])
    registry.down = True
    assert schemas.resolve([V1_ID]) == {V1_ID: schema_json}


def test_a_new_id_while_the_registry_is_down_fails_the_batch_after_retries(schema_json):
    registry = FakeRegistry({V1_ID: schema_json})
    registry.down = True
    delays = []
    schemas = WriterSchemas("http://registry:8081", fetch=registry, attempts=4, sleep=delays.append)
    with pytest.raises(RegistryUnavailable, match="id 11 after 4 attempts"):
        schemas.resolve([V1_ID])
    assert delays == [1.0, 2.0, 4.0]


# --- the batch writer with the registry ---------------------------------------------------------


class Sinks:
    def __init__(self):
        self.rows = []
        self.dead_letters = []

    def write_rows(self, rows):
        self.rows.extend(row["id"] for row in rows.collect())

    def write_dead_letters(self, dead_letters):
        self.dead_letters.extend(json.loads(row["value"])["reason"] for row in dead_letters.collect())


def test_the_batch_writer_asks_the_registry_only_for_ids_it_has_not_cached(spark, schema_json):
    v2 = v2_schema(schema_json)
    registry = FakeRegistry({V1_ID: schema_json, V2_ID: v2})
    schemas = WriterSchemas("http://registry:8081", fetch=registry, sleep=lambda _: None)
    sinks = Sinks()
    write = streaming_job.make_batch_writer(schema_json, sinks.write_rows, sinks.write_dead_letters, schemas)
    user_id = "00000000-0000-4000-8000-0000000000{:02x}".format

    def frame(writer, schema_id, number):
        user = dict(valid_user(id=user_id(number)), **({"nickname": "N"} if writer is v2 else {}))
        return confluent_frame(writer, user, schema_id=schema_id)

    write(kafka_records(spark, [frame(schema_json, V1_ID, 1), frame(schema_json, V1_ID, 2)]), 0)
    assert (sorted(sinks.rows), sinks.dead_letters) == ([user_id(1), user_id(2)], [])
    assert registry.calls == ["http://registry:8081/schemas/ids/11"]

    write(kafka_records(spark, [frame(schema_json, V1_ID, 3)]), 1)
    assert registry.calls == ["http://registry:8081/schemas/ids/11"], "a cached id is not asked again"

    # A new id the registry knows is decoded, not dead-lettered; one it does not know is a dead letter.
    write(kafka_records(spark, [frame(v2, V2_ID, 4), frame(schema_json, OTHER_ID, 5)]), 2)
    assert user_id(4) in sinks.rows and user_id(5) not in sinks.rows
    assert sinks.dead_letters == [records.REASON_UNKNOWN_SCHEMA_ID]
    assert registry.calls[1:] == ["http://registry:8081/schemas/ids/12", "http://registry:8081/schemas/ids/13"]

    registry.down = True
    write(kafka_records(spark, [frame(schema_json, V1_ID, 6), frame(v2, V2_ID, 7)]), 3)
    assert {user_id(6), user_id(7)} <= set(sinks.rows), "cached ids keep decoding while the registry is down"
    with pytest.raises(RegistryUnavailable, match="id 14 after 6 attempts"):
        write(kafka_records(spark, [frame(schema_json, 14, 8)]), 4)
    assert user_id(8) not in sinks.rows
