/**
 * The pipeline as a user thinks of it, layer by layer: each release, the custom resources it carries with their
 * readiness (by the same rules the readiness gates apply, constructs/resources/readiness.ts), what is still
 * progressing and for how long, Airflow's pods, and how to reach the UIs.
 */
import { unmetChecks, valueAt } from "../../apps/gate/src/condition";
import type { KubernetesObject } from "../../constructs/kubernetes-object";
import { readinessTarget } from "../../constructs/resources/readiness";
import { resourceKey, type ExpectedPipeline, type ExpectedRelease } from "./expected";
import type { Observation, ObservedPod } from "./observe";

export type State = "ready" | "progressing" | "failed" | "missing";

export interface View {
  readonly lines: readonly string[];
  readonly allReady: boolean;
}

/** SparkApplication end states of a failed run (spark-operator api/v1beta2 ApplicationStateType). */
const sparkFailedStates = new Set(["FAILED", "SUBMISSION_FAILED"]);

export function age(since: string | undefined, now: Date): string {
  if (since === undefined) return "";
  const seconds = Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 1000));
  const parts = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const [hours, minutes, rest] = parts as [number, number, number];
  if (hours > 0) return `${hours}h${minutes}m`;
  if (minutes > 0) return `${minutes}m${rest}s`;
  return `${rest}s`;
}

function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/** What the user wants to know about a resource beyond ready or not. */
function details(live: Record<string, unknown>): string[] {
  const kind = text(live.kind);
  if (kind === "Kafka") {
    const listeners = valueAt(live, "status.listeners");
    return (Array.isArray(listeners) ? (listeners as Record<string, unknown>[]) : []).map(
      (listener) => `listener ${text(listener.name)}: ${text(listener.bootstrapServers)}`,
    );
  }
  if (kind === "Cluster") return [`phase: ${text(valueAt(live, "status.phase")) || "(none yet)"}`];
  if (kind === "SparkApplication") {
    const state = text(valueAt(live, "status.applicationState.state")) || "(not submitted)";
    const attempts = Number(valueAt(live, "status.executionAttempts") ?? 0);
    const submissions = Number(valueAt(live, "status.submissionAttempts") ?? 0);
    return [`state ${state}, ${Math.max(0, attempts - 1)} restarts (${attempts} runs, ${submissions} submissions)`];
  }
  if (kind === "K8ssandraCluster") {
    const datacenters = valueAt(live, "status.datacenters");
    return Object.entries(typeof datacenters === "object" && datacenters !== null ? datacenters : {}).map(
      ([name, datacenter]) =>
        `datacenter ${name}: ${text(valueAt(datacenter, "cassandra.cassandraOperatorProgress")) || "(no progress yet)"}`,
    );
  }
  return [];
}

interface Judged {
  readonly state: State;
  readonly line: string;
}

function judgeResource(expected: KubernetesObject, observation: Observation, now: Date): Judged {
  const label = `${expected.kind} ${expected.metadata.namespace ?? ""}/${expected.metadata.name}`;
  const live = observation.resources.get(resourceKey(expected));
  if (!live) return { state: "missing", line: `${label}: missing` };
  const unmet = unmetChecks(live, readinessTarget(live as unknown as KubernetesObject).checks);
  const extra = details(live);
  const sparkState = text(valueAt(live, "status.applicationState.state"));
  const state: State = unmet.length === 0 ? "ready" : sparkFailedStates.has(sparkState) ? "failed" : "progressing";
  const since =
    text(valueAt(live, "status.conditions[type=Ready].lastTransitionTime")) ||
    text(valueAt(live, "metadata.creationTimestamp"));
  const head =
    state === "ready"
      ? "ready"
      : state === "failed"
        ? `FAILED for ${age(since, now)}`
        : `progressing for ${age(since, now)}: ${unmet[0] ?? ""}`;
  return { state, line: [`${label}: ${head}`, ...extra.map((detail) => `  ${detail}`)].join("\n") };
}

function judgeRelease(release: ExpectedRelease, observation: Observation, now: Date): Judged {
  const found = observation.releases.get(`${release.namespace}/${release.name}`);
  const label = `release ${release.name} (${release.namespace})`;
  if (!found) return { state: "missing", line: `${label}: not installed` };
  if (found.status === "deployed") return { state: "ready", line: `${label}: deployed, revision ${found.revision}` };
  const state: State = found.status === "failed" ? "failed" : "progressing";
  return { state, line: `${label}: ${found.status} for ${age(found.since, now)}, revision ${found.revision}` };
}

function judgePod(pod: ObservedPod, now: Date): Judged {
  const ready = pod.phase === "Succeeded" || (pod.phase === "Running" && pod.readyContainers === pod.containers);
  const state: State = ready ? "ready" : pod.phase === "Failed" ? "failed" : "progressing";
  const summary = `${pod.phase}, ${pod.readyContainers}/${pod.containers} ready, ${pod.restarts} restarts`;
  return {
    state,
    line: `pod ${pod.name} [${pod.component}]: ${summary}${ready ? "" : `, for ${age(pod.since, now)}`}`,
  };
}

export function renderView(
  expected: ExpectedPipeline,
  observation: Observation,
  now: Date,
  context: { readonly kubectl: string },
): View {
  const lines: string[] = [`${expected.stack} at ${now.toISOString()}`];
  const judged: Judged[] = [];
  const add = (item: Judged, indent: string): void => {
    judged.push(item);
    lines.push(...item.line.split("\n").map((line) => `${indent}${line}`));
  };
  const layers = [...new Set(expected.releases.map((release) => release.layer))];
  for (const layer of layers) {
    lines.push(`layer ${layer}`);
    for (const release of expected.releases.filter((candidate) => candidate.layer === layer)) {
      add(judgeRelease(release, observation, now), "  ");
      for (const object of release.resources) add(judgeResource(object, observation, now), "    ");
    }
  }
  if (expected.airflow) {
    lines.push(`Airflow pods (${expected.airflow.namespace})`);
    if (observation.airflowPods.length === 0) add({ state: "missing", line: "no pods yet" }, "  ");
    for (const pod of observation.airflowPods) add(judgePod(pod, now), "  ");
  }
  if (expected.userInterfaces.length > 0) {
    lines.push("UIs (kubectl prints the local port it picks)");
    for (const ui of expected.userInterfaces)
      lines.push(`  ${ui.name}: ${context.kubectl} -n ${ui.namespace} port-forward svc/${ui.service} :${ui.port}`);
  }
  const count = (state: State): number => judged.filter((item) => item.state === state).length;
  const ready = count("ready");
  lines.push(
    `summary: ${ready} of ${judged.length} ready, ${count("progressing")} progressing, ${count("failed")} failed, ${count("missing")} missing`,
  );
  return { lines, allReady: ready === judged.length };
}
