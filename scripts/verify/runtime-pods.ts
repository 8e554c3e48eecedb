/**
 * Pods created at run time pass Pod Security: the DAGs' KubernetesPodOperator pods (task-pods.ts) and the
 * SparkApplication's driver and executor pods (spark-pods.ts) are sent with dryRun=All to a real
 * kube-apiserver (dry-run.ts's loopback server; its PodSecurity admission plugin is on by default) in
 * namespaces created exactly as the stack emits them, with their pod-security.kubernetes.io labels.
 * A negative control per namespace and kind of pod (the first such pod with its security contexts
 * removed, or made privileged where only baseline is enforced) must be rejected, so the check can fail.
 * The task pods are also rehearsed on kubelet's volume layout (kubelet-rehearsal.ts).
 *
 *   npx tsx scripts/verify/runtime-pods.ts --stacks <synthesized stacks> --work <verify work directory>
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { rehearse, sparkVenvPython } from "../../__tests__/support/kubelet-rehearsal";
import { workloadPods } from "../../__tests__/support/workload-pods";
import { text as asText } from "../../validation/text";
import { startApiServer } from "../lib/apiserver";
import { apiClientOf, message, type ApiClient } from "./dry-run";
import { sparkApplicationPods } from "./spark-pods";
import { readStacksAndWork } from "./step-directories";
import { readStack, type Json } from "./stack";
import { renderTaskPods } from "./task-pods";

type Loose = Record<string, unknown>;

const repoRoot = resolve(__dirname, "..", "..");
let passed = 0;
let failed = 0;

function report(ok: boolean, stack: string, what: string, detail = ""): void {
  if (ok) passed += 1;
  else failed += 1;
  console.log(
    `[runtime-pods] ${ok ? "ok  " : "FAIL"} ${stack}: ${what}${detail ? `\n               ${detail.split("\n").join("\n               ")}` : ""}`,
  );
}

function isLoose(value: unknown): value is Loose {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const metadataOf = (object: Loose): Loose => (isLoose(object.metadata) ? object.metadata : {});

interface RuntimePod {
  readonly label: string;
  readonly pod: Loose;
}

/**
 * The same pod with every security context removed, or, when `enforce` is only baseline, with a capability baseline
 * forbids (not `privileged`, which the loopback kube-apiserver refuses before Pod Security looks).
 */
function nonCompliant(pod: Loose, enforce: string): Loose {
  const copy = JSON.parse(JSON.stringify(pod)) as Loose;
  const spec = isLoose(copy.spec) ? copy.spec : {};
  const containers = (Array.isArray(spec.containers) ? spec.containers : []) as Loose[];
  if (enforce === "restricted") {
    delete spec.securityContext;
    for (const container of containers) delete container.securityContext;
  } else {
    for (const container of containers) container.securityContext = { capabilities: { add: ["SYS_ADMIN"] } };
  }
  metadataOf(copy).name = `${String(metadataOf(copy).name)}-noncompliant`;
  return copy;
}

async function admit(client: ApiClient, pod: Loose): Promise<{ status: number; text: string }> {
  const namespace = String(metadataOf(pod).namespace);
  const response = await client.call(
    "POST",
    `/api/v1/namespaces/${namespace}/pods?dryRun=All&fieldValidation=Strict`,
    pod as unknown as Json,
  );
  return { status: response.status, text: message(response) };
}

const sparkCache = new Map<string, Promise<{ driver: Loose; executor: Loose }>>();

async function runtimePods(
  stack: string,
  stacksDirectory: string,
  objects: readonly unknown[],
  sparkVenv: string,
): Promise<RuntimePod[]> {
  const pods: RuntimePod[] = [];
  const taskPods = renderTaskPods(readStack(join(stacksDirectory, stack), stack), objects, repoRoot);
  if (taskPods === undefined) console.log(`[runtime-pods] ${stack}: no Airflow release, so no task pods`);
  for (const task of taskPods ?? [])
    pods.push({ label: `KubernetesPodOperator ${task.dagId}.${task.taskId}`, pod: task.pod });
  // The stack's own Jobs (readiness gates, the schema Job): Pod Security enforces on the pods a Job creates, not on
  // the Job, so their templates are admitted here as the pods they become.
  for (const object of objects) {
    if (!isLoose(object) || object.kind !== "Job" || !isLoose(object.spec) || !isLoose(object.spec.template)) continue;
    const template = object.spec.template;
    const name = String(metadataOf(object).name);
    pods.push({
      label: `Job ${name} pod`,
      pod: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { ...metadataOf(template), name: `${name}-pod`, namespace: metadataOf(object).namespace },
        spec: template.spec,
      },
    });
  }
  for (const object of objects) {
    if (!isLoose(object) || object.kind !== "SparkApplication") continue;
    const key = JSON.stringify(object);
    // Stacks that differ only in Kafka mode share the SparkApplication: build its pods once (two JVM starts).
    if (!sparkCache.has(key)) sparkCache.set(key, sparkApplicationPods(object, sparkVenv));
    const built = await (sparkCache.get(key) ?? Promise.reject(new Error("unreachable")));
    const name = String(metadataOf(object).name);
    // The pull policy the SparkApplication names reaches both pods' containers (through spark-submit's conf).
    const wanted = isLoose(object.spec) ? object.spec.imagePullPolicy : undefined;
    for (const [role, pod] of [
      ["driver", built.driver],
      ["executor", built.executor],
    ] as const) {
      const containers = isLoose(pod.spec) && Array.isArray(pod.spec.containers) ? pod.spec.containers : [];
      const policies = containers.map((container) => (isLoose(container) ? container.imagePullPolicy : undefined));
      report(
        wanted === undefined || (policies.length > 0 && policies.every((policy) => policy === wanted)),
        stack,
        `SparkApplication ${name} ${role}: containers pull with the application's imagePullPolicy`,
        `wanted ${String(wanted)}, got ${JSON.stringify(policies)}`,
      );
    }
    pods.push(
      { label: `SparkApplication ${name} driver`, pod: built.driver },
      { label: `SparkApplication ${name} executor`, pod: built.executor },
    );
  }
  return pods;
}

async function checkStack(stack: string, stacksDirectory: string, work: string, sparkVenv: string): Promise<void> {
  const objects = parseAllDocuments(readFileSync(join(work, `objects-${stack}.yaml`), "utf8")).map(
    (document) => document.toJS() as unknown,
  );
  let pods: RuntimePod[];
  try {
    pods = await runtimePods(stack, stacksDirectory, objects, sparkVenv);
  } catch (error) {
    report(false, stack, "render the pods created at run time", error instanceof Error ? error.message : String(error));
    return;
  }
  if (pods.length === 0) return;
  writeFileSync(join(work, `runtime-pods-${stack}.json`), JSON.stringify(pods, null, 2));

  const rehearsal = await rehearse(
    workloadPods(pods.filter(({ label }) => label.startsWith("KubernetesPodOperator")).map(({ pod }) => pod)),
    objects,
    { runConsumers: true },
  );
  for (const outcome of rehearsal)
    report(
      outcome.ok,
      stack,
      `kubelet rehearsal of task pod ${outcome.workload} [${outcome.container}]`,
      outcome.detail,
    );

  const namespaces = new Map(
    objects
      .filter((object): object is Loose => isLoose(object) && object.kind === "Namespace")
      .map((object) => [String(metadataOf(object).name), object]),
  );
  const server = await startApiServer(join(work, "apiserver-runtime-pods", stack));
  const client = apiClientOf(server);
  try {
    const created = new Set<string>();
    const controls = new Map<string, RuntimePod>();
    for (const { label, pod } of pods) {
      const namespace = String(metadataOf(pod).namespace);
      const emitted = namespaces.get(namespace);
      if (!emitted) {
        report(false, stack, `${label}: namespace ${namespace} is not one the stack creates`);
        continue;
      }
      if (!created.has(namespace)) {
        const response = await client.call("POST", "/api/v1/namespaces", emitted as unknown as Json);
        if (response.status >= 300)
          throw new Error(`namespace ${namespace}: HTTP ${response.status} ${message(response)}`);
        created.add(namespace);
      }
      // One control per namespace and kind of pod (task pods, Spark pods): each builder's security contexts are what pass.
      const controlKey = `${namespace} ${label.split(" ")[0] ?? ""}`;
      if (!controls.has(controlKey)) controls.set(controlKey, { label, pod });
      const labels = isLoose(metadataOf(emitted).labels) ? (metadataOf(emitted).labels as Loose) : {};
      const enforce = asText(labels["pod-security.kubernetes.io/enforce"], "privileged");
      const { status, text } = await admit(client, pod);
      report(
        status < 300,
        stack,
        `${label} admitted into ${namespace} (enforce ${enforce})`,
        status < 300 ? "" : `HTTP ${status}: ${text}`,
      );
    }
    for (const { label, pod } of controls.values()) {
      const namespace = String(metadataOf(pod).namespace);
      const labels = metadataOf(namespaces.get(namespace) ?? {}).labels;
      const enforce = asText(isLoose(labels) ? labels["pod-security.kubernetes.io/enforce"] : undefined, "privileged");
      if (enforce === "privileged") {
        report(
          false,
          stack,
          `negative control in ${namespace}: the namespace enforces no Pod Security level, so nothing is checked`,
        );
        continue;
      }
      const { status, text } = await admit(client, nonCompliant(pod, enforce));
      const rejected = status === 403 && /violates PodSecurity/.test(text);
      const change = enforce === "restricted" ? "without its security contexts" : "given CAP_SYS_ADMIN";
      report(
        rejected,
        stack,
        `negative control: ${label} ${change} is rejected in ${namespace} (enforce ${enforce})`,
        rejected ? text.slice(0, 300) : `HTTP ${status}: ${text}`,
      );
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const { stacks: stacksDirectory, work } = readStacksAndWork(
    "usage: npx tsx scripts/verify/runtime-pods.ts --stacks <synthesized stacks> --work <verify work directory>",
  );
  const stacks = readdirSync(work)
    .filter((file) => /^objects-.+\.yaml$/.test(file))
    .map((file) => file.slice("objects-".length, -".yaml".length))
    .sort();
  const venv = sparkVenvPython(repoRoot);
  if (!venv.python) throw new Error(`the Spark job's venv is needed to run spark-submit: ${venv.reason ?? ""}`);
  for (const stack of stacks) {
    const started = Date.now();
    await checkStack(stack, stacksDirectory, work, dirname(dirname(venv.python)));
    console.log(`[runtime-pods] ${stack} done in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  }
  console.log(`runtime-pods: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`[runtime-pods] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(2);
});
