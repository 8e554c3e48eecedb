import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CassandraTable } from "./cassandra";
import { loopback, repoRoot } from "./paths";
import { ports } from "./settings";
import { runCommand, startProcess, waitFor, type ManagedProcess } from "../../scripts/lib/processes";
import { tsxCli } from "./schema-registry";

export const producerBundle = join(repoRoot, "apps", "producer", "dist", "producer.js");
export const dashboardBundle = join(repoRoot, "apps", "dashboard", "dist", "dashboard.js");
export const registryReaderBundle = join(repoRoot, "apps", "registry-reader", "dist", "registry-reader.js");

/** Bundles every app exactly as the stack ships it (apps/build.ts), so the run tests the shipped code. */
export async function buildApps(): Promise<void> {
  const buildScript = join(repoRoot, "apps", "build.ts");
  if (!existsSync(buildScript)) throw new Error(`${buildScript} is missing: it bundles the apps`);
  const result = await runCommand(process.execPath, [tsxCli, buildScript], { cwd: repoRoot });
  if (result.code !== 0 || ![producerBundle, dashboardBundle, registryReaderBundle].every((file) => existsSync(file))) {
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

/** One of our HTTP apps running from its bundle on loopback. */
export interface ServingApp {
  readonly url: string;
  readonly process: ManagedProcess;
}

export type Dashboard = ServingApp;
export type RegistryReader = ServingApp;

/** Starts a bundled app as the stack ships it and waits until its /healthz answers. */
async function startServingApp(
  runDir: string,
  app: { readonly name: string; readonly bundle: string; readonly port: number; readonly env: NodeJS.ProcessEnv },
  readyWithinMs: number,
): Promise<ServingApp> {
  const url = `http://${loopback}:${app.port}`;
  const process_ = startProcess({
    name: app.name,
    command: process.execPath,
    args: [app.bundle],
    logFile: join(runDir, `${app.name}.log`),
    env: { ...process.env, ...app.env },
  });
  await waitFor(async () => (await fetch(`${url}/healthz`)).ok, {
    what: `${app.name} ${url}`,
    timeoutMs: readyWithinMs,
    process: process_,
    intervalMs: 200,
  });
  return { url, process: process_ };
}

/** Starts the bundled dashboard and waits for its health endpoint. */
export function startDashboard(runDir: string, rows: CassandraTable): Promise<Dashboard> {
  const env = {
    CASSANDRA_CONTACT_POINTS: rows.host,
    CASSANDRA_PORT: String(rows.port),
    CASSANDRA_LOCAL_DATACENTER: rows.datacenter,
    CASSANDRA_KEYSPACE: rows.keyspace,
    CASSANDRA_TABLE: rows.table,
    PORT: String(ports.dashboard),
  };
  return startServingApp(runDir, { name: "dashboard", bundle: dashboardBundle, port: ports.dashboard, env }, 60_000);
}

/** The registry's read-only front, as the stack ships it: the Spark job reads schemas through it, as in the cluster. */
export function startRegistryReader(runDir: string, registryUrl: string): Promise<RegistryReader> {
  const port = ports.registryReader;
  const env = { REGISTRY_READER_UPSTREAM: registryUrl, REGISTRY_READER_PORT: String(port) };
  return startServingApp(runDir, { name: "registry-reader", bundle: registryReaderBundle, port, env }, 30_000);
}

/** The dashboard's total-users figure (GET /api/total, see apps/dashboard/src/server.ts). */
export async function dashboardTotalUsers(dashboardUrl: string): Promise<number | undefined> {
  const response = await fetch(`${dashboardUrl}/api/total`);
  if (!response.ok) return undefined;
  const body = (await response.json()) as { totalUsers?: unknown };
  return typeof body.totalUsers === "number" ? body.totalUsers : undefined;
}
