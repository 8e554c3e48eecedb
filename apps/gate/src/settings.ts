import { parseTargets, type Target } from "./condition";

export interface GateSettings {
  readonly targets: readonly Target[];
  /** The gate gives up after this many seconds, with a message per object still not ready. */
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  /** How long refusals (401/403) are retried before they count as a bug in the gate's Role. */
  readonly forbiddenGraceSeconds: number;
  /** API server base URL; in a pod, from the KUBERNETES_SERVICE_* variables kubelet sets. */
  readonly apiServer: URL;
  /** Re-read on every request: the projected ServiceAccount token is rotated by kubelet. */
  readonly tokenFile: string;
  readonly caFile: string;
}

const serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

function positiveInteger(environment: NodeJS.ProcessEnv, name: string, fallback?: number): number {
  const raw = environment[name]?.trim();
  if (raw === undefined || raw === "") {
    if (fallback === undefined) throw new Error(`${name} is required (a whole number of seconds)`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a whole number of seconds above 0, got '${raw}'`);
  return value;
}

function wholeSeconds(environment: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = environment[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number of seconds, 0 or more, got '${raw}'`);
  return value;
}

function apiServerUrl(environment: NodeJS.ProcessEnv): URL {
  const configured = environment.GATE_API_SERVER?.trim();
  if (configured) return new URL(configured);
  const host = environment.KUBERNETES_SERVICE_HOST?.trim();
  const port = environment.KUBERNETES_SERVICE_PORT?.trim() || "443";
  if (!host) throw new Error("KUBERNETES_SERVICE_HOST is unset: run the gate in a pod, or set GATE_API_SERVER");
  // An IPv6 service address needs brackets in a URL.
  return new URL(`https://${host.includes(":") ? `[${host}]` : host}:${port}`);
}

/** Every problem of the environment at once would need more code than it is worth here: the first one is fatal. */
export function readSettings(environment: NodeJS.ProcessEnv): GateSettings {
  const targets = parseTargets(environment.GATE_TARGETS ?? "");
  return {
    targets,
    timeoutSeconds: positiveInteger(environment, "GATE_TIMEOUT_SECONDS"),
    intervalSeconds: positiveInteger(environment, "GATE_INTERVAL_SECONDS", 5),
    forbiddenGraceSeconds: wholeSeconds(environment, "GATE_FORBIDDEN_GRACE_SECONDS", 30),
    apiServer: apiServerUrl(environment),
    tokenFile: environment.GATE_TOKEN_FILE?.trim() || `${serviceAccountDirectory}/token`,
    caFile: environment.GATE_CA_FILE?.trim() || `${serviceAccountDirectory}/ca.crt`,
  };
}
