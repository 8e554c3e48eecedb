import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../../../config/load";
import { deriveNaming } from "../../../config/naming";
import type { KubernetesObject } from "../../../constructs/kubernetes-object";
import { postgresClusterObject } from "../../../constructs/resources/cloudnative-pg";
import { k8ssandraClusterObject } from "../../../constructs/resources/k8ssandra";
import { pluralOf } from "../../../constructs/resources/readiness";
import { readinessGateObjects } from "../../../constructs/resources/readiness-gate";
import { cachedTool } from "../../../scripts/lib/cache-directory";
import { schemaDirectory } from "../../../validation/schema-directory";
import { runGate, writeBundle } from "./support";
import { nodeImageOf } from "../../../constructs/container-image";

/**
 * The gate end to end against a real kube-apiserver with RBAC on: the pinned CloudNativePG Cluster CRD, the gate's
 * own ServiceAccount, Role and RoleBinding as the stack emits them, a token the API server issues for that
 * ServiceAccount, and a Cluster whose status the test writes. Needs kube-apiserver and etcd from tools/build.sh
 * (STREAMSTACK_BUILD_APISERVER=1); without them the suite says so and is skipped.
 */
const binaries = {
  etcd: cachedTool("STREAMSTACK_ETCD", ["bin", "etcd"]),
  apiserver: cachedTool("STREAMSTACK_KUBE_APISERVER", ["bin", "kube-apiserver"]),
};
const available = existsSync(binaries.etcd) && existsSync(binaries.apiserver);
if (!available) {
  console.log(
    `gate apiserver test skipped: no ${binaries.apiserver} or ${binaries.etcd} (build them with STREAMSTACK_BUILD_APISERVER=1 tools/build.sh)`,
  );
}
jest.setTimeout(240_000);

const adminToken = "gate-test-admin";
type Json = Record<string, unknown>;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let port = 0;
let ca = "";

function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const sent = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        ca,
        headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          let parsed: Json;
          try {
            parsed = JSON.parse(text) as Json;
          } catch {
            parsed = { text };
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    sent.on("error", reject);
    if (payload) sent.write(payload);
    sent.end();
  });
}

async function must(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await call(method, path, body);
  if (response.status >= 300)
    throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
  return response.body;
}

async function until(what: string, seconds: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} not ready after ${seconds} s`);
}

function collection(object: KubernetesObject): string {
  const core: Record<string, string> = {
    ServiceAccount: "serviceaccounts",
    Role: "roles",
    RoleBinding: "rolebindings",
  };
  const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  return `${base}/namespaces/${object.metadata.namespace}/${core[object.kind] ?? pluralOf(object)}`;
}

const processes: ChildProcess[] = [];
const config = loadConfig({ profile: "kind" });
const naming = deriveNaming(config);
const cluster = postgresClusterObject(config.postgres, naming);
const namespace = naming.namespaces.airflow;
const datacenter = naming.cassandra.datacenter;
const k8ssandra = k8ssandraClusterObject(config, naming);
let gateEnvironment: Record<string, string> = {};
let cassandraEnvironment: Record<string, string> = {};
let bundle = "";

(available ? describe : describe.skip)("the gate against a real kube-apiserver", () => {
  beforeAll(async () => {
    const directory = mkdtempSync(join(tmpdir(), "gate-apiserver-"));
    mkdirSync(join(directory, "certs"));
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(directory, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(join(directory, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    writeFileSync(join(directory, "tokens.csv"), `${adminToken},admin,admin,system:masters\n`);
    const [client, peer] = [await freePort(), await freePort()];
    port = await freePort();
    const logs: number[] = [];
    const log = (name: string) => {
      const descriptor = openSync(join(directory, `${name}.log`), "w");
      logs.push(descriptor);
      return descriptor;
    };
    processes.push(
      spawn(
        binaries.etcd,
        [
          "--data-dir",
          join(directory, "etcd"),
          "--listen-client-urls",
          `http://127.0.0.1:${client}`,
          "--advertise-client-urls",
          `http://127.0.0.1:${client}`,
          "--listen-peer-urls",
          `http://127.0.0.1:${peer}`,
          "--initial-advertise-peer-urls",
          `http://127.0.0.1:${peer}`,
          "--initial-cluster",
          `default=http://127.0.0.1:${peer}`,
          "--unsafe-no-fsync",
        ],
        { stdio: ["ignore", log("etcd"), log("etcd-err")] },
      ),
      spawn(
        binaries.apiserver,
        [
          `--etcd-servers=http://127.0.0.1:${client}`,
          "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1",
          "--endpoint-reconciler-type=none",
          `--secure-port=${port}`,
          `--cert-dir=${join(directory, "certs")}`,
          `--token-auth-file=${join(directory, "tokens.csv")}`,
          // RBAC on: the gate's ServiceAccount has exactly what its Role grants.
          "--authorization-mode=RBAC",
          `--service-account-key-file=${join(directory, "sa.pub")}`,
          `--service-account-signing-key-file=${join(directory, "sa.key")}`,
          "--service-account-issuer=https://kubernetes.default.svc",
          "--service-cluster-ip-range=10.0.0.0/24",
        ],
        { stdio: ["ignore", log("kube-apiserver"), log("kube-apiserver-err")] },
      ),
    );
    // The children have their own copies of the log descriptors.
    for (const descriptor of logs) closeSync(descriptor);
    const certificate = join(directory, "certs", "apiserver.crt");
    await until("kube-apiserver serving certificate", 60, async () => existsSync(certificate));
    ca = readFileSync(certificate, "utf8");
    await until("kube-apiserver", 180, async () => (await call("GET", "/readyz")).status === 200);

    const written = writeBundle("gate-apiserver-");
    bundle = written.bundle;
    const prepare = async (
      crdFile: string,
      object: KubernetesObject,
      gateName: string,
    ): Promise<Record<string, string>> => {
      const [group, version] = object.apiVersion.split("/") as [string, string];
      const crd = parseAllDocuments(readFileSync(join(schemaDirectory(), crdFile), "utf8"))
        .map((document) => document.toJS() as Json)
        .find(
          (document) =>
            ((document?.spec as Json | undefined)?.names as Json | undefined)?.kind === object.kind &&
            (document.spec as Json).group === group,
        );
      await must("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
      await until(
        `${object.kind} CRD`,
        60,
        async () => (await call("GET", `/apis/${group}/${version}`)).status === 200,
      );
      const objectNamespace = object.metadata.namespace as string;
      await must("POST", "/api/v1/namespaces", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: objectNamespace },
      });
      const gate = readinessGateObjects({
        name: gateName,
        namespace: objectNamespace,
        objects: [object],
        timeoutSeconds: 600,
        image: nodeImageOf(config),
        code: { text: "", sha256: "" },
      });
      for (const rbac of gate.filter((candidate) =>
        ["ServiceAccount", "Role", "RoleBinding"].includes(candidate.kind),
      )) {
        await must("POST", collection(rbac), rbac);
      }
      await must("POST", collection(object), object);
      const issued = await must("POST", `/api/v1/namespaces/${objectNamespace}/serviceaccounts/${gateName}/token`, {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: 3600 },
      });
      const tokenFile = join(written.directory, `${gateName}.token`);
      writeFileSync(tokenFile, String((issued.status as Json).token));
      const job = gate.find((candidate) => candidate.kind === "Job") as KubernetesObject;
      const container = ((((job.spec as Json).template as Json).spec as Json).containers as Json[])[0];
      return {
        ...Object.fromEntries(
          (container.env as Json[]).map((variable) => [String(variable.name), String(variable.value)]),
        ),
        GATE_API_SERVER: `https://127.0.0.1:${port}`,
        GATE_TOKEN_FILE: tokenFile,
        GATE_CA_FILE: certificate,
        GATE_INTERVAL_SECONDS: "1",
      };
    };
    gateEnvironment = await prepare(
      join("cloudnative-pg-0.29.0", "crds", "cloudnative-pg-crds.yaml"),
      cluster,
      "postgres-ready",
    );
    cassandraEnvironment = await prepare(
      join("k8ssandra-operator-1.32.5", "crds", "k8ssandra-operator-crds.yaml"),
      k8ssandra,
      "cassandra-ready",
    );
  });

  afterAll(async () => {
    // The API server first; it may linger over shutdown, so it gets 5 s before SIGKILL.
    for (const child of [...processes].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const stubborn = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(stubborn);
    }
  });

  async function setReady(status: "True" | "False"): Promise<void> {
    const path = `${collection(cluster)}/${cluster.metadata.name}`;
    const current = await must("GET", path);
    const condition = {
      type: "Ready",
      status,
      reason: status === "True" ? "ClusterIsReady" : "ClusterIsNotReady",
      message: "set by the test",
      lastTransitionTime: new Date().toISOString(),
    };
    await must("PUT", `${path}/status`, {
      ...current,
      status: { phase: status === "True" ? "Cluster in healthy state" : "Setting up primary", conditions: [condition] },
    });
  }

  it("never ready: exits 1 after its time limit, naming the Cluster, its condition and what to check", async () => {
    await setReady("False");
    const outcome = await runGate(bundle, { ...gateEnvironment, GATE_TIMEOUT_SECONDS: "4" });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(
      `NOT READY after 4 s (the gate's time limit):\n  - Cluster ${namespace}/${cluster.metadata.name}: status.conditions[type=Ready].status is 'False', expected 'True'\n    check: kubectl -n ${namespace} get cluster.postgresql.cnpg.io`,
    );
  });

  it("ready: exits 0 once the status turns Ready, reading it with its own least-privilege token", async () => {
    await setReady("False");
    const turnReady = setTimeout(() => void setReady("True"), 2500);
    const outcome = await runGate(bundle, { ...gateEnvironment, GATE_TIMEOUT_SECONDS: "60" });
    clearTimeout(turnReady);
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toContain(`ready after`);
  });

  it("forbidden: its Role grants nothing beyond the named object", async () => {
    const other = JSON.parse(gateEnvironment.GATE_TARGETS ?? "[]") as Json[];
    const elsewhere = [
      { ...other[0], apiPath: String(other[0]?.apiPath).replace(/clusters\/[^/]+$/, "clusters/another") },
    ];
    const outcome = await runGate(bundle, {
      ...gateEnvironment,
      GATE_TARGETS: JSON.stringify(elsewhere),
      GATE_TIMEOUT_SECONDS: "30",
      GATE_FORBIDDEN_GRACE_SECONDS: "0",
    });
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toMatch(/the API server refused the gate \(HTTP 403\)/);
  });
  it("K8ssandraCluster: the API server keeps the mirrored datacenter status the gate reads, and the gate passes on it", async () => {
    const path = `${collection(k8ssandra)}/${k8ssandra.metadata.name}`;
    const current = await must("GET", path);
    const now = new Date().toISOString();
    const status = {
      conditions: [{ type: "CassandraInitialized", status: "True", lastTransitionTime: now }],
      datacenters: {
        [datacenter]: {
          cassandra: {
            cassandraOperatorProgress: "Ready",
            conditions: [{ type: "Ready", status: "True", message: "", reason: "", lastTransitionTime: now }],
          },
        },
      },
    };
    const stored = await must("PUT", `${path}/status`, { ...current, status });
    // Structural pruning drops any field the CRD does not define: what is stored is what the operator can write.
    expect(stored.status).toMatchObject(status);
    const outcome = await runGate(bundle, { ...cassandraEnvironment, GATE_TIMEOUT_SECONDS: "20" });
    expect(outcome.stderr).toBe("");
    expect(outcome.code).toBe(0);
  });
});
