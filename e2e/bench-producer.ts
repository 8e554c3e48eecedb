/**
 * Producer throughput: our producer (kafkajs, Avro via the registry, idempotent, acks=all) side by side with
 * Kafka's own kafka-producer-perf-test (org.apache.kafka.tools.ProducerPerformance) on the same broker, with
 * the same record size and acks=all / enable.idempotence=true. Prints figures; asserts nothing about speed.
 *
 *   npx tsx e2e/bench-producer.ts        (BENCH_RECORDS=200000 by default)
 */
import { join } from "node:path";
import { runProducer, type ProducerEnvironment } from "./lib/apps";
import { producerEnvironmentSchema } from "../apps/producer/src/config";
import { createTopic, readTopic } from "./lib/kafka";
import { runCommand } from "../scripts/lib/processes";
import { readInput } from "../scripts/lib/script-input";
import { machineLoad, withStack, type Stack } from "./lib/stack";
import { tsxCli } from "./lib/schema-registry";
import { repoRoot } from "./lib/paths";

const referenceProducer = join(repoRoot, "e2e", "reference-producer.ts");

const records = readInput({}, (input) =>
  input.wholeNumber({ env: "BENCH_RECORDS" }, 200_000, { min: 1_000, max: 10_000_000 }),
);
// The producer's own defaults, read from its environment schema so the labels cannot drift from what it does.
const defaults = producerEnvironmentSchema.parse({
  KAFKA_BOOTSTRAP_SERVERS: "x:1",
  SCHEMA_REGISTRY_URL: "http://x:1",
});
const defaultsLabel = `defaults (compression ${defaults.PRODUCER_COMPRESSION}, batch ${defaults.PRODUCER_BATCH_SIZE})`;
const partitions = 2;
const mebibyte = 1024 * 1024;

interface Measurement {
  readonly name: string;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** In MiB/s of record values, the unit kafka-producer-perf-test prints as "MB/sec". */
  readonly megabytesPerSecond: number;
  readonly note: string;
}

/** Average Avro value (and key) size of what our producer sends, from a small sample read back from Kafka. */
async function measureRecordSize(stack: Stack): Promise<{ value: number; key: number }> {
  const topic = "bench_sizing";
  await createTopic(stack.kafka.bootstrapServers, topic, 1);
  const run = await runProducer(producerEnvironment(stack, topic, {}), ["--count", "2000"]);
  if (run.code !== 0) throw new Error(`sizing run of the producer failed:\n${run.output.slice(-2000)}`);
  const sample = await readTopic(stack.kafka.bootstrapServers, topic);
  const valueBytes = sample.reduce((sum, record) => sum + (record.value?.length ?? 0), 0);
  const keyBytes = sample.reduce((sum, record) => sum + Buffer.byteLength(record.key ?? ""), 0);
  return { value: valueBytes / sample.length, key: keyBytes / sample.length };
}

function producerEnvironment(stack: Stack, topic: string, extra: Record<string, string>): ProducerEnvironment {
  return {
    bootstrapServers: stack.kafka.bootstrapServers,
    topic,
    schemaRegistryUrl: stack.schemaRegistry.url,
    seed: `bench-${topic}`,
    extra,
  };
}

async function measureOurProducer(
  stack: Stack,
  name: string,
  topic: string,
  extra: Record<string, string>,
  valueSize: number,
): Promise<Measurement> {
  await createTopic(stack.kafka.bootstrapServers, topic, partitions);
  process.stdout.write(`running our producer: ${name}…\n`);
  const run = await runProducer(producerEnvironment(stack, topic, extra), ["--count", String(records)]);
  if (run.code !== 0 || run.summary === undefined)
    throw new Error(`producer run "${name}" failed:\n${run.output.slice(-2000)}`);
  const seconds = run.summary.elapsedSeconds;
  const recordsPerSecond = run.summary.sent / seconds;
  return {
    name,
    records: run.summary.sent,
    seconds,
    recordsPerSecond,
    megabytesPerSecond: (recordsPerSecond * valueSize) / mebibyte,
    note: `producer's own clock (registry lookup + connect included); process wall ${run.wallSeconds.toFixed(1)}s`,
  };
}

async function measurePerfTest(
  stack: Stack,
  name: string,
  topic: string,
  recordSize: number,
  extraProps: readonly string[],
): Promise<Measurement> {
  await createTopic(stack.kafka.bootstrapServers, topic, partitions);
  process.stdout.write(`running kafka-producer-perf-test: ${name}…\n`);
  const result = await runCommand("java", [
    "-Xmx512m",
    "-cp",
    `${stack.kafka.classpathDir}/*`,
    "-Dlog4j.configuration=file:/dev/null",
    "org.apache.kafka.tools.ProducerPerformance",
    "--topic",
    topic,
    "--num-records",
    String(records),
    "--record-size",
    String(recordSize),
    "--throughput",
    "-1",
    "--producer-props",
    `bootstrap.servers=${stack.kafka.bootstrapServers}`,
    "acks=all",
    "enable.idempotence=true",
    ...extraProps,
  ]);
  // Final line: "50000 records sent, 41701.4 records/sec (22.83 MB/sec), 512.3 ms avg latency, ..."
  const match = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(
    result.output
      .split("\n")
      .filter((line) => line.includes("records sent"))
      .at(-1) ?? "",
  );
  if (result.code !== 0 || match === null)
    throw new Error(`kafka-producer-perf-test "${name}" failed (exit ${result.code}):\n${result.output.slice(-2000)}`);
  const sent = Number(match[1]);
  const recordsPerSecond = Number(match[2]);
  return {
    name,
    records: sent,
    seconds: sent / recordsPerSecond,
    recordsPerSecond,
    megabytesPerSecond: Number(match[3]),
    note: extraProps.join(" ") || "defaults",
  };
}

/**
 * A bare client library sending pre-built records of our size (e2e/reference-producer.ts): its ceiling on this
 * machine, to tell the producer's own overhead from its library's (issue 10 asks whether kafkajs can reach 0.5×).
 */
async function measureReference(
  stack: Stack,
  client: "kafkajs" | "platformatic",
  inFlight: number,
  size: { value: number; key: number },
): Promise<Measurement> {
  const name = `${client === "kafkajs" ? "kafkajs" : "@platformatic/kafka"} bare, ${inFlight} in flight`;
  const topic = `bench_reference_${client}_${inFlight}`;
  await createTopic(stack.kafka.bootstrapServers, topic, partitions);
  process.stdout.write(`running reference client: ${name}…\n`);
  const result = await runCommand(process.execPath, [
    tsxCli,
    referenceProducer,
    ...["--client", client, "--bootstrap", stack.kafka.bootstrapServers, "--topic", topic],
    ...["--records", String(records), "--value-bytes", String(Math.round(size.value))],
    ...["--key-bytes", String(Math.round(size.key)), "--batch", String(defaults.PRODUCER_BATCH_SIZE)],
    ...["--in-flight", String(inFlight)],
  ]);
  const line = result.output.split("\n").find((candidate) => candidate.startsWith("{"));
  const summary = line === undefined ? undefined : (JSON.parse(line) as { sent: number; seconds: number });
  if (result.code !== 0 || summary === undefined)
    throw new Error(`reference client "${name}" failed (exit ${result.code}):\n${result.output.slice(-2000)}`);
  const recordsPerSecond = summary.sent / summary.seconds;
  return {
    name,
    records: summary.sent,
    seconds: summary.seconds,
    recordsPerSecond,
    megabytesPerSecond: (recordsPerSecond * size.value) / mebibyte,
    note: `pre-built records, batch ${defaults.PRODUCER_BATCH_SIZE}, acks=all, idempotent; connect outside the clock`,
  };
}

function printTable(measurements: readonly Measurement[]): void {
  const header = ["run", "records", "seconds", "records/s", "MB/s", "notes"];
  const rows = measurements.map((m) => [
    m.name,
    String(m.records),
    m.seconds.toFixed(2),
    m.recordsPerSecond.toFixed(0),
    m.megabytesPerSecond.toFixed(2),
    m.note,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const format = (row: readonly string[]): string =>
    row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  process.stdout.write(`\n${format(header)}\n${widths.map((width) => "-".repeat(width)).join("  ")}\n`);
  for (const row of rows) process.stdout.write(`${format(row)}\n`);
}

async function main(): Promise<void> {
  const outcome = await withStack(
    { label: "bench-producer", cassandra: false, spark: false, dashboard: false, buildApps: true },
    async (stack) => {
      const loadBefore = machineLoad();
      const size = await measureRecordSize(stack);
      const recordSize = Math.round(size.value);
      process.stdout.write(
        `our average record: ${size.value.toFixed(1)} bytes of value (Confluent frame + Avro) and ${size.key.toFixed(1)} bytes of key\n`,
      );
      const ours = [
        await measureOurProducer(stack, `ours, ${defaultsLabel}`, "bench_ours_default", {}, size.value),
        await measureOurProducer(
          stack,
          "ours, gzip, batch 100 (the defaults before)",
          "bench_ours_gzip100",
          { PRODUCER_COMPRESSION: "gzip", PRODUCER_BATCH_SIZE: "100" },
          size.value,
        ),
        await measureOurProducer(
          stack,
          "ours, gzip, batch 1000",
          "bench_ours_gzip1000",
          { PRODUCER_COMPRESSION: "gzip", PRODUCER_BATCH_SIZE: "1000" },
          size.value,
        ),
        await measureOurProducer(
          stack,
          "ours, no compression, batch 100",
          "bench_ours_plain100",
          { PRODUCER_COMPRESSION: "none", PRODUCER_BATCH_SIZE: "100" },
          size.value,
        ),
      ];
      const reference = [
        await measurePerfTest(stack, "perf-test, defaults", "bench_perf_default", recordSize, []),
        await measurePerfTest(stack, "perf-test, 1 request in flight", "bench_perf_inflight1", recordSize, [
          "max.in.flight.requests.per.connection=1",
        ]),
      ];
      // A reference row that fails is reported, not fatal: the product's figures stand without it.
      const libraries: Measurement[] = [];
      for (const [client, inFlight] of [
        ["kafkajs", 1],
        ["kafkajs", 5],
        ["platformatic", 1],
        ["platformatic", 5],
      ] as const) {
        try {
          libraries.push(await measureReference(stack, client, inFlight, size));
        } catch (error) {
          process.stdout.write(`reference row left out: ${error instanceof Error ? error.message : String(error)}\n`);
        }
      }
      return {
        ours,
        reference,
        libraries,
        recordSize,
        keySize: size.key,
        load: `${loadBefore} before, ${machineLoad()} after`,
      };
    },
  );
  if (outcome.result === undefined) process.exit(1);
  const { ours, reference, libraries, recordSize, keySize, load } = outcome.result;
  process.stdout.write(
    `\nproducer throughput, ${records} records of ${recordSize} bytes, acks=all, idempotent, ${partitions} partitions, one broker on loopback\n`,
  );
  printTable([...ours, ...reference, ...libraries]);
  const [oursDefault] = ours;
  const [perfDefault] = reference;
  if (perfDefault !== undefined) {
    for (const library of libraries)
      process.stdout.write(
        `ratio ${library.name} / perf-test (defaults): ${(library.recordsPerSecond / perfDefault.recordsPerSecond).toFixed(3)}\n`,
      );
  }
  if (oursDefault !== undefined && perfDefault !== undefined) {
    process.stdout.write(
      `\nratio ours (${defaultsLabel}) / perf-test (defaults): ${(oursDefault.recordsPerSecond / perfDefault.recordsPerSecond).toFixed(3)}\n`,
    );
  }
  process.stdout.write(
    `notes: perf-test sends ${recordSize}-byte values with no key; ours also sends a ${keySize.toFixed(0)}-byte key and encodes Avro per record. ` +
      "MB/s counts values only, in MiB as perf-test does.\n",
  );
  process.stdout.write(`machine: ${load}\n`);
  if (oursDefault !== undefined && perfDefault !== undefined) {
    const ratio = oursDefault.recordsPerSecond / perfDefault.recordsPerSecond;
    process.stdout.write(
      `RESULT producer_records_per_s=${oursDefault.recordsPerSecond.toFixed(0)} perf_test_records_per_s=${perfDefault.recordsPerSecond.toFixed(0)} ratio=${ratio.toFixed(2)}\n`,
    );
  }
}

void main();
