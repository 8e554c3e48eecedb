/**
 * Measures the resident memory (RSS) of every component that can run here as a local process, at idle and under
 * the e2e load, and prints the figures; with --write it records them in config/measured-rss.json, from which the
 * kind profile's requests are set (see __tests__/measured-requests.test.ts for the headroom rule).
 *
 *   npx tsx scripts/measure-rss.ts [--records N] [--idle-seconds S] [--phase all|airflow|engines] [--write]
 *
 * Runs on loopback only, one phase at a time (engines, then Airflow), each bounded in time, and stops every process
 * it started at the end, also on failure or Ctrl-C. JVMs run with native memory tracking (JAVA_TOOL_OPTIONS), so
 * their heap and non-heap memory are reported separately.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { basename, dirname, join } from "node:path";
import { dashboardBundle, dashboardTotalUsers, producerBundle, runProducer } from "../e2e/lib/apps";
import { loopback, repoRoot } from "../e2e/lib/paths";
import {
  installCleanupHandlers,
  runCommand,
  sleep,
  startProcess,
  stopAll,
  stopProcess,
  waitFor,
  type ManagedProcess,
} from "./lib/processes";
import { readInput } from "./lib/script-input";
import { topics } from "../e2e/lib/kafka";
import { withStack } from "../e2e/lib/stack";
import { engineVersions } from "../e2e/lib/versions";
import { sparkVersions, versions } from "../config/versions";
import { groupOfCommand, groupRssMi, javaMemory, javaProcessesOf, type JavaMemory } from "./lib/process-memory";
import { measuredRssFile, readMeasuredRss, type MeasuredProcess, type MeasuredRss } from "./lib/measured-rss";

const { records, idleSeconds, phase, write } = readInput(
  {
    values: ["records", "idle-seconds", "phase"],
    switches: ["write"],
    usage:
      "usage: npx tsx scripts/measure-rss.ts [--records 1..1000000 (default 2000)] [--idle-seconds 5..300 (default 30)] [--phase all|airflow|engines] [--write]",
  },
  (input) => ({
    records: input.wholeNumber({ flag: "records" }, 2000, { min: 1, max: 1_000_000 }),
    idleSeconds: input.wholeNumber({ flag: "idle-seconds" }, 30, { min: 5, max: 300 }),
    phase: input.choice({ flag: "phase" }, "all", ["all", "airflow", "engines"] as const),
    write: input.switch("write"),
  }),
);

/** The Spark pods' JVM heap (spark.driver.memory / spark.executor.memory of the kind profile's SparkApplication). */
const sparkHeap = "640m";
const airflowPort = 28088;

interface Target {
  readonly name: string;
  /** Process group to sum, or a command-line fragment to find a short-lived client's group. */
  readonly group: number | (() => number | undefined);
  /** Heap setting of the process, for the record. */
  readonly heap?: string;
}

/** Peak RSS per target over a window, sampled every two seconds, with the load average beside it. */
class PeakSampler {
  readonly peaks = new Map<string, number>();
  readonly java = new Map<string, JavaMemory>();
  loadAverages: number[] = [];

  constructor(private readonly targets: readonly Target[]) {}

  private groupOf(target: Target): number | undefined {
    return typeof target.group === "number" ? target.group : target.group();
  }

  sampleOnce(): void {
    for (const target of this.targets) {
      const group = this.groupOf(target);
      if (group === undefined) continue;
      const rss = groupRssMi(group);
      if (rss > (this.peaks.get(target.name) ?? 0)) this.peaks.set(target.name, rss);
    }
    this.loadAverages.push(loadavg()[0] ?? 0);
  }

  /** Samples until `until` settles (or for `seconds` when no promise is given). */
  async window(seconds: number, until?: Promise<unknown>): Promise<void> {
    let settled = false;
    void until?.finally(() => (settled = true));
    const deadline = Date.now() + seconds * 1000;
    while (until !== undefined ? !settled && Date.now() < deadline : Date.now() < deadline) {
      this.sampleOnce();
      await sleep(2000);
    }
    this.sampleOnce();
  }

  /** Heap and non-heap committed memory of each target's JVM, read once (at the end of the load window). */
  async readJavaMemory(): Promise<void> {
    for (const target of this.targets) {
      const group = this.groupOf(target);
      const [pid] = group === undefined ? [] : javaProcessesOf(group);
      if (pid === undefined) continue;
      const memory = await javaMemory(pid);
      if (memory !== undefined) this.java.set(target.name, memory);
    }
  }
}

function groupOf(managed: ManagedProcess): number {
  const pid = managed.child.pid;
  if (pid === undefined) throw new Error(`${managed.name} has no pid`);
  return pid;
}

function describeLoad(values: readonly number[]): string {
  const max = Math.max(...values);
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
  return `load average ${mean.toFixed(1)} (max ${max.toFixed(1)}) on ${cpus().length} cores`;
}

function collect(
  targets: readonly Target[],
  idle: PeakSampler,
  load: PeakSampler,
  loadDescription: string,
): Record<string, MeasuredProcess> {
  const measured: Record<string, MeasuredProcess> = {};
  for (const target of targets) {
    const java = load.java.get(target.name);
    measured[target.name] = {
      idleRssMi: idle.peaks.get(target.name) ?? 0,
      loadRssMi: load.peaks.get(target.name) ?? 0,
      ...(target.heap !== undefined ? { heap: target.heap } : {}),
      ...(java !== undefined
        ? { heapCommittedMi: java.heapCommittedMi, nonHeapCommittedMi: java.nonHeapCommittedMi }
        : {}),
      idleLoadAverage: describeLoad(idle.loadAverages),
      load: loadDescription,
      loadLoadAverage: describeLoad(load.loadAverages),
    };
  }
  return measured;
}

/** Kafka, ZooKeeper, Cassandra, the Spark job (local mode: driver and executor in one JVM), producer and dashboard. */
async function measureEngines(): Promise<Record<string, MeasuredProcess>> {
  // Every JVM the harness starts inherits this: heap and non-heap reported apart.
  process.env.JAVA_TOOL_OPTIONS = "-XX:NativeMemoryTracking=summary";
  let measured: Record<string, MeasuredProcess> = {};
  const outcome = await withStack(
    { label: "measure-rss", cassandra: true, spark: true, dashboard: true, sparkDriverMemory: sparkHeap },
    async (stack) => {
      if (stack.cassandra === undefined || stack.spark === undefined || stack.dashboard === undefined)
        throw new Error("the stack started without Cassandra, Spark or the dashboard");
      const targets: Target[] = [
        { name: "kafka", group: groupOf(stack.kafka.broker), heap: "512m" },
        { name: "zookeeper", group: groupOf(stack.kafka.zookeeper), heap: "256m" },
        { name: "cassandra", group: groupOf(stack.cassandra.process), heap: "1G" },
        { name: "spark-job-local", group: groupOf(stack.spark.process), heap: sparkHeap },
        { name: "dashboard", group: () => groupOfCommand(dashboardBundle) },
        { name: "producer", group: () => groupOfCommand(producerBundle) },
      ];
      process.stdout.write(`idle window: ${idleSeconds}s\n`);
      const idle = new PeakSampler(targets);
      await idle.window(idleSeconds);
      process.stdout.write(
        `load window: producer sends ${records} records, the job writes them, the dashboard is polled\n`,
      );
      const load = new PeakSampler(targets);
      const producer = runProducer(
        {
          bootstrapServers: stack.kafka.bootstrapServers,
          topic: topics.users,
          schemaRegistryUrl: stack.schemaRegistry.url,
          seed: `measure-${Date.now()}`,
        },
        // Paced over about 40 s, so the producer is sampled while it works, not only as it starts.
        ["--count", String(records), "--rate", String(Math.max(1, Math.round(records / 40)))],
      );
      await load.window(300, producer);
      const run = await producer;
      if (run.code !== 0) throw new Error(`producer exited ${run.code}: ${run.output.slice(-800)}`);
      // The job and the dashboard keep working after the producer is done: sample until the dashboard shows every record.
      let total: number | undefined;
      const drained = waitFor(
        async () => {
          total = await dashboardTotalUsers(stack.dashboard?.url ?? "");
          return total === records;
        },
        {
          what: `dashboard total = ${records}`,
          timeoutMs: 300_000,
          intervalMs: 2000,
          progress: () => `reports ${String(total)}`,
        },
      );
      await load.window(
        320,
        drained.catch(() => undefined),
      );
      await load.readJavaMemory();
      measured = collect(
        targets,
        idle,
        load,
        `${records} records through producer → Kafka → Spark → Cassandra → dashboard`,
      );
    },
  );
  if (outcome.error !== undefined)
    throw outcome.error instanceof Error
      ? outcome.error
      : new Error(typeof outcome.error === "string" ? outcome.error : JSON.stringify(outcome.error));
  return measured;
}

/**
 * The DAG tests' Airflow venv is resolved without Airflow's constraints file (not reachable here) and gets fastapi 0.165
 * and cadwyn 9, with which Airflow 3.2.2's API server and DAG processor fail to build the execution API
 * (PydanticUserError on TITerminalStatePayload). The measurement runs that venv's packages through an overlay venv
 * whose own, older fastapi/cadwyn/pydantic come first on the path, leaving the shared venv untouched.
 * Returns the overlay's python.
 */
const overlayPins = ["fastapi==0.135.0", "cadwyn==6.2.2", "pydantic==2.12.5", "pydantic_core==2.41.5"];

async function airflowPython(): Promise<string> {
  const setup = await runCommand("bash", [join(repoRoot, "apps", "dags", "setup-venv.sh")]);
  const venv = setup.output.trim().split("\n").at(-1) ?? "";
  if (setup.code !== 0)
    throw new Error(`apps/dags/setup-venv.sh failed (exit ${setup.code}):\n${setup.output.slice(-3000)}`);
  const overlay = join(dirname(venv), "venv-airflow-rss");
  const python = join(overlay, "bin", "python");
  const sitePackages = (
    await runCommand(join(venv, "bin", "python"), ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
  ).output.trim();
  const overlaySite = join(overlay, "lib", basename(dirname(sitePackages)), "site-packages");
  if (
    !existsSync(join(overlaySite, "fastapi-0.135.0.dist-info")) ||
    !existsSync(join(overlaySite, "cadwyn-6.2.2.dist-info"))
  ) {
    const steps: [string, string[]][] = [
      [join(venv, "bin", "python"), ["-m", "venv", "--without-pip", overlay]],
      [join(venv, "bin", "pip"), ["install", "--no-deps", "--target", overlaySite, ...overlayPins]],
    ];
    for (const [command, args] of steps) {
      const result = await runCommand(command, args);
      if (result.code !== 0)
        throw new Error(`${command} ${args.join(" ")} failed (exit ${result.code}):\n${result.output.slice(-2000)}`);
    }
    // A .pth line puts the shared venv's packages after the overlay's own.
    writeFileSync(join(overlaySite, "zz-airflow-venv.pth"), `${sitePackages}\n`);
  }
  return python;
}

/** Airflow's scheduler, API server, DAG processor and triggerer against SQLite, with the stack's two DAGs. */
async function measureAirflow(): Promise<Record<string, MeasuredProcess>> {
  const python = await airflowPython();
  const home = join(repoRoot, ".cache", "measure-rss-airflow");
  const dags = join(home, "dags");
  mkdirSync(dags, { recursive: true });
  for (const file of readdirSync(join(repoRoot, "apps", "dags")).filter((name) => name.endsWith(".py"))) {
    cpSync(join(repoRoot, "apps", "dags", file), join(dags, file));
  }
  const secret = `measure-${process.pid}-${Date.now()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: dags,
    AIRFLOW__CORE__LOAD_EXAMPLES: "False",
    // In the cluster the KubernetesExecutor runs tasks in their own pods; it needs a cluster to start, so the scheduler
    // runs the LocalExecutor here with one worker process, the closest stand-in.
    AIRFLOW__CORE__EXECUTOR: "LocalExecutor",
    AIRFLOW__CORE__PARALLELISM: "1",
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `sqlite:///${join(home, "airflow.db")}`,
    AIRFLOW__API__HOST: loopback,
    AIRFLOW__API__PORT: String(airflowPort),
    AIRFLOW__API__WORKERS: "1",
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `http://${loopback}:${airflowPort}/execution/`,
    AIRFLOW__API_AUTH__JWT_SECRET: secret,
    AIRFLOW__API__SECRET_KEY: secret,
    AIRFLOW__CORE__FERNET_KEY: "",
  };
  const migrate = await runCommand(python, ["-m", "airflow", "db", "migrate"], { env });
  if (migrate.code !== 0)
    throw new Error(`airflow db migrate failed (exit ${migrate.code}):\n${migrate.output.slice(-3000)}`);
  const components = [
    ["airflow-scheduler", ["scheduler"]],
    ["airflow-api-server", ["api-server", "--port", String(airflowPort), "--host", loopback]],
    ["airflow-dag-processor", ["dag-processor"]],
    ["airflow-triggerer", ["triggerer"]],
  ] as const;
  const started = components.map(([name, args]) =>
    startProcess({ name, command: python, args: ["-m", "airflow", ...args], logFile: join(home, `${name}.log`), env }),
  );
  try {
    return await sampleAirflow(started);
  } finally {
    // Not stopAll: that would refuse every later start, and the engines are measured next.
    for (const managed of started) await stopProcess(managed);
  }
}

async function sampleAirflow(started: readonly ManagedProcess[]): Promise<Record<string, MeasuredProcess>> {
  const targets: Target[] = started.map((managed) => ({ name: managed.name, group: groupOf(managed) }));
  const health = `http://${loopback}:${airflowPort}/api/v2/monitor/health`;
  await waitFor(async () => (await fetch(health)).ok, {
    what: `Airflow API server ${health}`,
    timeoutMs: 240_000,
    intervalMs: 2000,
    process: started[1],
  });
  process.stdout.write(`Airflow idle window: ${idleSeconds * 2}s (DAG parsing loops, heartbeats)\n`);
  const idle = new PeakSampler(targets);
  await idle.window(idleSeconds * 2);
  // Airflow's part of the e2e load: the UI's API calls and both DAGs re-parsed; tasks run in their own pods in-cluster.
  const load = new PeakSampler(targets);
  const requests = (async () => {
    const deadline = Date.now() + idleSeconds * 2000;
    while (Date.now() < deadline) {
      await Promise.all(
        [fetch(health), fetch(`http://${loopback}:${airflowPort}/api/v2/version`)].map((call) =>
          call.catch(() => undefined),
        ),
      );
      await sleep(200);
    }
  })();
  await load.window(idleSeconds * 2 + 5, requests);
  for (const managed of started)
    if (managed.hasExited()) throw new Error(`${managed.name} exited during the measurement; see ${managed.logFile}`);
  return collect(targets, idle, load, "API health/version requests every 200 ms while both DAGs are parsed");
}

function printFigures(processes: Record<string, MeasuredProcess>): void {
  console.log(`\n${"process".padEnd(24)} ${"idle".padStart(8)} ${"load".padStart(8)}  heap / non-heap`);
  for (const [name, figures] of Object.entries(processes)) {
    const heap =
      figures.nonHeapCommittedMi !== undefined
        ? `  ${figures.heap ?? "?"} heap, ${figures.heapCommittedMi ?? "?"}Mi committed, ${figures.nonHeapCommittedMi}Mi non-heap`
        : "";
    console.log(
      `${name.padEnd(24)} ${`${figures.idleRssMi}Mi`.padStart(8)} ${`${figures.loadRssMi}Mi`.padStart(8)}${heap}  (${figures.loadLoadAverage})`,
    );
  }
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const startedAt = new Date();
  const loadBefore = loadavg()[0] ?? 0;
  const java = (await runCommand("java", ["-version"])).output.split("\n")[0] ?? "";
  let processes: Record<string, MeasuredProcess> = {};
  try {
    // Airflow first: the engine phase ends with the harness's stopAll, after which nothing may start.
    if (phase !== "engines") {
      processes = { ...(await measureAirflow()) };
      printFigures(processes);
    }
    if (phase !== "airflow") processes = { ...processes, ...(await measureEngines()) };
  } finally {
    await stopAll();
  }
  const result: MeasuredRss = {
    measuredAt: startedAt.toISOString(),
    machine: {
      cpus: cpus().length,
      memoryGiB: Math.round(totalmem() / 1024 ** 3),
      loadAverageAtStart: Number(loadBefore.toFixed(1)),
      note: "shared build machine; RSS barely depends on CPU contention, latencies do",
    },
    versions: {
      kafka: engineVersions.kafka,
      cassandra: engineVersions.cassandra,
      spark: sparkVersions.spark,
      airflow: versions.airflow,
      node: process.version,
      java,
    },
    method:
      "Resident memory of each process group: the larger of its summed proportional set sizes (/proc/<pid>/smaps_rollup Pss; pages shared by forks count once) and its biggest process's RSS; peak of 2-second samples; idle = after start, load = the e2e scenario. JVM heap/non-heap from native memory tracking at the end of the load window.",
    // A single phase keeps the other phase's figures from the file.
    processes:
      phase === "all" || !existsSync(measuredRssFile) ? processes : { ...readMeasuredRss().processes, ...processes },
  };
  printFigures(processes);
  if (write) {
    writeFileSync(measuredRssFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nwritten to ${measuredRssFile}`);
  }
}

main().catch(async (error: unknown) => {
  console.error(`measure-rss failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
});
