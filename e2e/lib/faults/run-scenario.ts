/** One fault scenario: the real producer at a steady rate, a fault in the middle, then exact checks. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { producerBundle } from "../apps";
import type { AssertionReport } from "../assertions";
import { topics } from "../kafka";
import { buildMalformedMessages, produceMalformed, type MalformedMessage } from "../malformed";
import { sleep, startProcess, stopProcess, waitFor, type ManagedProcess } from "../processes";
import { backlog, committedOffsets, commitTimes } from "../spark";
import type { Stack } from "../stack";
import type { LiveEngines } from "./engines";
import {
  dashboardTotal,
  DashboardWatch,
  deadLetterRecords,
  tableIds,
  topicEndOffsets,
  topicSince,
  type DashboardSample,
} from "./observe";
import type { FaultOptions } from "./options";
import type { Fault } from "./scenarios";
import type { SparkSupervisor } from "./supervisor";

/** The figures the closing table prints per scenario. */
export interface ScenarioFigures {
  readonly name: string;
  readonly sent: number | undefined;
  readonly inTopic: number;
  readonly rows: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLetters: number;
  readonly recoverySeconds: number | undefined;
  readonly sparkRestarts: number;
}

export interface SuiteState {
  readonly stack: Stack;
  readonly engines: LiveEngines;
  readonly spark: SparkSupervisor;
  readonly checkpointLocation: string;
  readonly dashboardUrl: string;
  /** Every id the producers of all scenarios so far got acknowledged: the table must hold exactly these. */
  readonly expectedIds: Set<string>;
}

interface ProducerSummary {
  readonly sent: number;
  readonly stoppedBySignal: boolean;
}

/** Prints the scenario's header; its checks are reported under the scenario's name. */
export function beginScenario(
  name: string,
  title: string,
  options: FaultOptions,
  report: AssertionReport,
): (label: string, ok: boolean, detail?: string) => boolean {
  process.stdout.write(`\n=== scenario ${title}: ${options.rate}/s for ${options.duration}s ===\n`);
  return (label, ok, detail = "") => report.check(`${name}: ${label}`, ok, detail);
}

/** The bundled producer at the suite's rate for its duration, logging to the run directory. */
export function startProducer(state: SuiteState, label: string, options: FaultOptions): ManagedProcess {
  return startProcess({
    name: `producer-${label}`,
    command: process.execPath,
    args: [producerBundle, "--rate", String(options.rate), "--duration", String(options.duration)],
    logFile: join(state.stack.runDir, `producer-${label}.log`),
    env: {
      ...process.env,
      KAFKA_BOOTSTRAP_SERVERS: state.stack.kafka.bootstrapServers,
      KAFKA_TOPIC: topics.users,
      SCHEMA_REGISTRY_URL: state.stack.schemaRegistry.url,
      PRODUCER_SEED: `faults-${label}-${Date.now()}`,
    },
  });
}

/** The producer's closing JSON line (it prints one on stdout when it finishes, see apps/producer/src/main.ts). */
export function producerSummary(logFile: string): ProducerSummary | undefined {
  for (const line of readFileSync(logFile, "utf8").split("\n").reverse()) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as Partial<ProducerSummary>;
      if (typeof parsed.sent === "number")
        return { sent: parsed.sent, stoppedBySignal: parsed.stoppedBySignal === true };
    } catch {
      // Not the summary.
    }
  }
  return undefined;
}

/** Seconds until the job's committed offsets reach the topic's current end, or undefined at the drain limit. */
export async function waitForDrain(state: SuiteState, options: FaultOptions): Promise<number | undefined> {
  const started = Date.now();
  const ends = await topicEndOffsets(state.stack.kafka.bootstrapServers, topics.users);
  let behind = -1;
  try {
    await waitFor(
      () => {
        behind = backlog(ends, committedOffsets(state.checkpointLocation, topics.users));
        return Promise.resolve(behind <= 0);
      },
      {
        what: "the job to commit everything in the topic",
        timeoutMs: options.drainSeconds * 1000,
        intervalMs: 2000,
        progress: () => `${behind} records behind`,
      },
    );
    return (Date.now() - started) / 1000;
  } catch {
    return undefined;
  }
}

export async function boundedWait(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  progress?: () => string,
) {
  try {
    await waitFor(check, { what, timeoutMs, intervalMs: 2000, progress });
  } catch {
    // The checks that follow say what is missing.
  }
}

function describeSamples(samples: readonly DashboardSample[]): string {
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const key = `page ${sample.pageStatus}/api ${sample.apiStatus}/${sample.state ?? "-"}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${count}× ${key}`).join(", ");
}

export async function runScenario(
  state: SuiteState,
  fault: Fault,
  options: FaultOptions,
  report: AssertionReport,
): Promise<ScenarioFigures> {
  const { stack } = state;
  const bootstrap = stack.kafka.bootstrapServers;
  const check = beginScenario(fault.name, fault.title, options, report);
  const restartsBefore = state.spark.restarts;
  const before = await topicEndOffsets(bootstrap, topics.users);
  const malformed: MalformedMessage[] = await buildMalformedMessages(stack.schemaRegistry.url);
  const malformedKeys = new Set(malformed.map((message) => message.key));

  const producer = startProducer(state, fault.name, options);
  await sleep(options.duration * 200);
  let malformedSent = true;
  try {
    await produceMalformed(bootstrap, topics.users, malformed);
  } catch (error) {
    malformedSent = false;
    process.stdout.write(`  could not inject malformed messages: ${String(error)}\n`);
  }
  check("malformed messages injected mid-run", malformedSent, `${malformed.length} messages`);
  await sleep(Math.max(0, options.duration * 330 - options.duration * 200));

  const watch = new DashboardWatch(state.dashboardUrl, 600_000);
  const faultStarted = Date.now();
  let healedAt: number | undefined;
  try {
    healedAt = await fault.inject({
      stack,
      engines: state.engines,
      spark: state.spark,
      producer,
      checkpointLocation: state.checkpointLocation,
    });
  } catch (error) {
    check("fault injected and healed", false, error instanceof Error ? error.message : String(error));
  }
  const faultWindow = { from: faultStarted, to: healedAt ?? Date.now() };

  const producerDeadline = faultStarted + options.duration * 1000 + 180_000;
  await Promise.race([producer.exited, sleep(Math.max(0, producerDeadline - Date.now()))]);
  const producerExit = producer.hasExited() ? await producer.exited : "still running (stopped by the suite)";
  if (!producer.hasExited()) await stopProcess(producer, 5_000);
  else await stopProcess(producer, 1_000);
  const summary = producerSummary(producer.logFile);
  const planned = options.rate * options.duration;
  if (fault.stopsProducer)
    check(
      "producer flushes and exits 0 on SIGTERM, before its plan's end",
      producerExit === "0" && summary?.stoppedBySignal === true && summary.sent < planned,
      `exit ${producerExit}, sent ${String(summary?.sent)} of ${planned}, stoppedBySignal ${String(summary?.stoppedBySignal)}`,
    );
  else
    check(
      "producer rides out the fault: exits 0 having sent every planned record",
      producerExit === "0" && summary?.sent === planned,
      `exit ${producerExit}, sent ${String(summary?.sent)} of ${planned}; log ${producer.logFile}`,
    );

  const added = await topicSince(bootstrap, topics.users, before);
  const produced = added.filter((record) => record.key !== undefined && !malformedKeys.has(record.key));
  const perKey = new Map<string, number>();
  for (const record of produced) perKey.set(record.key as string, (perKey.get(record.key as string) ?? 0) + 1);
  const duplicated = produced.length - perKey.size;
  check(
    "each producer key once in the topic (idempotence: no duplicate)",
    duplicated === 0,
    `${produced.length} records, ${perKey.size} distinct keys`,
  );
  check(
    "records in the topic equal the producer's acknowledged count",
    summary !== undefined && produced.length === summary.sent,
    `topic ${produced.length}, producer reported ${String(summary?.sent)}`,
  );
  for (const id of perKey.keys()) state.expectedIds.add(id);

  // Drained means the job has committed a micro-batch past everything now in the topic: then a missing row is a
  // loss, not a delay (on a busy machine a restarted job may need minutes).
  const drainedSeconds = await waitForDrain(state, options);
  check(
    "the job caught up with the topic (committed offsets reached its end)",
    drainedSeconds !== undefined,
    drainedSeconds !== undefined
      ? `${drainedSeconds.toFixed(0)}s after the producer stopped`
      : "not within the drain limit",
  );
  let ids: string[] = [];
  // A late duplicate or stray row would show up within a few micro-batches.
  await sleep(6_000);
  ids = await tableIds();
  const idSet = new Set(ids);
  const lost = [...perKey.keys()].filter((id) => !idSet.has(id));
  const extra = ids.filter((id) => !state.expectedIds.has(id));
  check(
    "every acknowledged record is a row",
    lost.length === 0,
    `${lost.length} lost${lost.length > 0 ? ` (e.g. ${lost.slice(0, 3).join(", ")})` : ""}`,
  );
  check(
    "no row that was not produced; one row per id",
    extra.length === 0 && idSet.size === ids.length && ids.length === state.expectedIds.size,
    `${ids.length} rows, ${idSet.size} distinct, ${state.expectedIds.size} expected, ${extra.length} unexpected`,
  );

  const commitsAfterHeal =
    healedAt === undefined ? [] : commitTimes(state.checkpointLocation).filter((t) => t > healedAt);
  const recoverySeconds =
    healedAt === undefined || commitsAfterHeal.length === 0 ? undefined : (commitsAfterHeal[0] - healedAt) / 1000;
  if (fault.jobUnaffected && !fault.stopsProducer) {
    const during = commitTimes(state.checkpointLocation).filter((t) => t >= faultWindow.from && t <= faultWindow.to);
    check(
      "the job kept committing batches during the fault",
      during.length > 0,
      `${during.length} commits in the fault window`,
    );
  }

  const malformedInTopic = added.filter((record) => record.key !== undefined && malformedKeys.has(record.key));
  const sourcePositions = new Set(malformedInTopic.map((record) => `${record.partition}:${record.offset}`));
  let letters = await deadLetterRecords(bootstrap, topics.deadLetters);
  await boundedWait(`${malformed.length} dead letters (scenario ${fault.name})`, 120_000, async () => {
    letters = await deadLetterRecords(bootstrap, topics.deadLetters);
    const keys = new Set(letters.map((letter) => letter.key));
    return malformed.every((message) => keys.has(message.key));
  });
  const mine = letters.filter((letter) => letter.key !== undefined && malformedKeys.has(letter.key));
  const letterPositions = new Set(
    mine.map((letter) => `${String(letter.sourcePartition)}:${String(letter.sourceOffset)}`),
  );
  const named = mine.every((letter) => letter.sourcePartition !== undefined && letter.sourceOffset !== undefined);
  check(
    "every malformed message is a dead letter naming its source partition and offset",
    named &&
      letterPositions.size === malformed.length &&
      [...sourcePositions].every((position) => letterPositions.has(position)),
    `${malformed.length} injected at ${sourcePositions.size} offsets; ${mine.length} dead letters at ${letterPositions.size} distinct source offsets`,
  );
  const stray = letters.filter((letter) => letter.key !== undefined && perKey.has(letter.key));
  check("no good record of this scenario is a dead letter", stray.length === 0, `${stray.length}`);

  const samples = await watch.stop();
  const faultSamples = samples.filter((sample) => sample.at <= (healedAt ?? Date.now()) + 30_000);
  const errorPages = faultSamples.filter((sample) => sample.pageStatus !== 200 || sample.apiStatus !== 200);
  check(
    "dashboard serves its page and status during the fault (no error page)",
    errorPages.length === 0,
    describeSamples(faultSamples),
  );
  if (fault.expectDegraded)
    check(
      "dashboard reports degraded while Cassandra is unreachable",
      faultSamples.some((sample) => sample.state === "degraded"),
      describeSamples(faultSamples),
    );
  let total: number | undefined;
  await boundedWait(`dashboard total = ${ids.length}`, 60_000, async () => {
    total = await dashboardTotal(state.dashboardUrl);
    return total === ids.length;
  });
  check("dashboard total equals the row count", total === ids.length, `dashboard ${String(total)}, rows ${ids.length}`);

  return {
    name: fault.name,
    sent: summary?.sent,
    inTopic: produced.length,
    rows: perKey.size - lost.length,
    lost: lost.length,
    duplicated,
    deadLetters: mine.length,
    recoverySeconds,
    sparkRestarts: state.spark.restarts - restartsBefore,
  };
}
