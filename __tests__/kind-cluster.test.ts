import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadConfig } from "../config/load";
import { charts, kubernetesSupport } from "../config/versions";
import { stackName } from "../config/naming";
import { schemaDirectory } from "../validation/schema-directory";

interface KindCluster {
  name: string;
  nodes: { image?: string; extraPortMappings: { containerPort: number; hostPort: number }[] }[];
}

const pinnedNodeImage = /^kindest\/node:v(\d+)\.(\d+)\.(\d+)@sha256:[0-9a-f]{64}$/;

/** Whether Kubernetes major.minor `version` is at least `minimum` (both "1.30"-style). */
function atLeast(version: string, minimum: string): boolean {
  const [major, minor] = version.split(".").map(Number);
  const [minimumMajor, minimumMinor] = minimum.split(".").map(Number);
  return major > minimumMajor || (major === minimumMajor && minor >= minimumMinor);
}

/** The major.minor of a Helm kubeVersion lower bound such as ">=1.29.0-0" or ">= 1.22.0-0". */
function kubeVersionMinimum(constraint: string): string {
  const match = /^\s*>=\s*v?(\d+)\.(\d+)/.exec(constraint);
  if (!match) throw new Error(`kubeVersion "${constraint}" is not a ">=" lower bound this test can read`);
  return `${match[1]}.${match[2]}`;
}

const cluster = parse(readFileSync(join(__dirname, "..", "kind", "cluster.yaml"), "utf8")) as KindCluster;
const config = loadConfig({});

describe("kind/cluster.yaml", () => {
  it("maps exactly the node ports the kind profile exposes", () => {
    const mapped = cluster.nodes.flatMap((node) => node.extraPortMappings.map((m) => m.containerPort)).sort();
    expect(mapped).toEqual(Object.values(config.expose.nodePorts).sort());
  });

  it("pins every node image by Kubernetes version and digest", () => {
    for (const node of cluster.nodes) expect(node.image).toMatch(pinnedNodeImage);
  });

  it("runs a Kubernetes inside every chart's recorded support range", () => {
    const ranges = Object.entries(kubernetesSupport);
    expect(ranges.length).toBeGreaterThan(0);
    for (const node of cluster.nodes) {
      const [, major, minor] = pinnedNodeImage.exec(node.image ?? "") ?? [];
      const version = `${major}.${minor}`;
      for (const [chart, range] of ranges) {
        const supported =
          range !== undefined &&
          atLeast(version, range.minimum) &&
          (range.maximum === undefined || atLeast(range.maximum, version));
        expect({ chart, version, range, supported }).toEqual({ chart, version, range, supported: true });
      }
    }
  });

  it("records at least the minimum each pinned Chart.yaml declares as kubeVersion", () => {
    const directory = schemaDirectory();
    const declared: string[] = [];
    for (const [key, chart] of Object.entries(charts)) {
      const file = join(directory, chart.referenceFolder, "Chart.yaml");
      if (!existsSync(file)) continue;
      const { kubeVersion } = parse(readFileSync(file, "utf8")) as { kubeVersion?: string };
      if (kubeVersion === undefined) continue;
      declared.push(key);
      const recorded = kubernetesSupport[key as keyof typeof charts]?.minimum ?? "0.0";
      expect({ chart: key, kubeVersion, recorded, covers: atLeast(recorded, kubeVersionMinimum(kubeVersion)) }).toEqual(
        {
          chart: key,
          kubeVersion,
          recorded,
          covers: true,
        },
      );
    }
    expect(declared).toEqual(expect.arrayContaining(["cloudnativePg", "certManager"]));
  });

  it("the version check refuses a Kubernetes below a minimum", () => {
    expect(atLeast("1.29", "1.30")).toBe(false);
    expect(atLeast("1.30", "1.30")).toBe(true);
    expect(atLeast("2.0", "1.30")).toBe(true);
    expect(kubeVersionMinimum(">=1.29.0-0")).toBe("1.29");
    expect("kindest/node:v1.36.1").not.toMatch(pinnedNodeImage);
  });

  it("creates the context the kind profile's providers use", () => {
    expect(`kind-${cluster.name}`).toBe(config.cluster.context);
    expect(stackName(config)).toBe("streamstack-kind");
  });
});
