import { Agent as HttpsAgent } from 'node:https';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Message } from 'kafkajs';
import type { UserRecord } from './record';
import { topicValueSubject } from '../../shared/schema-subject';
import { userSchemaText } from './schema';

export interface SchemaRegistryConnection {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  certificateAuthority?: string | undefined;
}

export function createSchemaRegistry(connection: SchemaRegistryConnection): SchemaRegistry {
  const auth = connection.username !== undefined && connection.password !== undefined ? { username: connection.username, password: connection.password } : undefined;
  const agent = connection.certificateAuthority !== undefined && connection.url.startsWith('https:') ? new HttpsAgent({ ca: connection.certificateAuthority }) : undefined;
  return new SchemaRegistry({
    host: connection.url,
    clientId: 'streamstack-producer',
    ...(auth !== undefined ? { auth } : {}),
    ...(agent !== undefined ? { agent } : {}),
  });
}

/**
 * Registers apps/schemas/users_created.avsc under the topic's value subject (`<topic>-value`,
 * which the consumers' deserializers look up; BACKWARD on first registration) and returns its id. Registering an identical schema again is a no-op in
 * the registry and returns the existing id, so every producer start may do it.
 */
export async function registerUserSchema(registry: SchemaRegistry, registryUrl: string, topic: string): Promise<number> {
  const subject = topicValueSubject(topic);
  try {
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: userSchemaText() },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    return id;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`could not register the Avro schema under subject ${subject} at SCHEMA_REGISTRY_URL=${registryUrl}: ${reason}`);
  }
}

/** Avro in the Confluent wire format: magic byte 0, schema id (int32 big-endian), Avro binary body. */
export async function encodeUser(registry: SchemaRegistry, schemaId: number, record: UserRecord): Promise<Buffer> {
  try {
    return await registry.encode(schemaId, record);
  } catch (error) {
    const paths = (error as { paths?: unknown }).paths;
    const fields = Array.isArray(paths) ? paths.map((path) => (Array.isArray(path) ? path.join('.') : String(path))).join(', ') : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`record ${record.id} does not match users_created.avsc${fields !== '' ? ` (fields: ${fields})` : ''}: ${reason}`);
  }
}

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
export function toKafkaMessage(record: UserRecord, value: Buffer, producedAtMs: number): Message {
  return { key: record.id, value, timestamp: String(producedAtMs) };
}
