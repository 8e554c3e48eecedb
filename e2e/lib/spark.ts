import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CassandraTable } from "./cassandra";
import { cacheDir, loopback, repoRoot } from "./paths";
import { ports } from "./settings";
import { runCommand, startProcess, waitFor, type ManagedProcess } from "../../scripts/lib/processes";

const sparkJobDir = join(repoRoot, "apps", "spark-job");

interface SparkVersions {
  readonly spark: string;
  readonly packages: readonly string[];
  readonly mainFile: string;
}

export function sparkVersions(): SparkVersions {
  const file = join(sparkJobDir, "versions.json");
  if (!existsSync(file))
    throw new Error(
      `${file} is missing: the Spark job's versions (Spark version, Maven packages) are needed to submit it`,
    );
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<SparkVersions>;
  if (typeof parsed.spark !== "string" || !Array.isArray(parsed.packages)) {
    throw new Error(`${file} must hold "spark" (a version) and "packages" (Maven coordinates)`);
  }
  return { spark: parsed.spark, packages: parsed.packages, mainFile: parsed.mainFile ?? "streaming_job.py" };
}

/** Creates (once) the PySpark virtualenv through the job's own setup script and returns its path. */
export async function sparkVirtualenv(): Promise<string> {
  const script = join(sparkJobDir, "setup-venv.sh");
  if (!existsSync(script)) throw new Error(`${script} is missing: it creates the PySpark virtualenv`);
  process.stdout.write("preparing the PySpark virtualenv (slow only the first time)…\n");
  const result = await runCommand("bash", [script], { env: { ...process.env, STREAMSTACK_CACHE: cacheDir() } });
  const venv = result.output.trim().split("\n").at(-1) ?? "";
  if (result.code !== 0 || !existsSync(join(venv, "bin", "spark-submit"))) {
    throw new Error(`apps/spark-job/setup-venv.sh failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
  }
  return venv;
}

export interface SparkJobOptions {
  readonly bootstrapServers: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly rows: CassandraTable;
  readonly triggerInterval: string;
  readonly startingOffsets: string;
  /** Driver (and, in local mode, executor) heap. */
  readonly driverMemory: string;
  /** Confluent API the job fetches writer schemas from by id (unset: it reads every record with its own .avsc). */
  readonly schemaRegistryUrl?: string;
}

export interface SparkJob {
  readonly process: ManagedProcess;
  readonly checkpointLocation: string;
}

/** Submits apps/spark-job/streaming_job.py in local mode with the env contract the Kubernetes stack uses. */
export async function startSparkJob(runDir: string, options: SparkJobOptions): Promise<SparkJob> {
  const versions = sparkVersions();
  const mainFile = join(sparkJobDir, versions.mainFile);
  if (!existsSync(mainFile)) throw new Error(`${mainFile} is missing: nothing to submit`);
  const venv = await sparkVirtualenv();
  const checkpointLocation = join(runDir, "spark-checkpoint");
  const process_ = startProcess({
    name: "spark-job",
    command: join(venv, "bin", "spark-submit"),
    args: [
      "--master",
      "local[2]",
      "--driver-memory",
      options.driverMemory,
      "--packages",
      versions.packages.join(","),
      "--conf",
      `spark.jars.ivy=${join(cacheDir(), "ivy")}`,
      "--conf",
      `spark.driver.host=${loopback}`,
      "--conf",
      `spark.driver.bindAddress=${loopback}`,
      "--conf",
      `spark.ui.port=${ports.sparkUi}`,
      "--conf",
      "spark.sql.shuffle.partitions=2",
      "--conf",
      "spark.default.parallelism=2",
      "--conf",
      "spark.sql.streaming.stopGracefullyOnShutdown=true",
      "--conf",
      `spark.local.dir=${join(runDir, "spark-local")}`,
      mainFile,
    ],
    logFile: join(runDir, "spark-job.log"),
    cwd: sparkJobDir,
    env: {
      ...process.env,
      PYSPARK_PYTHON: join(venv, "bin", "python"),
      PYSPARK_DRIVER_PYTHON: join(venv, "bin", "python"),
      KAFKA_BOOTSTRAP_SERVERS: options.bootstrapServers,
      KAFKA_TOPIC: options.topic,
      KAFKA_DLQ_TOPIC: options.deadLetterTopic,
      CASSANDRA_HOST: options.rows.host,
      CASSANDRA_PORT: String(options.rows.port),
      CASSANDRA_LOCAL_DATACENTER: options.rows.datacenter,
      CASSANDRA_KEYSPACE: options.rows.keyspace,
      CASSANDRA_TABLE: options.rows.table,
      CHECKPOINT_LOCATION: checkpointLocation,
      STARTING_OFFSETS: options.startingOffsets,
      TRIGGER_INTERVAL: options.triggerInterval,
      AVRO_SCHEMA_PATH: join(repoRoot, "apps", "schemas", "users_created.avsc"),
      ...(options.schemaRegistryUrl !== undefined ? { SCHEMA_REGISTRY_URL: options.schemaRegistryUrl } : {}),
    },
  });
  // The query writes its checkpoint metadata when it starts; the first offsets file follows once it has
  // planned a batch, which means it has reached Kafka.
  await waitFor(() => Promise.resolve(existsSync(join(checkpointLocation, "offsets", "0"))), {
    what: "Spark streaming query (first micro-batch planned)",
    timeoutMs: 600_000,
    process: process_,
    intervalMs: 1000,
  });
  return { process: process_, checkpointLocation };
}

/**
 * The Kafka offsets up to which the query has finished writing: the offsets of the newest batch that has a
 * commit file. Spark's Kafka source keeps its position in the checkpoint, not in a consumer group.
 */
export function committedOffsets(checkpointLocation: string, topic: string): Map<number, bigint> {
  const commitsDir = join(checkpointLocation, "commits");
  if (!existsSync(commitsDir)) return new Map();
  const batchIds = readdirSync(commitsDir)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => b - a);
  for (const batchId of batchIds) {
    const offsetsFile = join(checkpointLocation, "offsets", String(batchId));
    if (!existsSync(offsetsFile)) continue;
    // Line 1 is the format version, line 2 batch metadata, then one JSON line per source.
    const lines = readFileSync(offsetsFile, "utf8").split("\n").slice(2);
    for (const line of lines) {
      try {
        const parsed = JSON.parse(line) as Record<string, Record<string, number>>;
        const partitions = parsed[topic];
        if (partitions !== undefined) {
          return new Map(Object.entries(partitions).map(([partition, offset]) => [Number(partition), BigInt(offset)]));
        }
      } catch {
        // Not a source offset line.
      }
    }
  }
  return new Map();
}

/** Records written to the topic but not yet through the query. */
export function backlog(endOffsets: Map<number, bigint>, processed: Map<number, bigint>): number {
  let total = 0n;
  for (const [partition, end] of endOffsets) total += end - (processed.get(partition) ?? 0n);
  return Number(total);
}

/** When each micro-batch's commit file was written (ms, ascending): after foreachBatch returned, so its rows were in Cassandra. */
export function commitTimes(checkpointLocation: string): number[] {
  const commitsDir = join(checkpointLocation, "commits");
  if (!existsSync(commitsDir)) return [];
  return readdirSync(commitsDir)
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => statSync(join(commitsDir, entry)).mtimeMs)
    .sort((a, b) => a - b);
}

/** The first commit at or after a moment, i.e. the end of the micro-batch that was running then. */
export function firstCommitAfter(sortedCommitTimes: readonly number[], moment: number): number | undefined {
  let low = 0;
  let high = sortedCommitTimes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sortedCommitTimes[middle] ?? 0) < moment) low = middle + 1;
    else high = middle;
  }
  return sortedCommitTimes[low];
}

/** Per committed micro-batch: when it committed (ms) and how many records of the topic had been processed by then. */
export function commitProgress(checkpointLocation: string, topic: string): { time: number; processed: number }[] {
  const commitsDir = join(checkpointLocation, "commits");
  if (!existsSync(commitsDir)) return [];
  const progress: { time: number; processed: number }[] = [];
  for (const name of readdirSync(commitsDir).filter((entry) => /^\d+$/.test(entry))) {
    const offsetsFile = join(checkpointLocation, "offsets", name);
    if (!existsSync(offsetsFile)) continue;
    for (const line of readFileSync(offsetsFile, "utf8").split("\n").slice(2)) {
      try {
        const partitions = (JSON.parse(line) as Record<string, Record<string, number>>)[topic];
        if (partitions !== undefined) {
          const processed = Object.values(partitions).reduce((sum, offset) => sum + offset, 0);
          progress.push({ time: statSync(join(commitsDir, name)).mtimeMs, processed });
        }
      } catch {
        // Not a source offset line.
      }
    }
  }
  return progress.sort((a, b) => a.time - b.time);
}

/** The table-write settings the Spark Cassandra Connector logs for each write (its WriteConf), as the job ran them. */
export interface ConnectorWriteSettings {
  /** Rows per statement (RowsInBatch), or undefined when the batch was sized in bytes. */
  readonly rowsPerBatch: number | undefined;
  readonly groupingKey: string;
  readonly consistencyLevel: string;
  /** Statements in flight per Spark task (spark.cassandra.output.concurrent.writes). */
  readonly concurrentWrites: number;
}

/**
 * Every WriteConf in the driver log. The connector (3.5.1) logs its CassandraBulkWrite at the start of each table
 * write; WriteConf's fields are batchSize, batchGroupingBufferSize, batchGroupingKey, consistencyLevel, ifNotExists,
 * ignoreNulls, parallelismLevel, … (connector/src/main/scala/com/datastax/spark/connector/writer/WriteConf.scala).
 */
export function connectorWriteSettings(logFile: string): ConnectorWriteSettings[] {
  const pattern = /WriteConf\((\w+)\((\d+)\),\d+,(\w+),(\w+),(?:true|false),(?:true|false),(\d+),/g;
  return [...readFileSync(logFile, "utf8").matchAll(pattern)].map((match) => ({
    rowsPerBatch: match[1] === "RowsInBatch" ? Number(match[2]) : undefined,
    groupingKey: match[3] ?? "",
    consistencyLevel: match[4] ?? "",
    concurrentWrites: Number(match[5]),
  }));
}

/** The job's own settings (apps/spark-job/job_config.py), so the e2e check cannot drift from them. */
export function configuredTableWrites(): { rowsPerBatch: number; concurrentWrites: number } {
  const source = readFileSync(join(sparkJobDir, "job_config.py"), "utf8");
  const setting = (name: string): number => {
    const match = new RegExp(`^${name} = (\\d+)$`, "m").exec(source);
    if (match?.[1] === undefined) throw new Error(`apps/spark-job/job_config.py no longer sets ${name}`);
    return Number(match[1]);
  };
  return {
    rowsPerBatch: setting("CASSANDRA_ROWS_PER_BATCH"),
    concurrentWrites: setting("CASSANDRA_CONCURRENT_WRITES"),
  };
}
