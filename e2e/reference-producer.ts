/**
 * A reference row for bench:producer: a bare client sending records it built before the clock starts (fixed-size
 * values and keys, no Avro, no generator), with the guarantees our producer keeps: acks=all, idempotence, and as many
 * requests in flight as asked (our producer: 1). What it measures is the client library's own ceiling on this
 * machine, so the bench can tell the producer's overhead apart from the library's.
 *
 *   node --require tsx/cjs e2e/reference-producer.ts --client kafkajs|platformatic --bootstrap host:port
 *     --topic T --records N --value-bytes S --key-bytes K --batch B --in-flight F
 *
 * Prints one line of JSON: {"client":…,"sent":N,"seconds":S}.
 */
import { Kafka, logLevel } from "kafkajs";
import { Producer as PlatformaticProducer, ProduceAcks } from "@platformatic/kafka";
import { readInput } from "../scripts/lib/script-input";

const clients = ["kafkajs", "platformatic"] as const;
type Client = (typeof clients)[number];

const options = readInput(
  {
    values: ["client", "bootstrap", "topic", "records", "value-bytes", "key-bytes", "batch", "in-flight"],
    usage:
      "usage: reference-producer.ts --client kafkajs|platformatic --bootstrap host:port --topic T --records N " +
      "--value-bytes S --key-bytes K --batch B --in-flight F",
  },
  (input) => ({
    client: input.choice<Client>({ flag: "client" }, "kafkajs", clients),
    bootstrap: input.matching({ flag: "bootstrap" }, "127.0.0.1:29092", /^[\w.-]+:\d{1,5}$/, "host:port"),
    topic: input.matching({ flag: "topic" }, "bench_reference", /^[\w.-]{1,249}$/, "a Kafka topic name"),
    records: input.wholeNumber({ flag: "records" }, 200_000, { min: 1, max: 10_000_000 }),
    valueBytes: input.wholeNumber({ flag: "value-bytes" }, 300, { min: 1, max: 1_000_000 }),
    keyBytes: input.wholeNumber({ flag: "key-bytes" }, 36, { min: 0, max: 10_000 }),
    batch: input.wholeNumber({ flag: "batch" }, 1000, { min: 1, max: 10_000 }),
    inFlight: input.wholeNumber({ flag: "in-flight" }, 1, { min: 1, max: 5 }),
  }),
);

interface Built {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** Distinct keys (so records spread over the partitions as ours do) and values of the given sizes. */
function buildRecords(): Built[] {
  const value = Buffer.alloc(options.valueBytes, 0x61);
  return Array.from({ length: options.records }, (_unused, index) => ({
    key: Buffer.from(String(index).padStart(options.keyBytes, "0").slice(-options.keyBytes)),
    value,
  }));
}

/** Sends every record in batches, keeping up to `inFlight` batches outstanding; resolves when all are acknowledged. */
async function sendAll(records: readonly Built[], send: (batch: readonly Built[]) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < records.length) {
      const batch = records.slice(next, next + options.batch);
      next += batch.length;
      await send(batch);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
}

async function withKafkajs(records: readonly Built[]): Promise<number> {
  const kafka = new Kafka({ clientId: "bench-reference", brokers: [options.bootstrap], logLevel: logLevel.ERROR });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: options.inFlight });
  await producer.connect();
  try {
    const started = process.hrtime.bigint();
    await sendAll(records, (batch) =>
      producer.send({ topic: options.topic, acks: -1, messages: batch.map(({ key, value }) => ({ key, value })) }),
    );
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await producer.disconnect();
  }
}

async function withPlatformatic(records: readonly Built[]): Promise<number> {
  const producer = new PlatformaticProducer({
    clientId: "bench-reference",
    bootstrapBrokers: [options.bootstrap],
    idempotent: true,
    acks: ProduceAcks.ALL,
  });
  try {
    // The first send connects and fetches metadata: one record outside the clock, as kafkajs connects outside it.
    await producer.send({ messages: [{ topic: options.topic, key: Buffer.from("warm-up"), value: Buffer.from("x") }] });
    const started = process.hrtime.bigint();
    await sendAll(records, (batch) =>
      producer.send({ messages: batch.map(({ key, value }) => ({ topic: options.topic, key, value })) }),
    );
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await producer.close();
  }
}

/** @platformatic/kafka targets Node.js 22 (its engines), which has Promise.withResolvers; Node.js 20 lacks it. */
function provideWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof promise.withResolvers === "function") return;
  promise.withResolvers = () => {
    let resolve: (value: unknown) => void = () => undefined;
    let reject: (reason: unknown) => void = () => undefined;
    const created = new Promise((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise: created, resolve, reject };
  };
}

async function main(): Promise<void> {
  provideWithResolvers();
  const records = buildRecords();
  const seconds = options.client === "kafkajs" ? await withKafkajs(records) : await withPlatformatic(records);
  process.stdout.write(`${JSON.stringify({ client: options.client, sent: records.length, seconds })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `reference producer failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
