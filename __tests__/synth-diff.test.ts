import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFlags, UsageError } from "../scripts/diff-synth";
import { localChartsByAssetHash } from "../scripts/lib/local-charts";
import { diffStacks, isEmptyDiff, type SynthSide } from "../scripts/lib/synth-diff";
import { renderDiff } from "../scripts/lib/synth-diff-render";

// Digests were computed apart from this code (Python hashlib). Small stacks on a charts folder of their own: two local charts (node-app, manifests) and one upstream chart.
const charts = mkdtempSync(join(tmpdir(), "synth-diff-charts-"));
for (const chart of ["node-app", "manifests"]) {
  mkdirSync(join(charts, chart), { recursive: true });
  writeFileSync(join(charts, chart, "Chart.yaml"), `apiVersion: v2\nname: ${chart}\nversion: 0.1.0\n`);
}
afterAll(() => rmSync(charts, { recursive: true, force: true }));

function asset(chart: string): string {
  const hash = [...localChartsByAssetHash(charts)].find(([, name]) => name === chart)?.[0];
  if (!hash) throw new Error(`no asset hash for ${chart}`);
  return `assets/${chart}_chart_0123ABCD/${hash}`;
}

interface Fixture {
  readonly operatorVersion?: string;
  readonly operatorTag?: string;
  readonly producerCpu?: string;
  readonly partitions?: number;
  readonly script?: string;
  readonly dashboard?: boolean;
}

function stack(fixture: Fixture = {}): SynthSide {
  const release = (name: string, resource: Record<string, unknown>) => ({
    [`${name.replace(/-/g, "_")}_release_0123ABCD`]: { name, namespace: "streaming", wait: true, ...resource },
  });
  const topic = {
    apiVersion: "kafka.strimzi.io/v1beta2",
    kind: "KafkaTopic",
    metadata: { name: "users-created", namespace: "kafka" },
    spec: { partitions: fixture.partitions ?? 3, replicas: 1 },
  };
  const appValues = (cpu: string) =>
    JSON.stringify({ replicas: 1, resources: { cpu, memory: "256Mi" }, script: fixture.script ?? "short" });
  return {
    chartsDirectory: charts,
    json: {
      terraform: { backend: { local: { path: "terraform.tfstate" } } },
      resource: {
        helm_release: {
          ...release("strimzi", {
            chart: "strimzi-kafka-operator",
            repository: "oci://example.invalid/strimzi",
            version: fixture.operatorVersion ?? "0.45.1",
            values: [JSON.stringify({ image: { tag: fixture.operatorTag ?? "0.45.1" }, watchAnyNamespace: false })],
          }),
          ...release("kafka-resources", {
            chart: asset("manifests"),
            values: [JSON.stringify({ resources: [topic] })],
          }),
          ...release("producer", { chart: asset("node-app"), values: [appValues(fixture.producerCpu ?? "200m")] }),
          ...(fixture.dashboard ? release("dashboard", { chart: asset("node-app"), values: [appValues("100m")] }) : {}),
        },
      },
    },
  };
}

describe("diffStacks", () => {
  it("finds nothing between equal stacks", () => {
    expect(isEmptyDiff(diffStacks(stack(), stack()))).toBe(true);
  });

  it("lists a release that came, with its chart and namespace, and does not spell out its values", () => {
    const diff = diffStacks(stack(), stack({ dashboard: true }));
    expect(diff.releasesAdded).toEqual([{ name: "dashboard", namespace: "streaming", chart: "local:node-app" }]);
    expect(diff.releasesRemoved).toEqual([]);
    expect(diff.values).toEqual([]);
    expect(diffStacks(stack({ dashboard: true }), stack()).releasesRemoved.map((release) => release.name)).toEqual([
      "dashboard",
    ]);
  });

  it("puts chart versions and image tags apart from other values", () => {
    const diff = diffStacks(stack(), stack({ operatorVersion: "0.45.2", operatorTag: "0.45.2" }));
    expect(diff.versions.map((change) => change.line)).toEqual([
      '~ release strimzi values.image.tag: "0.45.1" → "0.45.2"',
      '~ release strimzi version: "0.45.1" → "0.45.2"',
    ]);
    expect(diff.values).toEqual([]);
  });

  it("shows a changed value old → new under its release, a large string as digests", () => {
    const diff = diffStacks(stack({ script: "a".repeat(300) }), stack({ script: "b".repeat(300) }));
    expect(diff.values.map((group) => [group.block, group.changes.map((change) => change.line)])).toEqual([
      [
        "release producer",
        ['~ release producer values.script: "sha256:9835fa6bf4e2 (300 bytes)" → "sha256:dccc1450d6fc (300 bytes)"'],
      ],
    ]);
  });

  it("shows a carried custom resource's change field by field, under the release that carries it", () => {
    const diff = diffStacks(stack(), stack({ partitions: 6 }));
    expect(diff.objects).toEqual([
      {
        block: "release kafka-resources › object KafkaTopic/kafka/users-created",
        changes: [expect.objectContaining({ sign: "~", path: "spec.partitions", before: "3", after: "6" })],
      },
    ]);
    expect(diff.values).toEqual([]);
  });

  it("gives requests before and after per workload and in total", () => {
    const diff = diffStacks(stack(), stack({ producerCpu: "250m", dashboard: true }));
    if ("error" in diff.requests) throw new Error(diff.requests.error);
    expect(diff.requests.workloads).toEqual([
      {
        release: "producer",
        workload: "deployment",
        before: { pods: 1, cpuMillicores: 200, memoryMi: 256 },
        after: { pods: 1, cpuMillicores: 250, memoryMi: 256 },
      },
      { release: "dashboard", workload: "deployment", after: { pods: 1, cpuMillicores: 100, memoryMi: 256 } },
    ]);
    expect(diff.requests.totalAfter.cpuMillicores - diff.requests.totalBefore.cpuMillicores).toBe(150);
    expect(diff.requests.totalAfter.pods - diff.requests.totalBefore.pods).toBe(1);
  });
});

describe("renderDiff", () => {
  const header = { base: "HEAD~1 (abc1234 before)", head: "this working tree" };
  const changed = diffStacks(stack(), stack({ producerCpu: "250m", partitions: 6 }));

  it("writes text a terminal reader scans: parts with their titles, the requests as a table and a total", () => {
    const text = renderDiff("text", header, [{ label: "kind profile, zookeeper mode", diff: changed }]);
    expect(text).toContain("== kind profile, zookeeper mode ==\n");
    expect(text).toContain(
      "Custom resources and other carried objects:\n  ~ release kafka-resources › object KafkaTopic/kafka/users-created\n      ~ spec.partitions: 3 → 6\n",
    );
    expect(text).toMatch(/ {2}producer +deployment +1 × 200m \/ 256Mi +1 × 250m \/ 256Mi\n/);
    expect(text).toMatch(/total: \d+ pods, \d+m \/ \d+Mi → \d+ pods, \d+m \/ \d+Mi \(\+50m CPU, \+0Mi\)/);
  });

  it("writes Markdown for a pull-request comment: diff blocks and a table, entries with the same diff once", () => {
    const markdown = renderDiff("markdown", header, [
      { label: "kind profile, zookeeper mode", diff: changed },
      { label: "kind profile, kraft mode", diff: changed },
      { label: "cloud profile, zookeeper mode", diff: diffStacks(stack(), stack()) },
    ]);
    expect(markdown).toContain("### kind profile, zookeeper mode · kind profile, kraft mode\n");
    expect(markdown).toContain("### cloud profile, zookeeper mode\n\nNo change.\n");
    expect(markdown).toContain("```diff\n~ release kafka-resources › object KafkaTopic/kafka/users-created\n");
    expect(markdown).toContain("| producer | deployment | 1 × 200m / 256Mi | 1 × 250m / 256Mi |\n");
  });
});

describe("parseFlags", () => {
  it("reads every flag, with its value after a space or an equals sign", () => {
    expect(parseFlags(["--base", "HEAD~1", "--format=markdown", "--profile", "cloud"])).toEqual({
      base: "HEAD~1",
      format: "markdown",
      entries: [
        { profile: "cloud", mode: "zookeeper" },
        { profile: "cloud", mode: "kraft" },
      ],
    });
    expect(parseFlags(["--base", "a", "--head", "b", "--mode", "kraft"]).entries).toHaveLength(2);
  });

  it.each([
    [["--base", "HEAD~1", "--colour"], "unknown flag --colour"],
    [["--format", "markdown"], "--base is required"],
    [["--base"], "--base needs a value"],
    [["--base", "--format", "text"], "--base needs a value"],
    [["--base", "a", "--format", "html"], '--format expects one of text, markdown, got "html"'],
    [["--base", "a", "--profile", "aws"], '--profile expects one of kind, cloud, got "aws"'],
    [["--base", "a", "--base", "b"], "--base is given twice"],
  ])("refuses %j, naming the flag", (args, message) => {
    expect(() => parseFlags(args)).toThrow(UsageError);
    expect(() => parseFlags(args)).toThrow(message);
  });
});
