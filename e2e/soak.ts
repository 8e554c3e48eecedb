/**
 * Soak: the whole pipeline (real producer → Kafka → Spark job → Cassandra → dashboard) at a steady rate for a bounded
 * time. Every minute it prints the input and output throughput, the job's lag (records not yet committed, and the
 * seconds of input they stand for) and the resident memory of the producer, the dashboard, the Spark job and each
 * engine; at the end it flags memory that kept growing after the warm-up and lag that kept growing. Not part of CI.
 *
 *   npm run soak [-- --minutes 10] [--rate 2000]
 */
import { runProducer } from "./lib/apps";
import { topicEndOffsets, topics } from "./lib/kafka";
import { backlog, committedOffsets } from "./lib/spark";
import { machineLoad, withStack, type Stack } from "./lib/stack";
import { groupOfCommand, groupRssMi } from "../scripts/lib/process-memory";
import { sleep, type ManagedProcess } from "../scripts/lib/processes";
import { readInput } from "../scripts/lib/script-input";

interface SoakOptions {
  readonly minutes: number;
  readonly rate: number;
}

function readSoakOptions(): SoakOptions {
  return readInput(
    {
      values: ["minutes", "rate"],
      usage: "usage: npm run soak -- [--minutes 1..120 (default 10)] [--rate 1..10000 records/s (default 2000)]",
    },
    (input) => ({
      minutes: input.wholeNumber({ flag: "minutes" }, 10, { min: 1, max: 120 }),
      rate: input.wholeNumber({ flag: "rate" }, 2000, { min: 1, max: 10_000 }),
    }),
  );
}

/** One minute's figures. */
interface Sample {
  readonly minute: number;
  readonly inPerSecond: number;
  readonly outPerSecond: number;
  readonly lagRecords: number;
  readonly rssMi: Readonly<Record<string, number>>;
}

function total(offsets: Map<number, bigint>): number {
  return Number([...offsets.values()].reduce((sum, offset) => sum + offset, 0n));
}

/** Resident memory (MiB) of each process group we watch; the producer is found by its bundle's path. */
function memory(watched: readonly ManagedProcess[]): Record<string, number> {
  const figures: Record<string, number> = {};
  const producer = groupOfCommand("producer.js");
  if (producer !== undefined) figures.producer = groupRssMi(producer);
  for (const managed of watched) {
    const pid = managed.child.pid;
    if (pid !== undefined && !managed.hasExited()) figures[managed.name] = groupRssMi(pid);
  }
  return figures;
}

function formatSample(sample: Sample): string {
  const rss = Object.entries(sample.rssMi)
    .map(([name, mi]) => `${name} ${mi}`)
    .join(", ");
  return (
    `minute ${String(sample.minute).padStart(3)}: in ${sample.inPerSecond.toFixed(0)}/s, out ${sample.outPerSecond.toFixed(0)}/s, ` +
    `lag ${sample.lagRecords} records (${(sample.lagRecords / Math.max(sample.inPerSecond, 1)).toFixed(1)} s of input); RSS MiB: ${rss}`
  );
}

/**
 * What kept growing: a process whose memory rose at every sample of the second half of the run and by more than a
 * quarter (and 64 MiB) over it, or a lag that rose at every sample of that half.
 */
function growthFlags(samples: readonly Sample[]): string[] {
  const secondHalf = samples.slice(Math.floor(samples.length / 2));
  if (secondHalf.length < 3) return [];
  const flags: string[] = [];
  const risingThroughout = (values: readonly number[]) =>
    values.every((value, index) => index === 0 || value > (values[index - 1] ?? 0));
  for (const name of Object.keys(secondHalf[0]?.rssMi ?? {})) {
    const values = secondHalf.map((sample) => sample.rssMi[name] ?? 0);
    const first = values[0] ?? 0;
    const last = values.at(-1) ?? 0;
    if (risingThroughout(values) && last - first > Math.max(64, first / 4))
      flags.push(`${name} memory grew from ${first} to ${last} MiB over the second half`);
  }
  const lags = secondHalf.map((sample) => sample.lagRecords);
  if (risingThroughout(lags)) flags.push(`lag grew at every sample of the second half (${lags.join(" → ")} records)`);
  return flags;
}

async function soak(stack: Stack, options: SoakOptions): Promise<{ samples: Sample[]; sent: number | undefined }> {
  const checkpoint = stack.spark?.checkpointLocation;
  if (checkpoint === undefined) throw new Error("the Spark job did not start");
  const watched = stack.processes;
  const producing = runProducer(
    {
      bootstrapServers: stack.kafka.bootstrapServers,
      topic: topics.users,
      schemaRegistryUrl: stack.schemaRegistry.url,
      seed: `soak-${Date.now()}`,
    },
    ["--rate", String(options.rate), "--duration", String(options.minutes * 60)],
  );
  const samples: Sample[] = [];
  let previousIn = total(await topicEndOffsets(stack.kafka.bootstrapServers, topics.users));
  let previousOut = total(committedOffsets(checkpoint, topics.users));
  let previousAt = Date.now();
  for (let minute = 1; minute <= options.minutes; minute++) {
    await sleep(60_000);
    const ends = await topicEndOffsets(stack.kafka.bootstrapServers, topics.users);
    const committed = committedOffsets(checkpoint, topics.users);
    const now = Date.now();
    const seconds = (now - previousAt) / 1000;
    const sample: Sample = {
      minute,
      inPerSecond: (total(ends) - previousIn) / seconds,
      outPerSecond: (total(committed) - previousOut) / seconds,
      lagRecords: backlog(ends, committed),
      rssMi: memory(watched),
    };
    samples.push(sample);
    process.stdout.write(`${formatSample(sample)}\n`);
    previousIn = total(ends);
    previousOut = total(committed);
    previousAt = now;
  }
  const run = await producing;
  if (run.code !== 0) throw new Error(`the producer exited ${run.code}:\n${run.output.slice(-2000)}`);
  return { samples, sent: run.summary?.sent };
}

async function main(): Promise<void> {
  const options = readSoakOptions();
  process.stdout.write(`soak: ${options.rate} records/s for ${options.minutes} min (${machineLoad()})\n`);
  const outcome = await withStack(
    { label: "soak", cassandra: true, spark: true, dashboard: true, buildApps: true },
    (stack) => soak(stack, options),
  );
  if (outcome.result === undefined) process.exit(1);
  const { samples, sent } = outcome.result;
  const flags = growthFlags(samples);
  const steady = samples.slice(1);
  const mean = (values: readonly number[]) =>
    values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
  process.stdout.write(
    `\nsoak summary: producer sent ${sent ?? "?"} records; after the first minute, in ${mean(steady.map((s) => s.inPerSecond)).toFixed(0)}/s, ` +
      `out ${mean(steady.map((s) => s.outPerSecond)).toFixed(0)}/s, lag at most ${Math.max(0, ...steady.map((s) => s.lagRecords))} records; ${machineLoad()}\n`,
  );
  for (const flag of flags) process.stdout.write(`FLAG ${flag}\n`);
  process.stdout.write(flags.length === 0 ? "no growth in memory or lag\n" : `${flags.length} growth flag(s)\n`);
  process.exit(flags.length === 0 ? 0 : 1);
}

void main();
