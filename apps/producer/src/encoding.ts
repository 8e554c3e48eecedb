import { Agent as HttpsAgent } from "node:https";
import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import {
  ConfluentSchemaRegistryCompatibilityError,
  ConfluentSchemaRegistryError,
} from "@kafkajs/confluent-schema-registry/dist/errors";
import * as avro from "avsc";
import type { Message } from "kafkajs";
import type { UserRecord } from "./record";
import { topicValueSubject } from "../../shared/schema-subject";
import { userSchema, userSchemaText } from "./schema";

export interface SchemaRegistryConnection {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  certificateAuthority?: string | undefined;
}

export function createSchemaRegistry(connection: SchemaRegistryConnection): SchemaRegistry {
  const auth =
    connection.username !== undefined && connection.password !== undefined
      ? { username: connection.username, password: connection.password }
      : undefined;
  const agent =
    connection.certificateAuthority !== undefined && connection.url.startsWith("https:")
      ? new HttpsAgent({ ca: connection.certificateAuthority })
      : undefined;
  return new SchemaRegistry({
    host: connection.url,
    clientId: "streamstack-producer",
    ...(auth !== undefined ? { auth } : {}),
    ...(agent !== undefined ? { agent } : {}),
  });
}

/**
 * Registers apps/schemas/users_created.avsc under the topic's value subject (`<topic>-value`,
 * which the consumers' deserializers look up; BACKWARD on first registration) and returns its id. Registering an identical schema again is a no-op in
 * the registry and returns the existing id, so every producer start may do it.
 *
 * The client refuses to register when `GET /config/<subject>` reports a level other than BACKWARD. Apicurio's
 * Confluent API answers 200 NONE for a subject without a level of its own (Confluent answers 404), so a subject
 * another client created would stop every producer start; when our schema is already in the subject we take its
 * id from the lookup (`POST /subjects/<subject>`), which checks no level (see e2e/README.md, "Schema Registry").
 */
export async function registerUserSchema(
  registry: SchemaRegistry,
  registryUrl: string,
  topic: string,
): Promise<number> {
  const subject = topicValueSubject(topic);
  const schema = { type: SchemaType.AVRO as const, schema: userSchemaText() };
  try {
    try {
      const { id } = await registry.register(schema, { subject, compatibility: COMPATIBILITY.BACKWARD });
      return id;
    } catch (error) {
      if (!(error instanceof ConfluentSchemaRegistryCompatibilityError)) throw error;
      try {
        return await registry.getRegistryIdBySchema(subject, schema);
      } catch (lookupError) {
        // The client turns only the lookup's 404 (schema not in the subject) into this class.
        if (!(lookupError instanceof ConfluentSchemaRegistryError)) throw lookupError;
        // eslint-disable-next-line preserve-caught-error -- the outer catch rewraps this with its message; the message already quotes the cause, and errorMessage() (retry.ts) would print an attached cause a second time
        throw new Error(
          `${error.message}; the schema is not in the subject yet, so set its level first: PUT /config/${subject} {"compatibility":"BACKWARD"}`,
        );
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // eslint-disable-next-line preserve-caught-error -- the message already quotes the cause, and errorMessage() (retry.ts) would print an attached cause a second time
    throw new Error(
      `could not register the Avro schema under subject ${subject} at SCHEMA_REGISTRY_URL=${registryUrl}: ${reason}`,
    );
  }
}

/**
 * Writes one record in the Confluent wire format (magic byte 0, schema id as int32 big-endian, Avro binary body) into
 * `target` at `position`. Answers the end of what it wrote or, when the record does not fit from `position` on,
 * minus the bytes it needs (what was written past `position` then means nothing). Throws, naming the record and its
 * bad fields, on a record that does not match the schema.
 */
export type UserFrameWriter = (record: UserRecord, target: Buffer, position: number) => number;

export function createUserFrameWriter(schemaId: number): UserFrameWriter {
  const type = avro.Type.forSchema(userSchema() as avro.Schema);
  return (record, target, position) => {
    try {
      // Rare (once per full target): the header alone does not fit, so measure the whole record.
      if (position + 5 > target.length) return -(5 + type.toBuffer(record).length);
      target.writeUInt8(0, position);
      target.writeInt32BE(schemaId, position + 1);
      // avsc answers target.length - (where the body would end) when the body does not fit: the record's size follows.
      const end = type.encode(record, target, position + 5);
      return end >= 0 ? end : -(target.length - end - position);
    } catch (error) {
      const fields: string[] = [];
      type.isValid(record, { errorHook: (path) => fields.push(path.join(".")) });
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `record ${record.id} does not match users_created.avsc${fields.length > 0 ? ` (fields: ${fields.join(", ")})` : ""}: ${reason}`,
        { cause: error },
      );
    }
  };
}

/**
 * Avro in the Confluent wire format, built once per run from the schema the run registered (the id names exactly that
 * schema), and synchronous: a batch is encoded without a promise or a registry cache look-up per record. The bytes
 * equal the registry client's `encode` (encoding.test.ts).
 */
export function createUserEncoder(schemaId: number): (record: UserRecord) => Buffer {
  const write = createUserFrameWriter(schemaId);
  // Records are written one after another into a shared block, each value a view of its part: no allocation and no
  // copy per record. A view is never written again (a full block is replaced, not reused), so Kafka can hold it.
  let block = Buffer.alloc(blockBytes);
  let position = 0;
  return (record) => {
    let end = write(record, block, position);
    if (end < 0) {
      block = Buffer.alloc(Math.max(blockBytes, -end));
      position = 0;
      end = write(record, block, position);
    }
    const value = block.subarray(position, end);
    position = end;
    return value;
  };
}

/** Holds a few hundred records: one allocation per block instead of two per record. */
const blockBytes = 256 * 1024;

export interface ConfluentFrame {
  magicByte: number;
  schemaId: number;
  payload: Buffer;
}

/** Splits a Confluent-framed value; the inverse of the framing `encodeUser` produces. */
export function readConfluentFrame(value: Buffer): ConfluentFrame {
  if (value.length < 5) throw new Error(`a Confluent-framed value has at least 5 bytes, got ${value.length}`);
  return { magicByte: value.readUInt8(0), schemaId: value.readInt32BE(1), payload: value.subarray(5) };
}

/** Key = user id, so every version of a user lands on the same partition in order. */
export function toKafkaMessage(key: string | Buffer, value: Buffer, producedAtMs: number): Message {
  return { key, value, timestamp: String(producedAtMs) };
}
