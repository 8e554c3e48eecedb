/**
 * Real-engine end-to-end run: ZooKeeper + Kafka, Cassandra, Apicurio Registry (Confluent API), the Spark job
 * and the dashboard as local processes; the real producer sends N records, the harness adds malformed ones,
 * and the counts are checked exactly.
 *
 *   npx tsx e2e/run.ts [--count N]        (or E2E_RECORD_COUNT=N; E2E_ROWS_TIMEOUT_MS bounds the wait for the rows)
 */
import { readFileSync } from "node:fs";
import { dashboardTotalUsers, runProducer } from "./lib/apps";
import { AssertionReport } from "./lib/assertions";
import { checkSchemaEvolution } from "./lib/evolution";
import { checkTableMigrations } from "./lib/migrations";
import { readTopic, topics } from "./lib/kafka";
import { buildMalformedMessages, parseDeadLetter, produceMalformed, type MalformedMessage } from "./lib/malformed";
import { sleep, waitFor } from "../scripts/lib/processes";
import { readInput } from "../scripts/lib/script-input";
import { deadProcesses, keyspace, table, withStack, type Stack } from "./lib/stack";
import { tableIds } from "./lib/faults/observe";
import { configuredTableWrites, connectorWriteSettings } from "./lib/spark";

interface RunInput {
  readonly count: number;
  /** How long the rows may take to reach the table. */
  readonly rowsTimeoutMs: number;
}

function readRunInput(): RunInput {
  return readInput(
    {
      values: ["count"],
      usage:
        "usage: npx tsx e2e/run.ts [--count 1..1000000 (default 500, or E2E_RECORD_COUNT)]; E2E_ROWS_TIMEOUT_MS 10000..3600000 (default 300000)",
    },
    (input) => ({
      count: input.wholeNumber({ flag: "count", env: "E2E_RECORD_COUNT" }, 500, { min: 1, max: 1_000_000 }),
      rowsTimeoutMs: input.wholeNumber({ env: "E2E_ROWS_TIMEOUT_MS" }, 300_000, { min: 10_000, max: 3_600_000 }),
    }),
  );
}

interface DeadLetterEntry {
  readonly key: string | undefined;
  readonly reason: string | undefined;
}

async function deadLetters(stack: Stack): Promise<DeadLetterEntry[]> {
  const records = await readTopic(stack.kafka.bootstrapServers, topics.deadLetters);
  return records.map((record) => ({ key: record.key, reason: parseDeadLetter(record.value)?.reason }));
}

/** The Spark job reads through the registry's read-only front: reads pass, a registration is refused (405). */
async function checkReadOnlyFront(stack: Stack, report: AssertionReport): Promise<void> {
  const reader = stack.registryReader;
  if (reader === undefined) {
    report.check("the registry's read-only front runs beside the Spark job", false, "not started");
    return;
  }
  const subjects = async (base: string) => (await fetch(`${base}/subjects`)).text();
  const before = await subjects(stack.schemaRegistry.url);
  const write = await fetch(`${reader.url}/subjects/read-only-probe-value/versions`, {
    method: "POST",
    headers: { "Content-Type": "application/vnd.schemaregistry.v1+json" },
    body: JSON.stringify({ schema: '"string"' }),
  });
  const after = await subjects(stack.schemaRegistry.url);
  report.check(
    "the registry's read-only front refuses a registration (405) and the registry is unchanged",
    write.status === 405 && before === after,
    `POST answered ${write.status}; subjects before ${before}, after ${after}`,
  );
  const throughFront = await subjects(reader.url);
  report.check(
    "the read-only front serves the registry's reads",
    throughFront === after,
    `GET /subjects through the front: ${throughFront}`,
  );
}

async function scenario(stack: Stack, { count, rowsTimeoutMs }: RunInput, report: AssertionReport): Promise<void> {
  const dashboardUrl = stack.dashboard?.url ?? "";
  await checkSchemaEvolution(stack.schemaRegistry.url, report);
  await checkTableMigrations(report);
  await checkReadOnlyFront(stack, report);
  const malformed: MalformedMessage[] = await buildMalformedMessages(stack.schemaRegistry.url);

  process.stdout.write(`\nproducing ${count} records with the real producer…\n`);
  const producer = await runProducer(
    {
      bootstrapServers: stack.kafka.bootstrapServers,
      topic: topics.users,
      schemaRegistryUrl: stack.schemaRegistry.url,
      seed: `e2e-${Date.now()}`,
    },
    ["--count", String(count)],
  );
  report.check(
    "producer exits 0 and reports every record sent",
    producer.code === 0 && producer.summary?.sent === count,
    producer.summary !== undefined
      ? `sent ${producer.summary.sent} in ${producer.summary.elapsedSeconds.toFixed(1)}s`
      : `exit ${producer.code}: ${producer.output.slice(-800)}`,
  );

  process.stdout.write(`producing ${malformed.length} malformed messages directly…\n`);
  await produceMalformed(stack.kafka.bootstrapServers, topics.users, malformed);

  // The ids the producer really sent: its record key is the user id.
  const produced = await readTopic(stack.kafka.bootstrapServers, topics.users);
  const malformedKeys = new Set(malformed.map((message) => message.key));
  const producedIds = new Set(
    produced
      .filter((record) => record.key !== undefined && !malformedKeys.has(record.key))
      .map((record) => record.key as string),
  );
  report.check(
    "topic holds N distinct producer keys",
    producedIds.size === count,
    `${producedIds.size} distinct ids among ${produced.length} records`,
  );

  let ids: string[] = [];
  try {
    await waitFor(
      async () => {
        ids = await tableIds();
        return ids.length >= count;
      },
      {
        what: `${count} rows in ${keyspace}.${table}`,
        timeoutMs: rowsTimeoutMs,
        intervalMs: 2000,
        progress: () => `${ids.length}/${count} rows`,
      },
    );
  } catch {
    // Reported by the assertions below.
  }
  // Whatever is late, extra, or duplicated would show up within a couple of micro-batches.
  await sleep(6000);
  ids = await tableIds();
  const tableIdSet = new Set(ids);
  report.check(
    `exactly ${count} distinct rows in ${keyspace}.${table}`,
    ids.length === count && tableIdSet.size === count,
    `${ids.length} rows, ${tableIdSet.size} distinct ids`,
  );
  const missing = [...producedIds].filter((id) => !tableIdSet.has(id));
  const unexpected = ids.filter((id) => !producedIds.has(id));
  report.check(
    "table ids are exactly the ids the producer sent",
    missing.length === 0 && unexpected.length === 0,
    `${missing.length} missing${missing.length > 0 ? ` (e.g. ${missing.slice(0, 3).join(", ")})` : ""}, ${unexpected.length} unexpected${unexpected.length > 0 ? ` (e.g. ${unexpected.slice(0, 3).join(", ")})` : ""}`,
  );
  const leakedIds = malformed.filter((message) => message.recordId !== undefined && tableIdSet.has(message.recordId));
  report.check(
    "no malformed record reached the table",
    leakedIds.length === 0,
    leakedIds.map((message) => message.key).join(", "),
  );

  let letters: DeadLetterEntry[] = [];
  try {
    await waitFor(
      async () => {
        letters = await deadLetters(stack);
        const keys = new Set(letters.map((letter) => letter.key));
        return malformed.every((message) => keys.has(message.key));
      },
      {
        what: `${malformed.length} dead letters on ${topics.deadLetters}`,
        timeoutMs: 120_000,
        intervalMs: 2000,
        progress: () => `${letters.length} so far`,
      },
    );
  } catch {
    // Reported per message below.
  }
  for (const message of malformed) {
    const letter = letters.find((candidate) => candidate.key === message.key);
    report.check(
      `dead letter for ${message.description}`,
      letter !== undefined && typeof letter.reason === "string" && letter.reason.includes(message.expectedReason),
      letter === undefined
        ? "not on the dead-letter topic"
        : `reason ${JSON.stringify(letter.reason)} (expected ${message.expectedReason})`,
    );
  }
  const strayLetters = letters.filter((letter) => letter.key === undefined || !malformedKeys.has(letter.key));
  report.check(
    "no good record on the dead-letter topic",
    strayLetters.length === 0,
    `${strayLetters.length} unexpected of ${letters.length}`,
  );

  let dashboardTotal: number | undefined;
  try {
    await waitFor(
      async () => {
        dashboardTotal = await dashboardTotalUsers(dashboardUrl);
        return dashboardTotal === count;
      },
      {
        what: `dashboard /api/total = ${count}`,
        timeoutMs: 60_000,
        intervalMs: 1000,
        progress: () => `reports ${String(dashboardTotal)}`,
      },
    );
  } catch {
    // Reported below.
  }
  report.check(
    `dashboard /api/total reports ${count}`,
    dashboardTotal === count,
    `totalUsers = ${String(dashboardTotal)}`,
  );

  checkTableWriteSettings(stack, report);
  const dead = deadProcesses(stack);
  report.check("every engine still running at the end", dead.length === 0, dead.join(", "));
}

/**
 * The connector wrote with the job's settings and LOCAL_QUORUM, as its own log of each write says, and Cassandra
 * found none of its batches too large or too wide (BatchStatement warns past batch_size_warn_threshold, 5 KiB, and
 * unlogged_batch_across_partitions_warn_threshold, 10 partitions).
 */
function checkTableWriteSettings(stack: Stack, report: AssertionReport): void {
  const logFile = stack.spark?.process.logFile;
  const writes = logFile === undefined ? [] : connectorWriteSettings(logFile);
  const expected = configuredTableWrites();
  const other = writes.filter(
    (write) =>
      write.concurrentWrites !== expected.concurrentWrites ||
      write.rowsPerBatch !== expected.rowsPerBatch ||
      write.groupingKey !== "ReplicaSet" ||
      write.consistencyLevel !== "LOCAL_QUORUM",
  );
  report.check(
    `every table write kept ${expected.concurrentWrites} statements of ${expected.rowsPerBatch} rows in flight per task at LOCAL_QUORUM`,
    writes.length > 0 && other.length === 0,
    `${writes.length} writes logged; ${other.length} otherwise (${JSON.stringify(other.slice(0, 2))})`,
  );
  const cassandraLog = stack.cassandra?.process.logFile;
  const batchWarnings =
    cassandraLog === undefined
      ? ["no Cassandra log"]
      : readFileSync(cassandraLog, "utf8")
          .split("\n")
          .filter((line) => line.startsWith("WARN") && line.includes("BatchStatement"));
  report.check(
    "Cassandra warned about no batch of the job's",
    batchWarnings.length === 0,
    `${batchWarnings.length} warnings, e.g. ${batchWarnings[0] ?? ""}`,
  );
}

async function main(): Promise<void> {
  const input = readRunInput();
  const { count } = input;
  const started = Date.now();
  const report = new AssertionReport();
  const outcome = await withStack({ label: "e2e", cassandra: true, spark: true, dashboard: true }, async (stack) => {
    process.stdout.write(`schema registry: ${stack.schemaRegistry.implementation}\n`);
    await scenario(stack, input, report);
  });
  if (outcome.error !== undefined)
    report.check(
      "stack started and scenario completed",
      false,
      outcome.error instanceof Error
        ? outcome.error.message
        : typeof outcome.error === "string"
          ? outcome.error
          : JSON.stringify(outcome.error),
    );
  report.check(
    "nothing left listening after stop",
    outcome.leftListening.length === 0,
    outcome.leftListening.join(", "),
  );
  process.stdout.write(`\ntotal wall time ${((Date.now() - started) / 1000).toFixed(0)}s; logs in ${outcome.runDir}\n`);
  report.printSummary(`e2e (${count} records)`);
  process.exit(report.failed === 0 ? 0 : 1);
}

void main();
