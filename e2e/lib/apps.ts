import { existsSync } from "node:fs";
import { join } from "node:path";
import { loopback, ports, repoRoot } from "./paths";
import { runCommand, startProcess, waitFor, type ManagedProcess } from "../../scripts/lib/processes";
import { tsxCli } from "./schema-registry";

export const producerBundle = join(repoRoot, "apps", "producer", "dist", "producer.js");
export const dashboardBundle = join(repoRoot, "apps", "dashboard", "dist", "dashboard.js");

/** Bundles producer and dashboard exactly as the stack ships them (apps/build.ts), so the run tests the shipped code. */
export async function buildApps(): Promise<void> {
  const buildScript = join(repoRoot, "apps", "build.ts");
  if (!existsSync(buildScript)) throw new Error(`${buildScript} is missing: it bundles the producer and the dashboard`);
  const result = await runCommand(process.execPath, [tsxCli, buildScript], { cwd: repoRoot });
  if (result.code !== 0 || !existsSync(producerBundle) || !existsSync(dashboardBundle)) {
    throw new Error(`npx tsx apps/build.ts failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
  }
}

export interface ProducerEnvironment {
  readonly bootstrapServers: string;
  readonly topic: string;
  readonly schemaRegistryUrl: string;
  readonly seed: string;
  /** Extra PRODUCER_* variables (compression, batch size). */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The JSON line the producer prints on stdout when it finishes. */
export interface ProducerSummary {
  readonly sent: number;
  readonly topic: string;
  readonly schemaId?: number;
  readonly elapsedSeconds: number;
}

export interface ProducerRun {
  readonly code: number;
  readonly summary: ProducerSummary | undefined;
  readonly output: string;
  /** Wall-clock seconds of the whole process, start-up included. */
  readonly wallSeconds: number;
}

function producerEnvironment(environment: ProducerEnvironment): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: environment.bootstrapServers,
    KAFKA_TOPIC: environment.topic,
    SCHEMA_REGISTRY_URL: environment.schemaRegistryUrl,
    PRODUCER_SEED: environment.seed,
    ...environment.extra,
  };
}

/** Runs the bundled producer to completion with the given CLI arguments (e.g. --count 500). */
export async function runProducer(environment: ProducerEnvironment, args: readonly string[]): Promise<ProducerRun> {
  const started = Date.now();
  const result = await runCommand(process.execPath, [producerBundle, ...args], {
    env: producerEnvironment(environment),
  });
  const wallSeconds = (Date.now() - started) / 1000;
  let summary: ProducerSummary | undefined;
  for (const line of result.output.split("\n").reverse()) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as Partial<ProducerSummary>;
      if (typeof parsed.sent === "number" && typeof parsed.elapsedSeconds === "number") {
        summary = parsed as ProducerSummary;
        break;
      }
    } catch {
      // A log line that happens to start with a brace.
    }
  }
  return { code: result.code, summary, output: result.output, wallSeconds };
}

export interface DashboardOptions {
  readonly cassandraHost: string;
  readonly cassandraPort: number;
  readonly datacenter: string;
  readonly keyspace: string;
  readonly table: string;
}

export interface Dashboard {
  readonly url: string;
  readonly process: ManagedProcess;
}

/** Starts the bundled dashboard and waits for its health endpoint. */
export async function startDashboard(runDir: string, options: DashboardOptions): Promise<Dashboard> {
  const url = `http://${loopback}:${ports.dashboard}`;
  const process_ = startProcess({
    name: "dashboard",
    command: process.execPath,
    args: [dashboardBundle],
    logFile: join(runDir, "dashboard.log"),
    env: {
      ...process.env,
      CASSANDRA_CONTACT_POINTS: options.cassandraHost,
      CASSANDRA_PORT: String(options.cassandraPort),
      CASSANDRA_LOCAL_DATACENTER: options.datacenter,
      CASSANDRA_KEYSPACE: options.keyspace,
      CASSANDRA_TABLE: options.table,
      PORT: String(ports.dashboard),
    },
  });
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, {
    what: `dashboard ${url}`,
    timeoutMs: 60_000,
    process: process_,
    intervalMs: 500,
  });
  return { url, process: process_ };
}

/** The dashboard's total-users figure (GET /api/total, see apps/dashboard/src/server.ts). */
export async function dashboardTotalUsers(dashboardUrl: string): Promise<number | undefined> {
  const response = await fetch(`${dashboardUrl}/api/total`);
  if (!response.ok) return undefined;
  const body = (await response.json()) as { totalUsers?: unknown };
  return typeof body.totalUsers === "number" ? body.totalUsers : undefined;
}
