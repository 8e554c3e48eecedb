import { stringify } from "yaml";
import { analyze, netpolAnalyzerBinary, sampleVerdicts, verdicts } from "../scripts/lib/netpol-analysis";
import { analyzeProfile, formatAnalysis, type ProfileAnalysis } from "../scripts/lib/netpol-report";
import { deniedSamples } from "../scripts/lib/netpol-samples";
import { deriveNaming } from "../config/naming";
import { loadConfig } from "../config/load";
import { helmBinary } from "./support/render-local-chart";

// np-guard's netpol-analyzer (tools/netpol, built by tools/build.sh) answers, offline, which pods the synthesized
// NetworkPolicies let talk to which, on which ports; `npm run netpol` prints the same matrix.
const helm = helmBinary();
const analyzer = netpolAnalyzerBinary();
const missing = [helm ? "" : "helm", analyzer ? "" : "netpol-analyzer"].filter(Boolean);
if (missing.length > 0) {
  console.log(`network policy analysis skipped: no ${missing.join(" or ")} in the tool cache (bash tools/build.sh)`);
}

(missing.length > 0 ? describe.skip : describe).each(["kind", "cloud"] as const)("network policies (%s)", (profile) => {
  let analysis: ProfileAnalysis;
  beforeAll(() => {
    analysis = analyzeProfile(profile, helm ?? "", analyzer ?? "");
  }, 120_000);

  it("analyzes a non-trivial graph", () => {
    expect(analysis.flows.length).toBeGreaterThan(50);
    expect(analysis.input.workloads.length).toBeGreaterThan(20);
  });

  it("allows every wired flow, from every pod of its source to every pod of its destination", () => {
    const denied = analysis.flows.filter((verdict) => verdict.denied.length > 0);
    expect(denied.map((verdict) => `${verdict.flow.purpose}: ${verdict.denied.join("; ")}`)).toEqual([]);
  });

  it("denies the unwired samples: producer -> Cassandra, dashboard -> Kafka, others -> PostgreSQL (and, with the read-only front, Schema Registry), producer -> Control Center", () => {
    expect(analysis.samples).toHaveLength(loadConfig({ profile }).schemaRegistry.readOnlyFront.enabled ? 5 : 4);
    expect(analysis.samples.filter((verdict) => verdict.allowed.length > 0).map((verdict) => verdict.allowed)).toEqual(
      [],
    );
  });

  it("allows nothing between workloads that no flow explains, and every peer named after our release matches its pods", () => {
    expect(analysis.unexplained).toEqual([]);
    expect(analysis.unrenderedLocalPeers).toEqual([]);
  });

  it("notices an opened door (negative control): an allow-all policy in the apps namespace lets the producer reach Cassandra", () => {
    const naming = deriveNaming(loadConfig({ profile }));
    const allowAll = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "allow-everything", namespace: naming.namespaces.apps },
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{}] },
    };
    const openCassandra = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "allow-everything", namespace: naming.namespaces.cassandra },
      spec: { podSelector: {}, policyTypes: ["Ingress"], ingress: [{}] },
    };
    const opened = {
      ...analysis.input,
      yaml: `${analysis.input.yaml}---\n${stringify(allowAll)}---\n${stringify(openCassandra)}`,
    };
    const connectivity = analyze(opened, analyzer ?? "");
    const samples = sampleVerdicts(opened, connectivity, deniedSamples(naming, false));
    const producerToCassandra = samples.find((verdict) => verdict.sample.description === "producer -> Cassandra CQL");
    expect(producerToCassandra?.allowed.length).toBeGreaterThan(0);
  });

  it("notices a closed door (negative control): without the apps namespace's policies, the producer's flows are denied", () => {
    const naming = deriveNaming(loadConfig({ profile }));
    const documents = analysis.input.yaml.split(/^---\n/m);
    const kept = documents.filter(
      (document) =>
        !(document.includes("kind: NetworkPolicy") && document.includes(`namespace: ${naming.namespaces.apps}`)) ||
        document.includes("name: default-deny"),
    );
    expect(kept.length).toBeLessThan(documents.length);
    const closed = { ...analysis.input, yaml: kept.join("---\n") };
    const denied = verdicts(closed, analyze(closed, analyzer ?? "")).filter((verdict) => verdict.denied.length > 0);
    expect(denied.map((verdict) => verdict.flow.purpose)).toContain("produce to users_created");
  });

  it("prints the flow matrix", () => {
    const text = formatAnalysis(analysis);
    expect(text).toMatch(new RegExp(`^profile ${profile}: `));
    expect(text).toContain("connections no flow explains: none");
  });
});
