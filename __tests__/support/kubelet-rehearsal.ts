/**
 * Kubelet rehearsal: for each workload pod among emitted objects, every ConfigMap/Secret volume it
 * mounts is laid out under a scratch "container root" exactly as kubelet would (kubelet-layout.ts),
 * and then
 * - every absolute path the container's command, args or env names under one of its mounts must exist;
 * - the consumers we ship are started for real from that layout: `node <bundle>` of the node-app chart
 *   (an HTTP liveness probe must answer 200, a probe-less app must not fail at start), and the Spark
 *   driver's main file and its sibling imports with the job's own config loading, as the operator's
 *   PythonRunner would start it.
 * A container path P is the scratch path <root>/P; only paths under a mount are rewritten, so a command
 * naming a path no mount provides still fails as it would in the image.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defaultFileMode,
  isKeyedVolume,
  mountSubPath,
  payloadFor,
  volumeSource,
  writeAtomically,
  type FileProjection,
  type KeyedVolume,
  type VolumeContents,
} from "./kubelet-layout";
import { freePort } from "../../scripts/lib/processes";
import type { Container, Volume, WorkloadPod } from "./workload-pods";

type Loose = Record<string, unknown>;

function isLoose(value: unknown): value is Loose {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Contents of the ConfigMaps and Secrets pods may mount: those among the objects, plus the Secrets that
 * operators create for objects of the stack, with the keys their operators document:
 * - cert-manager Certificate → Secret spec.secretName with tls.crt, tls.key, ca.crt
 *   (cert-manager v1.21.1 pkg/apis/meta/v1/types.go TLSCAKey and corev1.TLSCertKey/TLSPrivateKeyKey);
 * - Strimzi KafkaUser with scram-sha-512 → Secret <user> with password, sasl.jaas.config
 *   (strimzi-kafka-operator 0.45.2 / 1.2.0 documentation "User authentication").
 * Values are placeholders: the rehearsal is about where files are, not what they say.
 */
export class VolumeContentsIndex {
  private readonly byName = new Map<string, Map<string, Buffer>>();

  constructor(objects: readonly unknown[]) {
    for (const object of objects) {
      if (!isLoose(object) || !isLoose(object.metadata)) continue;
      const namespace = typeof object.metadata.namespace === "string" ? object.metadata.namespace : "default";
      const name = String(object.metadata.name);
      if (object.kind === "ConfigMap" && object.apiVersion === "v1") {
        this.add("ConfigMap", namespace, name, object.data, "utf8");
        this.add("ConfigMap", namespace, name, object.binaryData, "base64");
      } else if (object.kind === "Secret" && object.apiVersion === "v1") {
        this.add("Secret", namespace, name, object.data, "base64");
        this.add("Secret", namespace, name, object.stringData, "utf8");
      } else if (
        object.kind === "Certificate" &&
        String(object.apiVersion).startsWith("cert-manager.io/") &&
        isLoose(object.spec)
      ) {
        const keys = ["tls.crt", "tls.key", "ca.crt"];
        this.add(
          "Secret",
          namespace,
          String(object.spec.secretName),
          Object.fromEntries(keys.map((key) => [key, `-----BEGIN PLACEHOLDER ${key}-----\n`])),
          "utf8",
        );
      } else if (
        object.kind === "KafkaUser" &&
        isLoose(object.spec) &&
        isLoose(object.spec.authentication) &&
        object.spec.authentication.type === "scram-sha-512"
      ) {
        this.add("Secret", namespace, name, { password: "placeholder", "sasl.jaas.config": "placeholder" }, "utf8");
      }
    }
  }

  private add(kind: string, namespace: string, name: string, entries: unknown, encoding: "utf8" | "base64"): void {
    if (!isLoose(entries)) {
      if (!this.byName.has(`${kind}/${namespace}/${name}`)) this.byName.set(`${kind}/${namespace}/${name}`, new Map());
      return;
    }
    const existing = this.byName.get(`${kind}/${namespace}/${name}`) ?? new Map<string, Buffer>();
    for (const [key, value] of Object.entries(entries)) existing.set(key, Buffer.from(String(value), encoding));
    this.byName.set(`${kind}/${namespace}/${name}`, existing);
  }

  contents(volume: KeyedVolume, namespace: string): VolumeContents | undefined {
    const { kind, name } = volumeSource(volume);
    return this.byName.get(`${kind}/${namespace}/${name}`);
  }

  keys(kind: "ConfigMap" | "Secret", namespace: string, name: string): ReadonlyMap<string, Buffer> | undefined {
    return this.byName.get(`${kind}/${namespace}/${name}`);
  }

  value(kind: "ConfigMap" | "Secret", namespace: string, name: string, key: string): string | undefined {
    return this.byName.get(`${kind}/${namespace}/${name}`)?.get(key)?.toString("utf8");
  }
}

const serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A container's filesystem as far as its volumes go, under a scratch root. */
export interface ContainerRoot {
  readonly root: string;
  readonly mountPaths: readonly string[];
  /** Mount paths of ConfigMap/Secret volumes: what the stack, not the app, puts there. */
  readonly keyedMountPaths: readonly string[];
  /** The scratch path for a container path under one of its mounts; other paths unchanged. */
  hostPath(containerPath: string): string;
}

function underMount(path: string, mountPaths: readonly string[]): boolean {
  return mountPaths.some((mount) => path === mount || path.startsWith(mount.endsWith("/") ? mount : `${mount}/`));
}

interface ProjectedSource {
  readonly serviceAccountToken?: { readonly path: string };
  readonly configMap?: { readonly items?: readonly { readonly path: string }[] };
  readonly downwardAPI?: {
    readonly items?: readonly { readonly path: string; readonly fieldRef?: { readonly fieldPath: string } }[];
  };
}

/**
 * A projected volume of API credentials (ServiceAccount token, the cluster CA, the namespace), as the readiness gates
 * mount them: placeholders for the token and CA, the pod's namespace for metadata.namespace. Other volumes: undefined.
 */
function apiAccessPayload(volume: Volume, namespace: string): Map<string, FileProjection> | undefined {
  const projected = (volume as { readonly projected?: { readonly sources?: readonly ProjectedSource[] } }).projected;
  if (!projected) return undefined;
  const payload = new Map<string, FileProjection>();
  const put = (path: string, text: string) => payload.set(path, { content: Buffer.from(text), mode: defaultFileMode });
  for (const source of projected.sources ?? []) {
    if (source.serviceAccountToken) put(source.serviceAccountToken.path, "placeholder token");
    for (const item of source.configMap?.items ?? []) put(item.path, `placeholder ${item.path}`);
    for (const item of source.downwardAPI?.items ?? []) {
      if (item.fieldRef?.fieldPath !== "metadata.namespace")
        throw new Error(`volume ${volume.name}: downwardAPI ${item.fieldRef?.fieldPath ?? "?"} is not rehearsed`);
      put(item.path, namespace);
    }
  }
  return payload;
}

/** Lays out every volume the container mounts; ConfigMap/Secret volumes as kubelet does, others as empty directories. */
export function layOutContainer(
  pod: WorkloadPod,
  container: Container,
  index: VolumeContentsIndex,
  root: string,
): ContainerRoot {
  const volumes = new Map((pod.spec.volumes ?? []).map((volume) => [volume.name, volume]));
  const mountPaths: string[] = [];
  if (pod.spec.automountServiceAccountToken !== false) {
    // The ServiceAccount admission plugin's kube-api-access projected volume, laid out by the same AtomicWriter.
    const target = join(root, serviceAccountDirectory);
    writeAtomically(
      target,
      new Map(
        ["token", "ca.crt", "namespace"].map((key) => [
          key,
          { content: Buffer.from(key === "namespace" ? pod.namespace : `placeholder ${key}`), mode: defaultFileMode },
        ]),
      ),
      "kube-api-access",
    );
    mountPaths.push(serviceAccountDirectory);
  }
  const keyedMountPaths: string[] = [];
  const staged = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume)
      throw new Error(
        `${pod.workload} container ${container.name}: volumeMount ${mount.name} names no volume of the pod`,
      );
    const target = join(root, mount.mountPath);
    mountPaths.push(mount.mountPath);
    const projected = apiAccessPayload(volume, pod.namespace);
    if (projected) {
      keyedMountPaths.push(mount.mountPath);
      writeAtomically(target, projected, volume.name);
      continue;
    }
    if (!isKeyedVolume(volume)) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    keyedMountPaths.push(mount.mountPath);
    const payload = payloadFor(volume, index.contents(volume, pod.namespace));
    if (mount.subPath === undefined || mount.subPath === "") {
      writeAtomically(target, payload, volume.name);
      continue;
    }
    // kubelet lays the volume out once per pod and bind-mounts the subPath from it.
    let volumeDirectory = staged.get(volume.name);
    if (!volumeDirectory) {
      volumeDirectory = join(root, "..kubelet-volumes", volume.name);
      writeAtomically(volumeDirectory, payload, volume.name);
      staged.set(volume.name, volumeDirectory);
    }
    mountSubPath(volumeDirectory, mount.subPath, target);
  }
  return {
    root,
    mountPaths,
    keyedMountPaths,
    hostPath: (path) => (path.startsWith("/") && underMount(path, mountPaths) ? join(root, path) : path),
  };
}

/** `$(NAME)` references expanded as kubelet does (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` escapes, unknown names stay. */
export function expandReferences(text: string, defined: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === "$$") return "$";
    return name !== undefined && defined.has(name) ? (defined.get(name) ?? match) : match;
  });
}

/**
 * What kubelet adds to every container: the `kubernetes` Service variables (always, whatever
 * enableServiceLinks says), before the container's own env, which may override them. Here they point at
 * a closed loopback port, so an app calling the API server fails at once instead of reaching anything.
 */
const kubernetesServiceEnv: ReadonlyArray<[string, string]> = [
  ["KUBERNETES_SERVICE_HOST", "127.0.0.1"],
  ["KUBERNETES_SERVICE_PORT", "1"],
];

/** The container's environment as kubelet builds it; secrets and configmaps from the index, the pod name fixed. */
export function containerEnvironment(
  pod: WorkloadPod,
  container: Container,
  index: VolumeContentsIndex,
  podName: string,
): { env: Map<string, string>; problems: string[] } {
  const env = new Map<string, string>(kubernetesServiceEnv);
  const problems: string[] = [];
  // envFrom first, then env, which overrides it (kubelet makeEnvironmentVariables).
  for (const source of container.envFrom ?? []) {
    const reference = source.configMapRef
      ? { kind: "ConfigMap" as const, name: source.configMapRef.name }
      : source.secretRef
        ? { kind: "Secret" as const, name: source.secretRef.name }
        : undefined;
    if (!reference) continue;
    const keys = index.keys(reference.kind, pod.namespace, reference.name);
    if (!keys) {
      problems.push(`envFrom: ${reference.kind} ${reference.name} is not emitted by the stack`);
      continue;
    }
    for (const [key, value] of keys) env.set(`${source.prefix ?? ""}${key}`, value.toString("utf8"));
  }
  const placeholder = (what: string) => `placeholder-${what.replace(/[^A-Za-z0-9]/g, "-")}`;
  for (const variable of container.env ?? []) {
    let value: string;
    const from = variable.valueFrom;
    if (variable.value !== undefined) value = expandReferences(variable.value, env);
    else if (from?.fieldRef)
      value = from.fieldRef.fieldPath === "metadata.name" ? podName : placeholder(from.fieldRef.fieldPath);
    else if (from?.secretKeyRef)
      value =
        index.value("Secret", pod.namespace, from.secretKeyRef.name, from.secretKeyRef.key) ??
        placeholder(`${from.secretKeyRef.name}-${from.secretKeyRef.key}`);
    else if (from?.configMapKeyRef) {
      const found = index.value("ConfigMap", pod.namespace, from.configMapKeyRef.name, from.configMapKeyRef.key);
      if (found === undefined)
        problems.push(
          `env ${variable.name}: ConfigMap ${from.configMapKeyRef.name} key ${from.configMapKeyRef.key} is not emitted by the stack`,
        );
      value = found ?? "";
    } else value = "";
    env.set(variable.name, value);
  }
  return { env, problems };
}

/** A value naming container paths: an absolute path, a `local://` URI, or a colon-separated list of absolute paths. */
function containerPathsIn(value: string): string[] {
  const stripped = value.startsWith("local://") ? value.slice("local://".length) : value;
  if (!stripped.startsWith("/") || /\s/.test(stripped)) return [];
  return stripped.split(":").filter((part) => part.startsWith("/"));
}

/** A value naming container paths under mounts, with those paths moved under the scratch root. */
export function rewritePaths(value: string, root: ContainerRoot): string {
  const scheme = value.startsWith("local://") ? "local://" : "";
  const paths = containerPathsIn(value);
  if (paths.length === 0) return value;
  return (
    scheme +
    value
      .slice(scheme.length)
      .split(":")
      .map((part) => root.hostPath(part))
      .join(":")
  );
}

/** Every path under a ConfigMap/Secret mount that the container's command, args or env name, and that the layout lacks. */
export function missingMountedPaths(
  container: Container,
  env: ReadonlyMap<string, string>,
  root: ContainerRoot,
  extra: readonly string[] = [],
): string[] {
  const named = [...(container.command ?? []), ...(container.args ?? []), ...env.values(), ...extra].flatMap(
    containerPathsIn,
  );
  return named
    .filter((path) => underMount(path, root.keyedMountPaths) && !existsSync(root.hostPath(path)))
    .map(
      (path) => `${path} does not exist in the laid-out ConfigMap/Secret mounts (${root.keyedMountPaths.join(", ")})`,
    );
}

export interface ConsumerRun {
  readonly ok: boolean;
  readonly detail: string;
  readonly seconds: number;
}

function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((done) => {
    const call = request({ host: "127.0.0.1", port, path, timeout: 1000 }, (response) => {
      response.resume();
      done(response.statusCode ?? 0);
    });
    call.on("error", () => done(0));
    call.on("timeout", () => call.destroy());
    call.end();
  });
}

const startupSeconds = 3;

/** Node's own failures to load a program: what a layout that does not match the command produces. */
const loadFailure = /Cannot find module|MODULE_NOT_FOUND|SyntaxError|ERR_REQUIRE_ESM|ERR_UNKNOWN_FILE_EXTENSION/;

/**
 * A probe-less app that exited within the start-up window. It could not start from the layout when Node
 * could not load it, when it names a missing or unreadable path under a ConfigMap/Secret mount, or when
 * it exits 2, our apps' configuration-error code (apps/producer, dashboard, gate main.ts). Any other exit
 * comes after start, on what the rehearsal does not provide (Kafka, the API server, DNS).
 */
function exitVerdict(exitCode: number, output: string, root: ContainerRoot): { ok: boolean; detail: string } {
  if (exitCode === 0) return { ok: true, detail: "exited 0" };
  if (loadFailure.test(output)) return { ok: false, detail: `exited ${exitCode}: node could not load it` };
  const missing = root.keyedMountPaths.find((path) =>
    new RegExp(`(ENOENT|EACCES)[^\\n]*${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`).test(output),
  );
  if (missing) return { ok: false, detail: `exited ${exitCode}: a file under ${missing} is missing or unreadable` };
  // Files outside the mounts it names (the ServiceAccount credentials at their fixed path) must be there too.
  if (/ENOENT|EACCES/.test(output)) return { ok: false, detail: `exited ${exitCode}: a file it reads is missing` };
  if (exitCode === 2) return { ok: false, detail: "exited 2: a configuration error" };
  return { ok: true, detail: `started, then exited ${exitCode} on something the rehearsal does not provide` };
}

/**
 * Mounts under /run (/var/run links there), such as the ServiceAccount directory apps read at its fixed
 * path, cannot be reached by rewriting the paths a container names: the consumer then runs in its own
 * user + mount namespace (unshare) where a tmpfs over /run carries bind mounts of the laid-out volumes.
 */
function inMountNamespace(
  program: string,
  args: readonly string[],
  root: ContainerRoot,
): { program: string; args: string[] } {
  const runMounts = root.mountPaths.filter((path) => /^\/(var\/)?run\//.test(path));
  if (runMounts.length === 0) return { program, args: [...args] };
  const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;
  const binds = runMounts.map((path) => {
    const target = path.replace(/^\/var\/run\//, "/run/");
    return `mkdir -p ${quote(target)} && mount --bind ${quote(join(root.root, path))} ${quote(target)}`;
  });
  const script = ["set -e", "mount -t tmpfs tmpfs /run", ...binds, 'exec "$@"'].join("\n");
  return {
    program: "unshare",
    args: ["--user", "--map-root-user", "--mount", "sh", "-c", script, "sh", program, ...args],
  };
}

/** The lines of a consumer's output that say what happened: errors first (stack frames left out), else the last ones. */
function summary(output: string): string {
  const lines = output
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^\s+at /.test(line));
  const errors = lines.filter((line) => /error|cannot|not found|no such/i.test(line));
  return (errors.length ? errors : lines).slice(-6).join("\n");
}

/**
 * Runs `node …` as the container's command from the laid-out mounts. With an HTTP liveness probe, the
 * app must answer 200 on it (PORT moved to a free local port when the env sets the probed port);
 * without one, it must still be running after a few seconds or have exited 0.
 */
export async function runNodeContainer(
  container: Container,
  env: ReadonlyMap<string, string>,
  root: ContainerRoot,
): Promise<ConsumerRun> {
  const started = Date.now();
  const argv = [...(container.command ?? []), ...(container.args ?? [])].map((part) => expandReferences(part, env));
  if (argv[0] !== "node")
    return { ok: false, detail: `command ${JSON.stringify(argv)} does not start with node`, seconds: 0 };
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const [name, value] of env) childEnv[name] = rewritePaths(value, root);
  const probe = container.livenessProbe?.httpGet ?? container.readinessProbe?.httpGet;
  let port = 0;
  if (probe) {
    const named = container.ports?.find((candidate) => candidate.name === probe.port);
    const probedPort = typeof probe.port === "number" ? probe.port : named?.containerPort;
    port = await freePort();
    const portVariable = [...env].find(([, value]) => value === String(probedPort));
    if (!portVariable)
      return {
        ok: false,
        detail: `no env variable sets the probed port ${String(probedPort)}, so the rehearsal cannot move it`,
        seconds: 0,
      };
    childEnv[portVariable[0]] = String(port);
  }
  const command = inMountNamespace(
    process.execPath,
    argv.slice(1).map((part) => rewritePaths(part, root)),
    root,
  );
  const child = spawn(command.program, command.args, { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((done) => child.once("exit", (code, signal) => done(code ?? (signal ? 128 : 1))));
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + (probe ? 15_000 : startupSeconds * 1000);
  let verdict: { ok: boolean; detail: string } | undefined;
  while (!verdict && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    if (exitCode !== undefined) {
      verdict = probe
        ? { ok: false, detail: `exited ${exitCode} before its probe answered` }
        : exitVerdict(exitCode, output, root);
      break;
    }
    if (probe) {
      const status = await httpStatus(port, probe.path ?? "/");
      if (status === 200) verdict = { ok: true, detail: `GET ${probe.path ?? "/"} answered 200` };
    }
  }
  if (!verdict)
    verdict = probe
      ? { ok: false, detail: `GET ${probe.path ?? "/"} did not answer 200 within 15 s` }
      : // A poller (the readiness gates) keeps running when a file it reads is missing: it says so on each try.
        /ENOENT|EACCES/.test(output)
        ? { ok: false, detail: `still running after ${startupSeconds} s, but a file it reads is missing or unreadable` }
        : { ok: true, detail: `still running after ${startupSeconds} s` };
  if (exitCode === undefined) {
    child.kill("SIGKILL");
    await exited;
  }
  const lines = summary(output);
  return {
    ok: verdict.ok,
    detail: `${verdict.detail}${lines ? `\n${lines}` : ""}`,
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * The driver's start as spark-submit's PythonRunner does it (`python <main file>`, so CPython puts the
 * main file's real directory first on sys.path), stopped short of the Spark session: the main module is
 * executed under another name (imports, no main()), then its load_config reads the pod's env. An
 * executor only imports what its Python workers unpickle: the main file's sibling modules.
 */
const driverProbe = `
import os, runpy, sys
main = sys.argv[1]
sys.path.insert(0, os.path.dirname(os.path.realpath(main)))
module = runpy.run_path(main, run_name="kubelet_rehearsal")
if "load_config" not in module:
    sys.exit("the main file defines or imports no load_config")
config = module["load_config"](os.environ, main)
print("config:", type(config).__name__, "topic", config.kafka.topic, "schema", os.path.basename(config.avro_schema_path))
`;
const executorProbe = `
import importlib, os, sys
main = sys.argv[1]
for name in sorted(os.listdir(os.path.dirname(main))):
    if name.endswith(".py") and not name.startswith(".") and os.path.join(os.path.dirname(main), name) != main:
        importlib.import_module(name[:-3])
        print("imported", name[:-3])
`;

export function runSparkContainer(
  role: "driver" | "executor",
  mainApplicationFile: string,
  env: ReadonlyMap<string, string>,
  root: ContainerRoot,
  python: string,
): Promise<ConsumerRun> {
  const started = Date.now();
  const main = rewritePaths(mainApplicationFile, root).replace(/^local:\/\//, "");
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  for (const [name, value] of env) childEnv[name] = rewritePaths(value, root);
  const command = inMountNamespace(python, ["-c", role === "driver" ? driverProbe : executorProbe, main], root);
  return new Promise((done) => {
    const child = spawn(command.program, command.args, {
      env: childEnv,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("close", (code) =>
      done({
        ok: code === 0,
        detail: summary(output) || `exit ${String(code)}`,
        seconds: (Date.now() - started) / 1000,
      }),
    );
  });
}

export interface RehearsalOutcome {
  readonly workload: string;
  readonly container: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly seconds: number;
}

export interface RehearsalOptions {
  /** Python of the Spark job's venv; undefined: the Spark consumers are not started (reported, not failed). */
  readonly sparkPython?: string;
  /** Start the consumers (node, Python); false: layout and path checks only. */
  readonly runConsumers: boolean;
}

function isNodeApp(container: Container): boolean {
  return container.command?.[0] === "node";
}

/** Lays out and checks every container of every pod; starts the consumers we ship. */
export async function rehearse(
  pods: readonly WorkloadPod[],
  objects: readonly unknown[],
  options: RehearsalOptions,
): Promise<RehearsalOutcome[]> {
  const index = new VolumeContentsIndex(objects);
  const scratch = mkdtempSync(join(tmpdir(), "kubelet-rehearsal-"));
  const runs: Promise<RehearsalOutcome>[] = [];
  try {
    let count = 0;
    for (const pod of pods) {
      for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        const root = join(scratch, String(count++));
        runs.push(rehearseContainer(pod, container, index, root, options));
      }
    }
    // Consumers mostly wait (start-up, probes): running them side by side keeps the whole rehearsal short.
    return await Promise.all(runs);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function rehearseContainer(
  pod: WorkloadPod,
  container: Container,
  index: VolumeContentsIndex,
  scratch: string,
  options: RehearsalOptions,
): Promise<RehearsalOutcome> {
  const started = Date.now();
  const label = { workload: pod.workload, container: container.name };
  const elapsed = () => (Date.now() - started) / 1000;
  let root: ContainerRoot;
  try {
    root = layOutContainer(pod, container, index, scratch);
  } catch (error) {
    return { ...label, ok: false, detail: error instanceof Error ? error.message : String(error), seconds: elapsed() };
  }
  const { env, problems } = containerEnvironment(pod, container, index, "rehearsal-pod-0");
  problems.push(...missingMountedPaths(container, env, root, pod.spark ? [pod.spark.mainApplicationFile] : []));
  if (problems.length) return { ...label, ok: false, detail: problems.join("\n"), seconds: elapsed() };
  const laidOut = `${root.keyedMountPaths.length} ConfigMap/Secret mounts laid out; the paths the container names exist`;
  if (!options.runConsumers) return { ...label, ok: true, detail: laidOut, seconds: elapsed() };
  if (pod.spark && pod.spark.type === "Python") {
    if (!options.sparkPython)
      return { ...label, ok: true, detail: `${laidOut}; no Spark venv given, Python not started`, seconds: elapsed() };
    return {
      ...label,
      ...(await runSparkContainer(pod.spark.role, pod.spark.mainApplicationFile, env, root, options.sparkPython)),
    };
  }
  if (isNodeApp(container)) return { ...label, ...(await runNodeContainer(container, env, root)) };
  return {
    ...label,
    ok: true,
    detail: `${laidOut} (image ${container.image ?? "?"} is not run here)`,
    seconds: elapsed(),
  };
}

/** The Spark job's venv python, or undefined with the reason. */
export function sparkVenvPython(repoRoot: string): { python?: string; reason?: string } {
  const setup = join(repoRoot, "apps", "spark-job", "setup-venv.sh");
  const result = spawnSync("bash", [setup], { encoding: "utf8", timeout: 15 * 60_000 });
  const venv = (result.stdout ?? "").trim().split("\n").pop() ?? "";
  if (result.status !== 0 || !existsSync(join(venv, "bin", "python")))
    return { reason: `${setup} failed: ${(result.stderr ?? "").slice(-300)}` };
  return { python: join(venv, "bin", "python") };
}
