/**
 * The driver and executor pods of a SparkApplication as the cluster would create them, built by the real
 * Spark code rather than retyped:
 * 1. the Spark operator's spark-submit command line, from the SparkApplication (kubeflow/spark-operator
 *    internal/controller/sparkapplication/submission.go, buildSparkSubmitArgs, identical at v2.2.1 and
 *    v2.5.2 for every field used here; see SUPPORTED_SPEC_FIELDS);
 * 2. spark-submit (the Spark job venv's, i.e. the job's Spark line) run against a stand-in API server
 *    (capture-api.ts), which records the driver pod it POSTs: Spark's KubernetesDriverBuilder output;
 * 3. the driver itself, run in client mode on this machine with the same configuration against the same
 *    stand-in (in the cluster it also runs spark-submit in client mode, from the properties file), which
 *    POSTs its executor pods: Spark's KubernetesExecutorBuilder output;
 * 4. the operator's mutating webhook applied to both (internal/webhook/sparkpod_defaulter.go,
 *    mutateSparkPod): the functions that act on the fields we set are ported below, in the same order.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPlainObject, type PlainObject } from "../../config/plain-object";
import { text } from "../../validation/text";
import { CaptureApi, type CapturedRequest } from "./capture-api";

/** Every SparkApplication spec field the port models; any other field set is an error, so the port cannot go stale silently. */
const SUPPORTED_SPEC_FIELDS = new Set([
  "type",
  "pythonVersion",
  "mode",
  "image",
  "imagePullPolicy",
  "sparkVersion",
  "mainApplicationFile",
  "deps",
  "sparkConf",
  "restartPolicy",
  "volumes",
  "driver",
  "executor",
]);
const SUPPORTED_ROLE_FIELDS = new Set([
  "cores",
  "coreRequest",
  "memory",
  "memoryOverhead",
  "serviceAccount",
  "labels",
  "env",
  "volumeMounts",
  "podSecurityContext",
  "securityContext",
  "instances",
]);
const SUPPORTED_DEPS = new Set(["packages"]);

export function unsupportedFields(spec: PlainObject): string[] {
  const problems = Object.keys(spec)
    .filter((key) => !SUPPORTED_SPEC_FIELDS.has(key))
    .map((key) => `spec.${key}`);
  for (const role of ["driver", "executor"]) {
    const roleSpec = spec[role];
    if (isPlainObject(roleSpec))
      problems.push(
        ...Object.keys(roleSpec)
          .filter((key) => !SUPPORTED_ROLE_FIELDS.has(key))
          .map((key) => `spec.${role}.${key}`),
      );
  }
  if (isPlainObject(spec.deps))
    problems.push(
      ...Object.keys(spec.deps)
        .filter((key) => !SUPPORTED_DEPS.has(key))
        .map((key) => `spec.deps.${key}`),
    );
  return problems;
}

/** The name the operator gives the driver pod (pkg/util GetDriverPodName: spec.driver.podName, else <app>-driver). */
export function driverPodName(name: string): string {
  return `${name}-driver`;
}

const conf = (key: string, value: string | number) => ["--conf", `${key}=${String(value)}`];

type Role = "driver" | "executor";

/** The four labels the operator puts on the pods of either role. */
const operatorLabels = (role: Role, name: string, submissionId: string): string[] =>
  Object.entries({
    "app-name": name,
    "launched-by-spark-operator": "true",
    "mutated-by-spark-operator": "true",
    "submission-id": submissionId,
  }).flatMap(([label, value]) => conf(`spark.kubernetes.${role}.label.sparkoperator.k8s.io/${label}`, value));

/** Cores and memory of a role, set the same way for driver and executor. */
function roleResources(role: Role, roleSpec: PlainObject): string[] {
  return [
    ...(roleSpec.cores !== undefined ? conf(`spark.${role}.cores`, text(roleSpec.cores)) : []),
    ...(roleSpec.coreRequest !== undefined
      ? conf(`spark.kubernetes.${role}.request.cores`, text(roleSpec.coreRequest))
      : []),
    ...(roleSpec.memory !== undefined ? conf(`spark.${role}.memory`, text(roleSpec.memory)) : []),
    ...(roleSpec.memoryOverhead !== undefined
      ? conf(`spark.${role}.memoryOverhead`, text(roleSpec.memoryOverhead))
      : []),
  ];
}

/** The application's labels, then the role's own, on the role's pods. */
const roleLabels = (role: Role, appLabels: PlainObject, roleSpec: PlainObject): string[] =>
  Object.entries({ ...appLabels, ...(isPlainObject(roleSpec.labels) ? roleSpec.labels : {}) }).flatMap(([key, value]) =>
    conf(`spark.kubernetes.${role}.label.${key}`, String(value)),
  );

/**
 * buildSparkSubmitArgs for the fields SUPPORTED_* list, in its option order. Left out: `--packages`
 * (dependenciesOption), whose Ivy resolution needs the network and changes only spark.jars in the
 * driver's properties, not the pod spec.
 */
export function sparkSubmitArguments(
  app: PlainObject,
  master: string,
  submissionId: string,
): { args: string[]; mainFile: string } {
  const metadata = isPlainObject(app.metadata) ? app.metadata : {};
  const spec = isPlainObject(app.spec) ? app.spec : {};
  const name = String(metadata.name);
  const driver = isPlainObject(spec.driver) ? spec.driver : {};
  const executor = isPlainObject(spec.executor) ? spec.executor : {};
  const appLabels = isPlainObject(metadata.labels) ? metadata.labels : {};
  const args = ["--master", `k8s://${master}`, "--deploy-mode", text(spec.mode, "cluster"), "--name", name];
  args.push(...conf("spark.kubernetes.namespace", String(metadata.namespace)));
  // imageOption (v2.2.1 and v2.5.2 alike): the image, then its pull policy when set.
  if (typeof spec.image === "string") args.push(...conf("spark.kubernetes.container.image", spec.image));
  if (typeof spec.imagePullPolicy === "string" && spec.imagePullPolicy !== "")
    args.push(...conf("spark.kubernetes.container.image.pullPolicy", spec.imagePullPolicy));
  if (typeof spec.pythonVersion === "string")
    args.push(...conf("spark.kubernetes.pyspark.pythonVersion", spec.pythonVersion));
  args.push(...conf("spark.kubernetes.submission.waitAppCompletion", "false"));
  for (const [key, value] of Object.entries(isPlainObject(spec.sparkConf) ? spec.sparkConf : {}))
    if (key !== "spark.kubernetes.driver.pod.name") args.push(...conf(key, String(value)));
  args.push(...conf("spark.kubernetes.driver.pod.name", driverPodName(name)));
  // driverConfOption
  args.push(...operatorLabels("driver", name, submissionId));
  if (typeof spec.image === "string") args.push(...conf("spark.kubernetes.driver.container.image", spec.image));
  args.push(...roleResources("driver", driver));
  if (typeof driver.serviceAccount === "string")
    args.push(...conf("spark.kubernetes.authenticate.driver.serviceAccountName", driver.serviceAccount));
  args.push(...roleLabels("driver", appLabels, driver));
  // executorConfOption
  args.push(...operatorLabels("executor", name, submissionId));
  if (executor.instances !== undefined) args.push(...conf("spark.executor.instances", text(executor.instances)));
  if (typeof spec.image === "string") args.push(...conf("spark.kubernetes.executor.container.image", spec.image));
  args.push(...roleResources("executor", executor));
  args.push(...roleLabels("executor", appLabels, executor));
  // mainApplicationFileOption
  return { args, mainFile: String(spec.mainApplicationFile) };
}

/** The Spark container of a pod (webhook findContainer: by name, else the first). */
function sparkContainer(pod: PlainObject, role: "driver" | "executor"): PlainObject {
  const spec = isPlainObject(pod.spec) ? pod.spec : {};
  const containers = (Array.isArray(spec.containers) ? spec.containers : []) as PlainObject[];
  const names = role === "driver" ? ["spark-kubernetes-driver"] : ["executor", "spark-kubernetes-executor"];
  const found = containers.find((container) => names.includes(String(container.name))) ?? containers[0];
  if (!found) throw new Error(`the ${role} pod Spark built has no container`);
  return found;
}

/** mutateSparkPod for the fields we set: addOwnerReference, addEnvVars, addVolumes, addContainerSecurityContext, addPodSecurityContext. */
export function applyWebhook(pod: PlainObject, app: PlainObject, role: "driver" | "executor"): PlainObject {
  const copy = JSON.parse(JSON.stringify(pod)) as PlainObject;
  const spec = isPlainObject(app.spec) ? app.spec : {};
  const roleSpec = isPlainObject(spec[role]) ? spec[role] : {};
  const podSpec = isPlainObject(copy.spec) ? copy.spec : (copy.spec = {});
  const metadata = isPlainObject(copy.metadata) ? copy.metadata : (copy.metadata = {});
  const appMetadata = isPlainObject(app.metadata) ? app.metadata : {};
  const container = sparkContainer(copy, role);
  if (role === "driver") {
    metadata.ownerReferences = [
      ...((metadata.ownerReferences as unknown[] | undefined) ?? []),
      {
        apiVersion: String(app.apiVersion),
        kind: String(app.kind),
        name: String(appMetadata.name),
        uid: "00000000-0000-0000-0000-0000000000aa",
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
  }
  if (Array.isArray(roleSpec.env) && roleSpec.env.length)
    container.env = [...((container.env as unknown[] | undefined) ?? []), ...(roleSpec.env as unknown[])];
  // addVolumes: only volumes a mount of this role names, each once.
  const volumes = new Map(
    ((Array.isArray(spec.volumes) ? spec.volumes : []) as PlainObject[]).map((volume) => [String(volume.name), volume]),
  );
  const added = new Set<string>();
  for (const mount of (Array.isArray(roleSpec.volumeMounts) ? roleSpec.volumeMounts : []) as PlainObject[]) {
    const name = String(mount.name);
    if (name.startsWith("spark-local-dir-")) continue;
    const volume = volumes.get(name);
    if (!volume) continue;
    if (!added.has(name)) {
      podSpec.volumes = [...((podSpec.volumes as unknown[] | undefined) ?? []), volume];
      added.add(name);
    }
    container.volumeMounts = [...((container.volumeMounts as unknown[] | undefined) ?? []), mount];
  }
  if (isPlainObject(roleSpec.securityContext)) container.securityContext = roleSpec.securityContext;
  if (isPlainObject(roleSpec.podSecurityContext)) podSpec.securityContext = roleSpec.podSecurityContext;
  return copy;
}

function isPodCreate(request: CapturedRequest): boolean {
  return (
    request.method === "POST" &&
    /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(request.path) &&
    isPlainObject(request.body)
  );
}

/** The pod as the API server stores it: the namespace of the collection it was POSTed to. */
function createdPod(request: CapturedRequest): PlainObject {
  const pod = request.body as PlainObject;
  const namespace = request.path.split("/")[4];
  return { ...pod, metadata: { ...(isPlainObject(pod.metadata) ? pod.metadata : {}), namespace } };
}

function run(
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  output: string[],
): { exited: Promise<number>; stop: () => void } {
  const child = spawn(program, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number>((done) => child.once("close", (code) => done(code ?? 1)));
  return { exited, stop: () => child.kill("SIGKILL") };
}

const driverStandIn = `
import time
from pyspark.sql import SparkSession
SparkSession.builder.getOrCreate()
time.sleep(120)
`;

/**
 * The driver and executor pods, as built by Spark and completed by the operator's webhook. `venv` is the
 * Spark job's venv (its pyspark carries spark-submit and the spark-kubernetes jar of the job's Spark line).
 */
export async function sparkApplicationPods(
  app: PlainObject,
  venv: string,
): Promise<{ driver: PlainObject; executor: PlainObject; argv: string[] }> {
  const spec = isPlainObject(app.spec) ? app.spec : {};
  const unsupported = unsupportedFields(spec);
  if (unsupported.length)
    throw new Error(
      `the SparkApplication sets ${unsupported.join(", ")}, which scripts/verify/spark-pods.ts does not model: port it from submission.go / sparkpod_defaulter.go`,
    );
  const api = new CaptureApi();
  const master = await api.start();
  const scratch = mkdtempSync(join(tmpdir(), "spark-pods-"));
  const output: string[] = [];
  const env = {
    ...process.env,
    SPARK_LOCAL_IP: "127.0.0.1",
    PYSPARK_PYTHON: join(venv, "bin", "python"),
    SPARK_CONF_DIR: scratch,
  };
  const stops: Array<() => void> = [];
  try {
    const { args, mainFile } = sparkSubmitArguments(app, master, "00000000-0000-0000-0000-00000000submit");
    const submit = run(join(venv, "bin", "spark-submit"), [...args, mainFile], env, output);
    stops.push(submit.stop);
    const driverRequest = await Promise.race([
      api.next(isPodCreate, 180, "driver pod from spark-submit"),
      submit.exited.then((code) => {
        throw new Error(`spark-submit exited ${code} before creating the driver pod:\n${output.join("").slice(-2000)}`);
      }),
    ]);
    const built = createdPod(driverRequest);
    const namespace = String(isPlainObject(app.metadata) ? app.metadata.namespace : "");
    const driverName = driverPodName(String(isPlainObject(app.metadata) ? app.metadata.name : ""));
    const driver = applyWebhook(built, app, "driver");
    // What a GET returns once the API server has created it: with its uid, which executors' ownerReferences carry.
    api.store(`/api/v1/namespaces/${namespace}/pods/${driverName}`, {
      ...driver,
      metadata: { ...(driver.metadata as PlainObject), uid: "00000000-0000-0000-0000-0000000000dd" },
    });

    // The driver in the pod runs spark-submit in client mode with the submitted configuration.
    writeFileSync(join(scratch, "driver.py"), driverStandIn);
    const clientArgs = args.map((arg) => (arg === "cluster" ? "client" : arg));
    const client = run(
      join(venv, "bin", "spark-submit"),
      [...clientArgs, "--conf", "spark.driver.host=127.0.0.1", join(scratch, "driver.py")],
      env,
      output,
    );
    stops.push(client.stop);
    const executorRequest = await Promise.race([
      api.next((request) => isPodCreate(request) && request !== driverRequest, 180, "executor pod from the driver"),
      client.exited.then((code) => {
        throw new Error(`the driver exited ${code} before creating an executor pod:\n${output.join("").slice(-2000)}`);
      }),
    ]);
    const executor = applyWebhook(createdPod(executorRequest), app, "executor");
    return { driver, executor, argv: ["spark-submit", ...args, mainFile] };
  } finally {
    for (const stop of stops) stop();
    await api.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
