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

/** Where the in-cluster credentials are mounted (constructs/resources/readiness-gate.ts mounts them there). */
export const serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A day: no gate waits longer, so a larger figure is a typo. */
const longestSeconds = 86_400;

/** Decimal digits only: Number() would also take `1e3` or `0x10`, which in a manifest are typos rather than intent. */
function seconds(environment: NodeJS.ProcessEnv, name: string, minimum: number, fallback?: number): number {
  const raw = environment[name]?.trim();
  if (raw === undefined || raw === "") {
    if (fallback === undefined) throw new Error(`${name} is required (a whole number of seconds)`);
    return fallback;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < minimum || value > longestSeconds)
    throw new Error(`${name} must be a whole number of seconds from ${minimum} to ${longestSeconds}, got '${raw}'`);
  return value;
}

function apiServerUrl(environment: NodeJS.ProcessEnv): URL {
  const configured = environment.GATE_API_SERVER?.trim();
  if (configured) {
    const url = URL.canParse(configured) ? new URL(configured) : undefined;
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:"))
      throw new Error(`GATE_API_SERVER must be an https:// (or http://) URL of the API server, got '${configured}'`);
    return url;
  }
  const host = environment.KUBERNETES_SERVICE_HOST?.trim();
  const port = environment.KUBERNETES_SERVICE_PORT?.trim() || "443";
  if (!host) throw new Error("KUBERNETES_SERVICE_HOST is unset: run the gate in a pod, or set GATE_API_SERVER");
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535)
    throw new Error(`KUBERNETES_SERVICE_PORT must be a port from 1 to 65535, got '${port}'`);
  // An IPv6 service address needs brackets in a URL.
  return new URL(`https://${host.includes(":") ? `[${host}]` : host}:${port}`);
}

/** Every problem of the environment at once would need more code than it is worth here: the first one is fatal. */
export function readSettings(environment: NodeJS.ProcessEnv): GateSettings {
  const targets = parseTargets(environment.GATE_TARGETS ?? "");
  return {
    targets,
    timeoutSeconds: seconds(environment, "GATE_TIMEOUT_SECONDS", 1),
    intervalSeconds: seconds(environment, "GATE_INTERVAL_SECONDS", 1, 5),
    forbiddenGraceSeconds: seconds(environment, "GATE_FORBIDDEN_GRACE_SECONDS", 0, 30),
    apiServer: apiServerUrl(environment),
    tokenFile: environment.GATE_TOKEN_FILE?.trim() || `${serviceAccountDirectory}/token`,
    caFile: environment.GATE_CA_FILE?.trim() || `${serviceAccountDirectory}/ca.crt`,
  };
}
