/** One profile's policy analysis end to end, and its flow matrix as text (`npm run netpol`, the analysis test). */
import { deriveNaming } from "../../config/naming";
import { loadConfig } from "../../config/load";
import type { Flow, Peer } from "../../constructs/connections";
import {
  analyze,
  sampleVerdicts,
  unexplainedConnections,
  verdicts,
  type FlowVerdict,
  type SampleVerdict,
} from "./netpol-analysis";
import { analysisInput, type AnalysisInput } from "./netpol-input";
import { deniedSamples } from "./netpol-samples";

export interface ProfileAnalysis {
  readonly input: AnalysisInput;
  readonly flows: readonly FlowVerdict[];
  readonly samples: readonly SampleVerdict[];
  /** Connections between workloads that the policies allow and no flow explains. */
  readonly unexplained: readonly string[];
  /** Peers named after one of our local releases but matched by no workload it renders (labels that drifted). */
  readonly unrenderedLocalPeers: readonly string[];
}

export function analyzeProfile(profile: "kind" | "cloud", helm: string, analyzer: string): ProfileAnalysis {
  const input = analysisInput(profile, helm);
  const connectivity = analyze(input, analyzer);
  const config = loadConfig({ profile, overrides: {} });
  const naming = deriveNaming(config);
  const local = new Set(input.localReleases);
  const unrenderedLocalPeers = [
    ...new Set(
      input.flows
        .flatMap((flow) => [flow.from, flow.to])
        .filter((peer) => peer.kind === "pods" && local.has(peer.name))
        .filter((peer) =>
          input.workloads.every(
            (workload) =>
              peer.kind !== "pods" ||
              workload.release === undefined ||
              workload.namespace !== peer.namespace ||
              !Object.entries(peer.labels).every(([key, value]) => workload.labels[key] === value),
          ),
        )
        .map((peer) => describe(peer)),
    ),
  ];
  return {
    input,
    flows: verdicts(input, connectivity),
    samples: sampleVerdicts(input, connectivity, deniedSamples(naming, config.schemaRegistry.readOnlyFront.enabled)),
    unexplained: unexplainedConnections(input, connectivity),
    unrenderedLocalPeers,
  };
}

function describe(peer: Peer): string {
  return peer.kind === "pods" ? `${peer.namespace}/${peer.name}` : peer.kind;
}

function flowLine(flow: Flow): string {
  return `${describe(flow.from)} -> ${describe(flow.to)} ${flow.protocol ?? "TCP"}/${flow.port}  (${flow.purpose})`;
}

/** The flow matrix: every flow with its verdict, then the denied samples with theirs. */
export function formatAnalysis(analysis: ProfileAnalysis): string {
  const { input } = analysis;
  const stubs = input.workloads.filter((workload) => workload.release === undefined).length;
  const lines = [
    `profile ${input.profile}: ${input.workloads.length} workloads (${stubs} stubs of operator-created pods), ` +
      `${analysis.flows.length} flows`,
    "",
    "wired flows (allowed?):",
    ...analysis.flows.map((verdict) =>
      verdict.denied.length === 0
        ? `  allowed  ${flowLine(verdict.flow)}`
        : `  DENIED   ${flowLine(verdict.flow)}\n             ${verdict.denied.join("\n             ")}`,
    ),
    "",
    "unwired samples (denied?):",
    ...analysis.samples.map((verdict) =>
      verdict.allowed.length === 0
        ? `  denied   ${verdict.sample.description}`
        : `  ALLOWED  ${verdict.sample.description}\n             ${verdict.allowed.join("\n             ")}`,
    ),
    "",
    `connections no flow explains: ${analysis.unexplained.length === 0 ? "none" : analysis.unexplained.join("; ")}`,
    `graph peers named after our releases that their rendered pods do not match: ${
      analysis.unrenderedLocalPeers.length === 0 ? "none" : analysis.unrenderedLocalPeers.join(", ")
    }`,
  ];
  return lines.join("\n");
}
