/**
 * Runs np-guard's netpol-analyzer (tools/netpol, built by tools/build.sh) over an analysis input and answers, for
 * each flow of the connection graph, whether the policies allow it, and for the denied samples, that they do not.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedTool } from "./cache-directory";
import { workloadsOf, type AnalysisInput, type AnalyzedWorkload, type PodsPeer } from "./netpol-input";
import type { Flow, Peer } from "../../constructs/connections";
import { clusterDns, kubernetesApi } from "../../constructs/resources/cluster-peers";

/** The analyzer tools/build.sh caches (or STREAMSTACK_NETPOL_ANALYZER), if present. */
export function netpolAnalyzerBinary(): string | undefined {
  const binary = cachedTool("STREAMSTACK_NETPOL_ANALYZER", ["bin", "netpol-analyzer"]);
  return existsSync(binary) ? binary : undefined;
}

/** Addresses standing for the non-pod peers: a kind control-plane node's, and a documentation (TEST-NET-3) one. */
export const sampleAddresses = { apiServer: "172.18.0.2", outside: "203.0.113.10" } as const;

type WorkloadConnection =
  | { readonly src: string; readonly dst: string; readonly protocol: "all"; readonly port?: undefined }
  | { readonly src: string; readonly dst: string; readonly protocol: Protocol; readonly port: number };

interface Connection {
  readonly src: string;
  readonly dst: string;
  readonly conn: string;
}

type Protocol = "TCP" | "UDP";

/** One side of a connection as the analyzer names it: a workload "ns/name[Kind]" or an address range "a-b,c-d". */
type End = { readonly workload: AnalyzedWorkload } | { readonly address: string };

export interface Connectivity {
  allows(from: End, to: End, protocol: Protocol, port: number): boolean;
  /** Every allowed connection between two workloads, for the check that nothing beyond the graph is open. */
  readonly workloadConnections: readonly WorkloadConnection[];
}

export function workloadId(workload: AnalyzedWorkload): string {
  return `${workload.namespace}/${workload.name}[${workload.kind}]`;
}

function addressNumber(address: string): number {
  return address.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
}

function rangeHolds(ranges: string, address: string): boolean {
  const wanted = addressNumber(address);
  return ranges.split(",").some((range) => {
    const [low, high = low] = range.split("-");
    return /^\d+\.\d+\.\d+\.\d+$/.test(low) && addressNumber(low) <= wanted && wanted <= addressNumber(high);
  });
}

/** "All Connections", or "TCP 80,443,9000-9010;UDP 53" style lists (protocols separated by ";" or ","). */
function connectionHolds(conn: string, protocol: Protocol, port: number): boolean {
  if (conn === "All Connections") return true;
  for (const match of conn.matchAll(/(TCP|UDP|SCTP) ([\d,-]+)/g)) {
    if (match[1] !== protocol) continue;
    for (const part of match[2].split(",").filter(Boolean)) {
      const [low, high = low] = part.split("-").map(Number);
      if (low <= port && port <= high) return true;
    }
  }
  return false;
}

function endMatches(end: End, side: string): boolean {
  return "workload" in end ? side === workloadId(end.workload) : rangeHolds(side, end.address);
}

/** Runs `netpol-analyzer list` over the input; the analyzer's version is the pin in tools/netpol/go.mod. */
export function analyze(input: AnalysisInput, binary: string): Connectivity {
  const scratch = mkdtempSync(join(tmpdir(), "netpol-analysis-"));
  try {
    writeFileSync(join(scratch, `${input.profile}.yaml`), input.yaml);
    // Not --fail: v1.4.4 then reports "Error getting resourceInfos from dir path: <nil>" and lists nothing. Any
    // message (an object it could not read, a policy it skipped) fails the analysis instead.
    const result = spawnSync(binary, ["list", "--dirpath", scratch, "-o", "json"], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0 || result.stderr.trim() !== "") {
      throw new Error(`netpol-analyzer list (exit ${result.status}): ${result.stderr}`);
    }
    const connections = JSON.parse(result.stdout) as Connection[];
    const isWorkload = (side: string) => side.endsWith("]");
    return {
      allows: (from, to, protocol, port) =>
        connections.some(
          (c) => endMatches(from, c.src) && endMatches(to, c.dst) && connectionHolds(c.conn, protocol, port),
        ),
      workloadConnections: connections
        .filter((c) => isWorkload(c.src) && isWorkload(c.dst))
        .flatMap((c): WorkloadConnection[] => {
          if (c.conn === "All Connections") return [{ src: c.src, dst: c.dst, protocol: "all" as const }];
          return [...c.conn.matchAll(/(TCP|UDP|SCTP) ([\d,-]+)/g)].flatMap((match) =>
            match[2]
              .split(",")
              .filter(Boolean)
              .flatMap((part) => {
                const [low, high = low] = part.split("-").map(Number);
                return Array.from({ length: high - low + 1 }, (_, offset) => ({
                  src: c.src,
                  dst: c.dst,
                  protocol: match[1] as Protocol,
                  port: low + offset,
                }));
              }),
          );
        }),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The analyzer ends standing for a peer: its workloads, or a sample address. */
function ends(peer: Peer, input: AnalysisInput): End[] {
  switch (peer.kind) {
    case "pods":
      return workloadsOf(peer, input.workloads).map((workload) => ({ workload }));
    case "dns":
      return input.workloads
        .filter((workload) => workload.namespace === "kube-system" && workload.name === "stub-coredns")
        .map((workload) => ({ workload }));
    case "kube-apiserver":
      return [{ address: sampleAddresses.apiServer }];
    case "internet":
      return [{ address: sampleAddresses.outside }];
  }
}

export interface FlowVerdict {
  readonly flow: Flow;
  /** Each (source, destination, port) the flow stands for that the policies deny; empty when fully allowed. */
  readonly denied: readonly string[];
}

function describeEnd(end: End): string {
  return "workload" in end ? workloadId(end.workload) : end.address;
}

/** For every flow: each pair of its ends, on each port it means (the API server's endpoint ports), allowed? */
export function verdicts(input: AnalysisInput, connectivity: Connectivity): FlowVerdict[] {
  return input.flows.map((flow) => {
    const protocol = flow.protocol ?? "TCP";
    const portsMeant: readonly number[] = flow.to.kind === "kube-apiserver" ? kubernetesApi.endpointPorts : [flow.port];
    const sources = ends(flow.from, input);
    const destinations = ends(flow.to, input);
    const denied: string[] = [];
    if (sources.length === 0 || destinations.length === 0) denied.push("no workload carries the flow's labels");
    for (const from of sources) {
      for (const to of destinations) {
        // A pod's connections to itself never pass a policy; peers that talk among themselves have two stubs.
        if (describeEnd(from) === describeEnd(to)) continue;
        for (const port of portsMeant) {
          if (!connectivity.allows(from, to, protocol, port)) {
            denied.push(`${describeEnd(from)} -> ${describeEnd(to)} ${protocol} ${port}`);
          }
        }
      }
    }
    return { flow, denied };
  });
}

/** Allowed connections between workloads that no flow of the graph explains (should be none). */
export function unexplainedConnections(input: AnalysisInput, connectivity: Connectivity): string[] {
  const byId = new Map(input.workloads.map((workload) => [workloadId(workload), workload]));
  const dns: PodsPeer = { kind: "pods", name: "coredns", namespace: clusterDns.namespace, labels: clusterDns.labels };
  const explains = (flow: Flow, src: AnalyzedWorkload, dst: AnalyzedWorkload, protocol: string, port?: number) =>
    flow.from.kind === "pods" &&
    (flow.to.kind === "pods" || flow.to.kind === "dns") &&
    workloadsOf(flow.from, [src]).length > 0 &&
    workloadsOf(flow.to.kind === "dns" ? dns : flow.to, [dst]).length > 0 &&
    (flow.protocol ?? "TCP") === protocol &&
    flow.port === port;
  return connectivity.workloadConnections
    .filter((connection) => {
      const src = byId.get(connection.src);
      const dst = byId.get(connection.dst);
      if (!src || !dst) return true;
      return !input.flows.some((flow) => explains(flow, src, dst, connection.protocol, connection.port));
    })
    .map((c) => `${c.src} -> ${c.dst} ${c.protocol}${c.port === undefined ? "" : ` ${c.port}`}`);
}

export interface DeniedSample {
  readonly description: string;
  /** The source; every workload (less `except`) when left out. */
  readonly from?: PodsPeer;
  readonly to: PodsPeer | undefined;
  readonly port?: number;
  /** Sources to leave out (the service's own pods and the clients wired to it). */
  readonly except?: readonly PodsPeer[];
}

export interface SampleVerdict {
  readonly sample: DeniedSample;
  /** Connections the policies allow although the sample says they must not; empty when denied. */
  readonly allowed: readonly string[];
}

/** Checks a sample of unwired flows: every pair of the sample's ends, on its port or on any port. */
export function sampleVerdicts(
  input: AnalysisInput,
  connectivity: Connectivity,
  samples: readonly DeniedSample[],
): SampleVerdict[] {
  return samples.map((sample) => {
    if (!sample.to) return { sample, allowed: [`${sample.description}: no such destination in the graph`] };
    const destinations = workloadsOf(sample.to, input.workloads).map(workloadId);
    const excluded = new Set(
      (sample.except ?? []).flatMap((peer) => workloadsOf(peer, input.workloads)).map(workloadId),
    );
    const sources = sample.from
      ? workloadsOf(sample.from, input.workloads).map(workloadId)
      : input.workloads.map(workloadId).filter((id) => !excluded.has(id));
    const allowed = connectivity.workloadConnections
      .filter((c) => sources.includes(c.src) && destinations.includes(c.dst))
      .filter((c) => sample.port === undefined || c.protocol === "all" || c.port === sample.port)
      .map((c) => `${c.src} -> ${c.dst} ${c.protocol}${c.port === undefined ? "" : ` ${c.port}`}`);
    if (destinations.length === 0) allowed.push(`${sample.description}: no workload is the destination`);
    if (sources.length === 0) allowed.push(`${sample.description}: no workload is the source`);
    return { sample, allowed };
  });
}
