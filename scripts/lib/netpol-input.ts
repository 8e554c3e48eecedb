/**
 * What the network-policy analyzer reads for one synthesized stack: the stack's namespaces, the NetworkPolicies and
 * workloads our charts render (`helm template`, as verify renders them), and, for pods that upstream charts or
 * operators create at run time, stub Pods carrying the labels the graph's selectors name (marked as stubs; the
 * labels are read at the pinned tags, constructs/network-policies.upstream.md). The connection graph comes with it.
 */
import { Testing } from "cdktf";
import { stringify } from "yaml";
import { helmReleases, type JsonObject } from "./synthesized-stack";
import { loadConfig } from "../../config/load";
import { ConnectionGraph, type Flow, type Peer } from "../../constructs/connections";
import { clusterDns } from "../../constructs/resources/cluster-peers";
import { StreamstackStack } from "../../stacks/streamstack-stack";
import { renderLocalRelease } from "../../__tests__/support/render-local-chart";
import { toRelease } from "../../__tests__/support/synth";

export type PodsPeer = Extract<Peer, { kind: "pods" }>;

/** A pod (or a workload's pod template) as the analyzer will see it. */
export interface AnalyzedWorkload {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The local release that rendered it, or undefined for a stub. */
  readonly release?: string;
}

export interface AnalysisInput {
  readonly profile: "kind" | "cloud";
  readonly flows: readonly Flow[];
  /** Names of our local chart releases: a peer named after one must be matched by what it renders. */
  readonly localReleases: readonly string[];
  readonly workloads: readonly AnalyzedWorkload[];
  /** Every document handed to the analyzer, as YAML. */
  readonly yaml: string;
}

export const stubAnnotation = "streamstack.io/analysis-stub";
const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);

export function selects(labels: Readonly<Record<string, string>>, workload: AnalyzedWorkload): boolean {
  return Object.entries(labels).every(([key, value]) => workload.labels[key] === value);
}

export function workloadsOf(peer: PodsPeer, workloads: readonly AnalyzedWorkload[]): AnalyzedWorkload[] {
  return workloads.filter((workload) => workload.namespace === peer.namespace && selects(peer.labels, workload));
}

function podLabels(object: Record<string, unknown>): Record<string, string> {
  const path =
    object.kind === "Pod"
      ? ["metadata"]
      : object.kind === "CronJob"
        ? ["spec", "jobTemplate", "spec", "template", "metadata"]
        : ["spec", "template", "metadata"];
  let node: unknown = object;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return (node as { labels?: Record<string, string> } | undefined)?.labels ?? {};
}

/** Synthesizes the profile's stack, renders our charts with `helm` and adds the stubs. */
export function analysisInput(profile: "kind" | "cloud", helm: string, overrides: unknown = {}): AnalysisInput {
  const config = loadConfig({ profile, overrides });
  const stack = new StreamstackStack(Testing.app(), config);
  const json = JSON.parse(Testing.synth(stack)) as JsonObject;
  const flows = ConnectionGraph.of(stack).flows;
  const releases = helmReleases(json).map(toRelease);
  const local = releases.filter((release) => release.local);

  const documents: Record<string, unknown>[] = [];
  const workloads: AnalyzedWorkload[] = [];
  for (const release of local) {
    for (const object of renderLocalRelease(release, helm)) {
      const metadata = object.metadata as { name: string; namespace: string };
      if (object.kind === "NetworkPolicy") documents.push(object);
      if (!workloadKinds.has(String(object.kind))) continue;
      documents.push(object);
      workloads.push({ kind: String(object.kind), ...metadata, labels: podLabels(object), release: release.name });
    }
  }

  const resources = (json.resource ?? {}) as Record<string, Record<string, { metadata: { name: string } }>>;
  const namespaces = [
    ...Object.values(resources.kubernetes_namespace_v1 ?? {}).map((namespace) => namespace.metadata.name),
    clusterDns.namespace,
  ];
  for (const name of namespaces) {
    documents.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    });
  }

  // Most specific selectors first, so a broad peer ("every Airflow pod") is matched by the stubs of narrower ones.
  const stubbed: PodsPeer[] = [
    { kind: "pods" as const, name: "coredns", namespace: clusterDns.namespace, labels: clusterDns.labels },
    ...flows.flatMap((flow) => [flow.from, flow.to]).filter((peer): peer is PodsPeer => peer.kind === "pods"),
  ].sort((a, b) => Object.keys(b.labels).length - Object.keys(a.labels).length);
  const talksToItself = new Set(
    flows
      .filter((flow) => JSON.stringify(flow.from) === JSON.stringify(flow.to))
      .map((flow) => JSON.stringify(flow.to)),
  );
  for (const peer of stubbed) {
    // Two pods where the peer's pods talk to one another (brokers, nodes, instances), so the analysis sees it.
    const wanted = talksToItself.has(JSON.stringify(peer)) ? 2 : 1;
    const found = workloadsOf(peer, workloads).length;
    if (found >= wanted) continue;
    for (let index = found; index < wanted; index++)
      addStub(peer, wanted > 1 ? `stub-${peer.name}-${index}` : `stub-${peer.name}`);
  }
  function addStub(peer: PodsPeer, name: string): void {
    const stub: AnalyzedWorkload = { kind: "Pod", name, namespace: peer.namespace, labels: peer.labels };
    workloads.push(stub);
    documents.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: stub.name,
        namespace: stub.namespace,
        labels: stub.labels,
        annotations: {
          [stubAnnotation]: "created at run time by an upstream chart or operator; labels as it sets them",
        },
      },
      spec: { containers: [{ name: "stub", image: "stub" }] },
    });
  }
  const yaml = documents.map((document) => stringify(document, { lineWidth: 0 })).join("---\n");
  return { profile, flows, localReleases: local.map((release) => release.name), workloads, yaml };
}
