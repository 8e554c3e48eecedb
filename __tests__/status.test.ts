import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../config/load";
import { charts } from "../config/versions";
import type { KubernetesObject } from "../constructs/kubernetes-object";
import { pluralOf } from "../constructs/resources/readiness";
import { apiServerUnavailable, startApiServer, type ApiServer } from "../scripts/lib/apiserver";
import { runCommand, startProcess, waitFor, type CommandResult } from "../scripts/lib/processes";
import { expectedPipeline, type ExpectedPipeline } from "../scripts/status/expected";
import { readUpstreamFolders } from "../validation/upstream-folders";
import { schemaDirectory } from "../validation/schema-directory";
import { npmScriptCommand } from "./support/npm-script";
import { yamlFileDocuments } from "./support/pinned-crds";

/**
 * `npm run status` against a real kube-apiserver: the pinned CRDs, the custom resources exactly as the kind stack emits
 * them, Helm release secrets and Airflow pods, with status written through the status subresource as the operators
 * would. The CLI runs as users run it (package.json's command, --kubeconfig/--context) and its output is checked.
 */
const unavailable = apiServerUnavailable();
if (unavailable) console.log(`status apiserver test skipped: ${unavailable}`);
jest.setTimeout(300_000);

const repoRoot = resolve(__dirname, "..");
const config = loadConfig({ profile: "kind" });
const strimziFolder = (config.kafka.mode === "kraft" ? charts.strimziKraft : charts.strimziZookeeper).referenceFolder;
type Json = Record<string, unknown>;

let server: ApiServer;
let expected: ExpectedPipeline;

async function must(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await server.request(method, path, body);
  if (response.status >= 300)
    throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
  return response.body;
}

function objectPath(object: KubernetesObject): string {
  return `/apis/${object.apiVersion}/namespaces/${object.metadata.namespace ?? ""}/${pluralOf(object)}/${object.metadata.name}`;
}

function resource(kind: string): KubernetesObject {
  const found = expected.releases.flatMap((release) => release.resources).find((object) => object.kind === kind);
  if (!found) throw new Error(`the kind stack carries no ${kind}`);
  return found;
}

async function setStatus(object: KubernetesObject, status: Json): Promise<void> {
  const current = await must("GET", objectPath(object));
  const stored = await must("PUT", `${objectPath(object)}/status`, { ...current, status });
  // Structural pruning drops fields the CRD does not define: what is stored is what the operator can write.
  expect(stored.status).toMatchObject(status);
}

function ago(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
}

/** A metav1.Condition (CloudNativePG's CRD requires reason and message; Strimzi's accepts them). */
function condition(type: string, status: "True" | "False", seconds: number): Json {
  return {
    type,
    status,
    reason: status === "True" ? "Ready" : "NotReady",
    message: "set by the test",
    lastTransitionTime: ago(seconds),
  };
}

const ready = (seconds: number): Json[] => [condition("Ready", "True", seconds)];

async function installCrds(): Promise<void> {
  const wanted = new Set(expected.releases.flatMap((release) => release.resources).map((object) => object.kind));
  const folders = readUpstreamFolders(schemaDirectory()).filter(
    (folder) => !folder.folder.startsWith("strimzi-") || folder.folder === strimziFolder,
  );
  for (const file of folders.flatMap((folder) => folder.crdFiles)) {
    for (const document of yamlFileDocuments(file)) {
      const crd = document as { kind?: string; spec?: { names?: { kind?: string } } } | null;
      if (crd?.kind !== "CustomResourceDefinition" || !wanted.has(crd.spec?.names?.kind ?? "")) continue;
      await must("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
    }
  }
  for (const object of expected.releases.flatMap((release) => release.resources)) {
    const served = async (): Promise<boolean> =>
      JSON.stringify((await server.request("GET", `/apis/${object.apiVersion}`)).body).includes(
        `"name":"${pluralOf(object)}"`,
      );
    for (let attempt = 0; !(await served()); attempt += 1) {
      if (attempt > 120) throw new Error(`${object.apiVersion} ${pluralOf(object)} not served`);
      await new Promise((done) => setTimeout(done, 500));
    }
  }
}

async function helmSecret(name: string, namespace: string, revision: number, state: string): Promise<void> {
  await must("POST", `/api/v1/namespaces/${namespace}/secrets`, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: `sh.helm.release.v1.${name}.v${revision}`,
      labels: { owner: "helm", name, status: state, version: String(revision) },
    },
    type: "helm.sh/release.v1",
  });
}

async function airflowPod(name: string, component: string, readyContainers: boolean, restarts: number): Promise<void> {
  const airflow = expected.airflow;
  if (!airflow) throw new Error("the kind stack has no Airflow release");
  const path = `/api/v1/namespaces/${airflow.namespace}/pods`;
  const existing = await server.request("GET", `${path}/${name}`);
  const pod =
    existing.status === 200
      ? existing.body
      : await must("POST", path, {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name, labels: { release: airflow.release, component, tier: "airflow" } },
          spec: { containers: [{ name: component, image: "apache/airflow" }] },
        });
  await must("PUT", `${path}/${name}/status`, {
    ...pod,
    status: {
      phase: "Running",
      containerStatuses: [
        {
          name: component,
          image: "apache/airflow",
          imageID: "",
          ready: readyContainers,
          restartCount: restarts,
          state: { running: { startedAt: ago(60) } },
        },
      ],
    },
  });
}

function status(): Promise<CommandResult> {
  const { command, args } = npmScriptCommand("status", [
    "--kubeconfig",
    server.kubeconfigFile,
    "--context",
    server.contextName,
  ]);
  return runCommand(command, args, {
    cwd: repoRoot,
    env: { ...process.env, STREAMSTACK_PROFILE: "kind", STREAMSTACK_CONFIG: "" },
  });
}

(unavailable ? describe.skip : describe)("npm run status against a real kube-apiserver", () => {
  beforeAll(async () => {
    expected = expectedPipeline(config);
    server = await startApiServer(mkdtempSync(join(tmpdir(), "status-apiserver-")));
    await installCrds();
    for (const namespace of expected.namespaces)
      await must("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    for (const object of expected.releases.flatMap((release) => release.resources))
      await must("POST", objectPath(object).replace(/\/[^/]+$/, ""), object);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("lists every release of every layer, and before any status: everything progressing, nothing ready", async () => {
    const outcome = await status();
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(1);
    for (const release of expected.releases)
      expect(outcome.stdout).toContain(`release ${release.name} (${release.namespace}): not installed`);
    expect(outcome.stdout).toMatch(/^layer 0$/m);
    expect(outcome.stdout).toMatch(
      new RegExp(`Kafka ${expected.namespaces.find((n) => n.endsWith("-kafka"))}/\\S+: progressing for \\d+s: status`),
    );
  });

  it("ready, progressing with its age, and a failed SparkApplication with its restarts", async () => {
    const kafka = resource("Kafka");
    const current = await must("GET", objectPath(kafka));
    const bootstrap = `${kafka.metadata.name}-kafka-bootstrap.${kafka.metadata.namespace ?? ""}.svc:9092`;
    await setStatus(kafka, {
      conditions: ready(30),
      observedGeneration: (current.metadata as Json).generation,
      listeners: [{ name: "plain", bootstrapServers: bootstrap }],
    });
    const statusSetAt = Date.now();
    const postgres = resource("Cluster");
    await setStatus(postgres, {
      phase: "Setting up primary",
      conditions: [condition("Ready", "False", 250)],
    });
    const spark = resource("SparkApplication");
    await setStatus(spark, {
      applicationState: { state: "FAILED", errorMessage: "driver container failed" },
      driverInfo: {},
      executionAttempts: 4,
      submissionAttempts: 4,
      lastSubmissionAttemptTime: ago(20),
    });
    const release = expected.releases[0];
    if (!release) throw new Error("no releases");
    await helmSecret(release.name, release.namespace, 1, "superseded");
    await helmSecret(release.name, release.namespace, 2, "deployed");
    const last = expected.releases[expected.releases.length - 1];
    if (!last) throw new Error("no releases");
    await helmSecret(last.name, last.namespace, 1, "pending-install");
    await airflowPod("airflow-scheduler-0", "scheduler", false, 2);

    const outcome = await status();
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain(`release ${release.name} (${release.namespace}): deployed, revision 2`);
    expect(outcome.stdout).toContain(`Kafka ${kafka.metadata.namespace}/${kafka.metadata.name}: ready`);
    expect(outcome.stdout).toContain(`listener plain: ${bootstrap}`);
    // Progressing since the Ready condition last changed, 250 s before the status was set.
    const progressing = new RegExp(
      `Cluster ${postgres.metadata.namespace}/${postgres.metadata.name}: progressing for (\\d+)m(\\d+)s: status.conditions\\[type=Ready\\].status is 'False'`,
    ).exec(outcome.stdout);
    const shown = Number(progressing?.[1]) * 60 + Number(progressing?.[2]);
    expect(shown).toBeGreaterThanOrEqual(250);
    expect(shown).toBeLessThanOrEqual(250 + Math.ceil((Date.now() - statusSetAt) / 1000));
    expect(outcome.stdout).toContain("phase: Setting up primary");
    expect(outcome.stdout).toMatch(
      new RegExp(`SparkApplication ${spark.metadata.namespace}/${spark.metadata.name}: FAILED`),
    );
    expect(outcome.stdout).toContain("state FAILED, 3 restarts (4 runs, 4 submissions)");
    expect(outcome.stdout).toMatch(
      new RegExp(`release ${last.name} \\(${last.namespace}\\): pending-install for \\d+s`),
    );
    expect(outcome.stdout).toMatch(/pod airflow-scheduler-0 \[scheduler\]: Running, 0\/1 ready, 2 restarts, for \d+s/);
    expect(outcome.stdout).toMatch(/Control Center: kubectl .* port-forward svc\/\S+ :9021/);
    expect(outcome.stdout).toMatch(/Airflow: kubectl .* port-forward svc\/airflow-api-server :8080/);
  });

  it("--watch redraws until everything is ready, then exits 0", async () => {
    for (const release of expected.releases.slice(1)) {
      const revision = release === expected.releases[expected.releases.length - 1] ? 2 : 1;
      await helmSecret(release.name, release.namespace, revision, "deployed");
    }
    for (const object of expected.releases.flatMap((release) => release.resources)) {
      const current = await must("GET", objectPath(object));
      const generation = (current.metadata as Json).generation;
      const datacenter = config.cassandra.datacenter;
      const statuses: Record<string, Json> = {
        Kafka: { conditions: ready(60), observedGeneration: generation },
        KafkaTopic: { conditions: ready(60), observedGeneration: generation },
        KafkaUser: { conditions: ready(60), observedGeneration: generation },
        Cluster: { phase: "Cluster in healthy state", conditions: ready(5) },
        K8ssandraCluster: {
          // K8ssandra's own condition type has no reason or message.
          conditions: [{ type: "CassandraInitialized", status: "True", lastTransitionTime: ago(60) }],
          datacenters: {
            [datacenter]: { cassandra: { cassandraOperatorProgress: "Ready", conditions: ready(60) } },
          },
        },
        SparkApplication: {
          applicationState: { state: "SUBMITTED" },
          driverInfo: {},
          executionAttempts: 5,
          submissionAttempts: 5,
        },
      };
      const status = statuses[object.kind];
      if (!status) throw new Error(`the test sets no status for ${object.kind}`);
      await setStatus(object, status);
    }
    const log = join(mkdtempSync(join(tmpdir(), "status-watch-")), "watch.log");
    const watch = npmScriptCommand("status", [
      ...["--kubeconfig", server.kubeconfigFile, "--context", server.contextName],
      ...["--watch", "--interval", "2"],
    ]);
    const watching = startProcess({
      name: "status --watch",
      command: watch.command,
      args: watch.args,
      logFile: log,
      cwd: repoRoot,
      env: { ...process.env, STREAMSTACK_PROFILE: "kind", STREAMSTACK_CONFIG: "" },
    });
    // The job and the scheduler come up while the view is being watched: after its first view.
    await waitFor(async () => Promise.resolve(readFileSync(log, "utf8").includes("summary:")), {
      what: "the first view",
      timeoutMs: 120_000,
      process: watching,
      quiet: true,
    });
    await setStatus(resource("SparkApplication"), {
      applicationState: { state: "RUNNING" },
      driverInfo: {},
      executionAttempts: 5,
      submissionAttempts: 5,
    });
    await airflowPod("airflow-scheduler-0", "scheduler", true, 2);
    const exit = await watching.exited;
    const output = readFileSync(log, "utf8");
    expect(exit).toBe("0");
    const views = output.split(/^summary: /m).slice(1);
    expect(views.length).toBeGreaterThan(1);
    expect(views[0]).toMatch(/^\d+ of \d+ ready, 2 progressing, 0 failed, 0 missing/);
    expect(views[views.length - 1]).toMatch(/^(\d+) of \1 ready, 0 progressing/);
    expect(output).toContain("state RUNNING, 4 restarts (5 runs, 5 submissions)");
  });

  it("a bad --interval or unknown --context is a usage error naming the flag", async () => {
    const { command, args } = npmScriptCommand("status", [
      "--kubeconfig",
      server.kubeconfigFile,
      "--context",
      "nowhere",
    ]);
    const outcome = await runCommand(command, args, { cwd: repoRoot });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain("context 'nowhere' is not in");
  });
});
