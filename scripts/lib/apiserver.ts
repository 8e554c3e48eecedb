/**
 * A real kube-apiserver and etcd on loopback, from the binaries tools/build.sh builds (STREAMSTACK_BUILD_APISERVER=1):
 * the verify dry run, the runtime-pods check and the tests against a real API server (the gate, the status view) all
 * start theirs here. The server writes a kubeconfig for clients (@kubernetes/client-node, kubectl) and offers a bare
 * request() for test fixtures that set objects' status.
 */
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { join } from "node:path";
import { cachedTool } from "./cache-directory";
import { freePort, startProcess, stopProcess, waitFor } from "./processes";

export const apiServerBinaries = {
  etcd: cachedTool("STREAMSTACK_ETCD", ["bin", "etcd"]),
  apiserver: cachedTool("STREAMSTACK_KUBE_APISERVER", ["bin", "kube-apiserver"]),
};

/** Why a real API server cannot be started here, or undefined when it can. */
export function apiServerUnavailable(): string | undefined {
  const missing = Object.values(apiServerBinaries).filter((binary) => !existsSync(binary));
  return missing.length === 0
    ? undefined
    : `no ${missing.join(" or ")} (build them with STREAMSTACK_BUILD_APISERVER=1 bash tools/build.sh)`;
}

export interface ApiResponse {
  readonly status: number;
  /** Parsed JSON, or { text } when the answer is not JSON. */
  readonly body: Record<string, unknown>;
}

export interface ApiServer {
  readonly url: string;
  /** The server's self-signed certificate, which verifies it. */
  readonly caFile: string;
  /** A bearer token in system:masters. */
  readonly token: string;
  /** A kubeconfig naming this server, its CA and the token; its context is `contextName`. */
  readonly kubeconfigFile: string;
  readonly contextName: string;
  request(method: string, path: string, body?: unknown): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiServerOptions {
  /** AlwaysAllow (default) or RBAC, for tests of what a ServiceAccount's Role grants. */
  readonly authorization?: "AlwaysAllow" | "RBAC";
}

function bareRequest(url: string, ca: string, token: string, method: string, path: string, body?: unknown) {
  return new Promise<ApiResponse>((resolvePromise, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const sent = httpsRequest(
      new URL(path, url),
      {
        method,
        ca,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
        timeout: 60_000,
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { text };
          }
          resolvePromise({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    sent.on("error", reject);
    sent.on("timeout", () => sent.destroy(new Error(`${method} ${path} timed out`)));
    if (payload !== undefined) sent.write(payload);
    sent.end();
  });
}

/** Starts etcd and kube-apiserver in a fresh `directory` (logs there too) and waits until /readyz answers. */
export async function startApiServer(directory: string, options: ApiServerOptions = {}): Promise<ApiServer> {
  const unavailable = apiServerUnavailable();
  if (unavailable !== undefined) throw new Error(`cannot start a kube-apiserver: ${unavailable}`);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(join(directory, "certs"), { recursive: true });
  const token = "streamstack-apiserver-admin";
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(directory, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(join(directory, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(join(directory, "tokens.csv"), `${token},admin,admin,system:masters\n`);
  const etcd = startProcess({
    name: "etcd",
    command: apiServerBinaries.etcd,
    logFile: join(directory, "etcd.log"),
    args: [
      ...["--data-dir", join(directory, "etcd")],
      ...["--listen-client-urls", `http://127.0.0.1:${etcdClient}`],
      ...["--advertise-client-urls", `http://127.0.0.1:${etcdClient}`],
      ...["--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`],
      ...["--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`],
      ...["--initial-cluster", `default=http://127.0.0.1:${etcdPeer}`],
      "--unsafe-no-fsync",
    ],
  });
  const apiserver = startProcess({
    name: "kube-apiserver",
    command: apiServerBinaries.apiserver,
    logFile: join(directory, "kube-apiserver.log"),
    args: [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // The endpoint reconciler refuses a loopback address; nothing here needs the kubernetes Service endpoints.
      "--endpoint-reconciler-type=none",
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(directory, "certs")}`,
      `--token-auth-file=${join(directory, "tokens.csv")}`,
      `--authorization-mode=${options.authorization ?? "AlwaysAllow"}`,
      `--service-account-key-file=${join(directory, "sa.pub")}`,
      `--service-account-signing-key-file=${join(directory, "sa.key")}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      // Addresses the API server assigns to Services on paper; nothing is sent to them.
      "--service-cluster-ip-range=10.0.0.0/24",
      // Pods are only dry-run here; their ServiceAccounts need not exist.
      "--disable-admission-plugins=ServiceAccount",
    ],
  });
  const stop = async (): Promise<void> => {
    // The API server first; it may linger over shutdown, so it gets 5 s before SIGKILL.
    await stopProcess(apiserver, 5_000);
    await stopProcess(etcd, 5_000);
  };
  const url = `https://127.0.0.1:${apiPort}`;
  const caFile = join(directory, "certs", "apiserver.crt");
  let ca = "";
  const request = (method: string, path: string, body?: unknown): Promise<ApiResponse> =>
    bareRequest(url, ca, token, method, path, body);
  try {
    await waitFor(async () => Promise.resolve(existsSync(caFile)), {
      what: "kube-apiserver serving certificate",
      timeoutMs: 60_000,
      process: apiserver,
      intervalMs: 250,
      quiet: true,
    });
    ca = readFileSync(caFile, "utf8");
    await waitFor(async () => (await request("GET", "/readyz")).status === 200, {
      what: "kube-apiserver /readyz",
      timeoutMs: 180_000,
      process: apiserver,
      intervalMs: 500,
      quiet: true,
    });
  } catch (error) {
    await stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; logs: ${directory}/etcd.log, kube-apiserver.log`,
      { cause: error },
    );
  }
  const contextName = "streamstack-apiserver";
  const kubeconfigFile = join(directory, "kubeconfig");
  writeFileSync(
    kubeconfigFile,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: contextName, cluster: { server: url, "certificate-authority": caFile } }],
      users: [{ name: contextName, user: { token } }],
      contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
      "current-context": contextName,
    }),
  );
  return { url, caFile, token, kubeconfigFile, contextName, request, stop };
}
