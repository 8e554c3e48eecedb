/**
 * Schema evolution through the running pipeline (issue 9): a compatible v2 registered mid-stream on the pipeline's
 * subject while the real producer sends v1, so v1 and v2 records both land; an incompatible version refused, with
 * the real producer exiting non-zero having sent nothing; and bad input the job must dead-letter or accept:
 * an unknown schema id, the right id over another schema's body, a null key.
 */
import { randomUUID } from "node:crypto";
import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import { userSchema, userSchemaText, type AvroRecordSchema } from "../../../apps/producer/src/schema";
import { topicValueSubject } from "../../../apps/shared/schema-subject";
import { runProducer } from "../apps";
import { fixtureUser } from "../fixture-user";
import type { AssertionReport } from "../assertions";
import { createTopic, kafkaClient, topicEndOffsets, topics } from "../kafka";
import { stackNaming } from "../naming";
import { sleep, stopProcess } from "../processes";
import { deadLetterRecords, tableIds, topicSince } from "./observe";
import type { FaultOptions } from "./options";
import {
  beginScenario,
  boundedWait,
  producerSummary,
  startProducer,
  waitForDrain,
  type ScenarioFigures,
  type SuiteState,
} from "./run-scenario";

const name = "schema-evolution";
const headers = { "content-type": "application/vnd.schemaregistry.v1+json" };

async function registryCall(url: string, method: string, body?: unknown): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: await response.text() };
}

async function registerVersion(registryUrl: string, subject: string, schema: string): Promise<number | undefined> {
  const reply = await registryCall(`${registryUrl}/subjects/${encodeURIComponent(subject)}/versions`, "POST", {
    schema,
  });
  if (reply.status !== 200) return undefined;
  const parsed = JSON.parse(reply.body) as { id?: unknown };
  return typeof parsed.id === "number" ? parsed.id : undefined;
}

function withoutField(schema: AvroRecordSchema, field: string): string {
  return JSON.stringify({ ...schema, fields: schema.fields.filter((candidate) => candidate.name !== field) });
}

/** v1 could not read records of this older version (v1 requires `phone`, it has none): BACKWARD refuses v1. */
async function checkIncompatibleVersionRefused(state: SuiteState, report: AssertionReport): Promise<void> {
  const { stack } = state;
  const topic = `e2e-incompatible-${Date.now().toString(36)}`;
  const subject = topicValueSubject(topic);
  await createTopic(stack.kafka.bootstrapServers, topic, 1);
  const older = await registerVersion(stack.schemaRegistry.url, subject, withoutField(userSchema(), "phone"));
  const level = await registryCall(`${stack.schemaRegistry.url}/config/${encodeURIComponent(subject)}`, "PUT", {
    compatibility: "BACKWARD",
  });
  const run = await runProducer(
    {
      bootstrapServers: stack.kafka.bootstrapServers,
      topic,
      schemaRegistryUrl: stack.schemaRegistry.url,
      seed: `faults-incompatible-${Date.now()}`,
    },
    ["--count", "10"],
  );
  const ends = await topicEndOffsets(stack.kafka.bootstrapServers, topic);
  const sent = [...ends.values()].reduce((sum, end) => sum + end, 0n);
  const errorLine =
    run.output.split("\n").find((line) => line.includes("could not register")) ?? run.output.slice(-400);
  report.check(
    `${name}: an incompatible version is refused; the producer exits non-zero naming subject and incompatibility, sends nothing`,
    older !== undefined &&
      level.status === 200 &&
      run.code !== 0 &&
      errorLine.includes(subject) &&
      /incompatib/i.test(errorLine) &&
      sent === 0n,
    `older version id ${String(older)}, PUT config ${level.status}; exit ${run.code}; ${sent} records on ${topic}; ${errorLine.trim()}`,
  );
}

export async function runEvolutionScenario(
  state: SuiteState,
  options: FaultOptions,
  report: AssertionReport,
): Promise<ScenarioFigures> {
  const { stack } = state;
  const bootstrap = stack.kafka.bootstrapServers;
  const check = beginScenario(name, "schema evolution", options, report);
  await checkIncompatibleVersionRefused(state, report);

  const before = await topicEndOffsets(bootstrap, topics.users);
  const producer = startProducer(state, name, options);
  await sleep(options.duration * 330);

  const subject = stackNaming.kafka.schemaSubject;
  const v2Text = JSON.stringify({
    ...userSchema(),
    fields: [...userSchema().fields, { name: "nickname", type: ["null", "string"], default: null }],
  });
  const v2Id = await registerVersion(stack.schemaRegistry.url, subject, v2Text);
  const v1Id = await registerVersion(stack.schemaRegistry.url, subject, userSchemaText());
  check(
    "v2 (new optional field with a default) registered mid-stream",
    v2Id !== undefined && v2Id !== v1Id,
    `v1 ${String(v1Id)}, v2 ${String(v2Id)}`,
  );

  const registry = new SchemaRegistry({ host: stack.schemaRegistry.url, clientId: "faults-evolution" });
  const v2Ids: string[] = Array.from({ length: 50 }, () => randomUUID());
  const nullKeyId = randomUUID();
  const run = Date.now().toString(36);
  const unknownKey = `e2e-evolution-${run}-unknown-id`;
  const foreignBodyKey = `e2e-evolution-${run}-foreign-body`;
  const orderSchema = JSON.stringify({
    type: "record",
    name: "Order",
    fields: [
      { name: "sku", type: "string" },
      { name: "qty", type: "int" },
    ],
  });
  const orderId = await registerVersion(stack.schemaRegistry.url, `e2e-order-${run}-value`, orderSchema);
  const messages: { key: string | null; value: Buffer }[] = [];
  if (v2Id !== undefined && v1Id !== undefined && orderId !== undefined) {
    for (const id of v2Ids)
      messages.push({ key: id, value: await registry.encode(v2Id, { ...fixtureUser(id), nickname: "evolved" }) });
    const v1Body = (await registry.encode(v1Id, fixtureUser(randomUUID()))).subarray(5);
    const unknownHeader = Buffer.alloc(5);
    unknownHeader.writeInt32BE(2_000_000_000, 1);
    messages.push({ key: unknownKey, value: Buffer.concat([unknownHeader, v1Body]) });
    const orderFrame = await registry.encode(orderId, { sku: "A-1", qty: 3 });
    orderFrame.writeInt32BE(v1Id, 1);
    messages.push({ key: foreignBodyKey, value: orderFrame });
    messages.push({ key: null, value: await registry.encode(v1Id, fixtureUser(nullKeyId)) });
  }
  const kafkaProducer = kafkaClient(bootstrap, "faults-evolution").producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await kafkaProducer.connect();
  try {
    await kafkaProducer.send({ topic: topics.users, acks: -1, messages });
  } finally {
    await kafkaProducer.disconnect();
  }

  await Promise.race([producer.exited, sleep(options.duration * 1000 + 120_000)]);
  const exit = producer.hasExited() ? await producer.exited : "still running";
  await stopProcess(producer, 5_000);
  const summary = producerSummary(producer.logFile);
  const planned = options.rate * options.duration;
  check(
    "the v1 producer keeps sending across the registration",
    exit === "0" && summary?.sent === planned,
    `exit ${exit}, sent ${String(summary?.sent)} of ${planned}`,
  );

  const added = await topicSince(bootstrap, topics.users, before);
  const v1Keys = new Set(
    added
      .map((record) => record.key)
      .filter((key): key is string => key !== undefined && !v2Ids.includes(key) && !key.startsWith("e2e-evolution-")),
  );
  const expected = [...v1Keys, ...v2Ids, nullKeyId];
  for (const id of expected) state.expectedIds.add(id);
  const drained = await waitForDrain(state, options);
  check("the job caught up with the topic", drained !== undefined, `${String(drained?.toFixed(0))}s`);
  let present = new Set<string>();
  await boundedWait(`${expected.length} v1 and v2 rows`, 30_000, async () => {
    present = new Set(await tableIds());
    return expected.every((id) => present.has(id));
  });
  const missingV1 = [...v1Keys].filter((id) => !present.has(id));
  const missingV2 = v2Ids.filter((id) => !present.has(id));
  check(
    "v1 records (the producer's) all land",
    missingV1.length === 0 && v1Keys.size === summary?.sent,
    `${v1Keys.size - missingV1.length}/${v1Keys.size}`,
  );
  check(
    "v2 records (writer schema fetched by id, resolved to the reader) all land",
    missingV2.length === 0,
    `${v2Ids.length - missingV2.length}/${v2Ids.length}`,
  );
  check("a record with a null key lands (the id is in the body)", present.has(nullKeyId), nullKeyId);

  let letters = await deadLetterRecords(bootstrap, topics.deadLetters);
  await boundedWait("dead letters for the unknown id and the foreign body", 120_000, async () => {
    letters = await deadLetterRecords(bootstrap, topics.deadLetters);
    return [unknownKey, foreignBodyKey].every((key) => letters.some((letter) => letter.key === key));
  });
  const unknown = letters.find((letter) => letter.key === unknownKey);
  const foreign = letters.find((letter) => letter.key === foreignBodyKey);
  check(
    "an unknown schema id is a dead letter with reason unknown_schema_id",
    unknown?.reason === "unknown_schema_id",
    `reason ${String(unknown?.reason)}`,
  );
  check(
    "the right schema id over another schema's body is a dead letter",
    foreign?.reason !== undefined,
    `reason ${String(foreign?.reason)}`,
  );
  return {
    name,
    sent: summary?.sent,
    inTopic: added.length,
    rows: expected.length - missingV1.length - missingV2.length - (present.has(nullKeyId) ? 0 : 1),
    lost: missingV1.length + missingV2.length + (present.has(nullKeyId) ? 0 : 1),
    duplicated: 0,
    deadLetters: [unknown, foreign].filter((letter) => letter !== undefined).length,
    recoverySeconds: undefined,
    sparkRestarts: 0,
  };
}
