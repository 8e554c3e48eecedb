import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { fixtureUser } from "./fixture-user";
import { kafkaClient } from "./kafka";
import { stackNaming } from "./naming";
import { repoRoot } from "./paths";

/** One deliberately bad message: its unique key, bytes, and the rejection reason the job should give. */
export interface MalformedMessage {
  readonly key: string;
  readonly description: string;
  readonly value: Buffer;
  readonly expectedReason: string;
  /** A decodable id that must not reach the table (only for frames that decode). */
  readonly recordId?: string;
}

const subject = stackNaming.kafka.schemaSubject;

/**
 * Builds the bad messages. Frames that must decode are encoded with the real schema through the registry,
 * exactly as the producer does, so only the intended defect differs from a good record.
 */
export async function buildMalformedMessages(schemaRegistryUrl: string): Promise<MalformedMessage[]> {
  const registry = new SchemaRegistry({ host: schemaRegistryUrl, clientId: "e2e-malformed" });
  const schema = readFileSync(join(repoRoot, "apps", "schemas", "users_created.avsc"), "utf8");
  const { id: schemaId } = await registry.register(
    { type: SchemaType.AVRO, schema },
    { subject, compatibility: COMPATIBILITY.BACKWARD },
  );
  const encode = (record: Record<string, string | null>): Promise<Buffer> => registry.encode(schemaId, record);
  const good = await encode(fixtureUser(randomUUID()));
  const wrongMagic = Buffer.from(good);
  wrongMagic.writeUInt8(1, 0);
  const badEmailId = randomUUID();
  const blankNameId = randomUUID();
  const run = Date.now().toString(36);
  const key = (kind: string): string => `e2e-malformed-${run}-${kind}`;
  return [
    {
      key: key("wrong-magic"),
      description: "valid Avro body behind magic byte 1",
      value: wrongMagic,
      expectedReason: "wrong_magic_byte",
    },
    {
      key: key("truncated-avro"),
      description: "good header, Avro body cut after 10 bytes",
      value: good.subarray(0, 15),
      expectedReason: "undecodable_avro",
    },
    {
      key: key("garbage"),
      description: "plain text, no frame",
      value: Buffer.from("this is not avro at all"),
      expectedReason: "wrong_magic_byte",
    },
    {
      key: key("truncated-header"),
      description: "three bytes, shorter than the 5-byte header",
      value: Buffer.from([0, 0, 0]),
      expectedReason: "truncated_header",
    },
    { key: key("empty"), description: "empty value", value: Buffer.alloc(0), expectedReason: "empty_value" },
    {
      key: key("bad-email"),
      description: "valid frame, email without @",
      value: await encode({ ...fixtureUser(badEmailId), email: "not-an-email" }),
      expectedReason: "invalid_email",
      recordId: badEmailId,
    },
    {
      key: key("bad-id"),
      description: "valid frame, id not a UUID",
      value: await encode({ ...fixtureUser("user-42"), id: "user-42" }),
      expectedReason: "invalid_id",
    },
    {
      key: key("blank-name"),
      description: "valid frame, blank first_name",
      value: await encode({ ...fixtureUser(blankNameId), first_name: "  " }),
      expectedReason: "missing_field:first_name",
      recordId: blankNameId,
    },
  ];
}

/** Sends the bad messages straight to the topic (idempotent producer, acks=all, like the real one). */
export async function produceMalformed(
  bootstrapServers: string,
  topic: string,
  messages: readonly MalformedMessage[],
): Promise<void> {
  const producer = kafkaClient(bootstrapServers, "e2e-malformed").producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((message) => ({ key: message.key, value: message.value })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** The JSON value the Spark job writes to the dead-letter topic (apps/spark-job/user_records.py). */
export interface DeadLetter {
  readonly reason?: string;
  readonly original_value_base64?: string;
  readonly offset?: number;
}

export function parseDeadLetter(value: Buffer | null): DeadLetter | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
