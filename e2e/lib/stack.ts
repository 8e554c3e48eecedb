/**
 * Starts the real engines on loopback (ZooKeeper + Kafka, Cassandra, Apicurio Registry for the Schema Registry API,
 * the Spark job, the dashboard), hands them to a body, and always stops them again. run.ts and both
 * benchmarks use this one module.
 */
import { cpus, loadavg } from "node:os";
import { buildApps, startDashboard, startRegistryReader, type Dashboard, type RegistryReader } from "./apps";
import { createSchema, startCassandra, type CassandraEngine, type CassandraTable } from "./cassandra";
import { createTopics, startKafka, topics, type KafkaEngine } from "./kafka";
import { stackNaming } from "./naming";
import { createRunDir } from "./paths";
import {
  assertPortsFree,
  EngineError,
  installCleanupHandlers,
  logTail,
  portOpen,
  stopAll,
  type ManagedProcess,
} from "../../scripts/lib/processes";
import { startSchemaRegistry, type SchemaRegistryEngine } from "./schema-registry";
import { harnessSettings, ports } from "./settings";
import { startSparkJob, type SparkJob } from "./spark";

export const { keyspace, table } = stackNaming.cassandra;

export interface StackOptions {
  /** Short name for the run directory and messages ("e2e", "bench-latency"). */
  readonly label: string;
  readonly cassandra: boolean;
  readonly spark: boolean;
  readonly dashboard: boolean;
  /** Bundle the producer and dashboard first (implied by dashboard). */
  readonly buildApps?: boolean;
  /** Partitions of users_created. */
  readonly partitions?: number;
  /** The Spark driver's heap; E2E_SPARK_DRIVER_MEMORY (default 1200m) when unset. */
  readonly sparkDriverMemory?: string;
}

export interface Stack {
  readonly runDir: string;
  readonly kafka: KafkaEngine;
  readonly schemaRegistry: SchemaRegistryEngine;
  /** The registry's read-only front the Spark job reads through (started with the job). */
  readonly registryReader?: RegistryReader;
  readonly cassandra?: CassandraEngine;
  readonly spark?: SparkJob;
  readonly dashboard?: Dashboard;
  /** Every long-running process, to check that none has died during the body. */
  readonly processes: readonly ManagedProcess[];
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

async function startStack(runDir: string, options: StackOptions): Promise<Stack> {
  const started = Date.now();
  if (options.dashboard || options.spark || options.buildApps === true) {
    // Fail on a broken app build before spending a minute on engines.
    process.stdout.write("bundling the apps (apps/build.ts)…\n");
    await buildApps();
  }
  const [kafka, cassandra] = await Promise.all([
    startKafka(runDir),
    options.cassandra ? startCassandra(runDir) : Promise.resolve(undefined),
  ]);
  await createTopics(kafka.bootstrapServers, options.partitions ?? 2);
  if (cassandra !== undefined) await createSchema(keyspace);
  // After the engines, not beside them: on two cores a parallel start (and, once, the Maven build) slowed
  // Cassandra more than it saved (e2e/README.md, "Time it adds").
  const schemaRegistry = await startSchemaRegistry(runDir);
  process.stdout.write(`engines up after ${elapsed(started)}\n`);
  const rows: CassandraTable | undefined =
    cassandra === undefined
      ? undefined
      : { host: cassandra.host, port: cassandra.port, datacenter: cassandra.datacenter, keyspace, table };
  let spark: SparkJob | undefined;
  let registryReader: RegistryReader | undefined;
  if (options.spark && rows !== undefined) {
    registryReader = await startRegistryReader(runDir, schemaRegistry.url);
    spark = await startSparkJob(runDir, {
      bootstrapServers: kafka.bootstrapServers,
      topic: topics.users,
      deadLetterTopic: topics.deadLetters,
      rows,
      triggerInterval: harnessSettings.triggerInterval,
      startingOffsets: "earliest",
      driverMemory: options.sparkDriverMemory ?? harnessSettings.sparkDriverMemory,
      // As deployed: the job reads schemas through the read-only front, never from the registry itself.
      schemaRegistryUrl: registryReader.url,
    });
  }
  const dashboard = options.dashboard && rows !== undefined ? await startDashboard(runDir, rows) : undefined;
  const processes = [
    kafka.zookeeper,
    kafka.broker,
    schemaRegistry.process,
    ...(registryReader !== undefined ? [registryReader.process] : []),
    ...(cassandra !== undefined ? [cassandra.process] : []),
    ...(spark !== undefined ? [spark.process] : []),
    ...(dashboard !== undefined ? [dashboard.process] : []),
  ];
  process.stdout.write(`stack ready after ${elapsed(started)}\n`);
  return { runDir, kafka, schemaRegistry, registryReader, cassandra, spark, dashboard, processes };
}

/** Names of the stack's processes that have exited on their own, for a failure message. */
export function deadProcesses(stack: Stack): string[] {
  return stack.processes.filter((managed) => managed.hasExited()).map((managed) => managed.name);
}

/** Ports that still accept connections after everything was stopped (should be none). */
export async function portsStillListening(): Promise<string[]> {
  const listening: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (await portOpen(port)) listening.push(`${name}:${port}`);
  }
  return listening;
}

export interface StackOutcome<Result> {
  readonly result: Result | undefined;
  readonly error: unknown;
  readonly runDir: string;
  /** Ports still listening after the stop (expected: none). */
  readonly leftListening: readonly string[];
}

/**
 * Starts the stack, runs body, stops every process (also on error and on SIGINT/SIGTERM), and reports what broke
 * with the tail of the responsible engine's log.
 */
export async function withStack<Result>(
  options: StackOptions,
  body: (stack: Stack) => Promise<Result>,
): Promise<StackOutcome<Result>> {
  installCleanupHandlers();
  const runDir = createRunDir(options.label);
  process.stdout.write(`run directory (logs, configs, data): ${runDir}\n`);
  let result: Result | undefined;
  let error: unknown;
  let stack: Stack | undefined;
  try {
    await assertPortsFree(ports);
    stack = await startStack(runDir, options);
    result = await body(stack);
  } catch (caught) {
    error = caught;
    process.stdout.write(`\nFAILED: ${caught instanceof Error ? caught.message : String(caught)}\n`);
    if (caught instanceof EngineError && caught.logFile !== undefined) {
      process.stdout.write(
        `--- last 60 lines of ${caught.logFile} ---\n${logTail(caught.logFile, 60)}\n--- end of log ---\n`,
      );
    }
    if (stack !== undefined) {
      for (const managed of stack.processes.filter((candidate) => candidate.hasExited())) {
        process.stdout.write(
          `--- ${managed.name} exited; last 60 lines of ${managed.logFile} ---\n${logTail(managed.logFile, 60)}\n--- end of log ---\n`,
        );
      }
    }
  } finally {
    await stopAll();
  }
  const leftListening = await portsStillListening();
  if (leftListening.length > 0)
    process.stdout.write(`WARNING: still listening after stop: ${leftListening.join(", ")}\n`);
  process.stdout.write(`logs kept in ${runDir}\n`);
  return { result, error, runDir, leftListening };
}

/** 1-minute load average and core count: benchmark figures mean little on a machine busy with other work. */
export function machineLoad(): string {
  const [oneMinute] = loadavg();
  return `load average ${oneMinute?.toFixed(1) ?? "?"} on ${cpus().length} cores`;
}
