import { existsSync } from "node:fs";
import { join } from "node:path";
import { charts } from "../config/versions";
import { chartsDirectory } from "../constructs/chart-release";
import { CrdValidator } from "../validation/crd-validator";
import { isCoreKind, validateCoreObject } from "../validation/core-validator";
import { validateChartValues, validateLocalChartValues } from "../validation/chart-values-validator";
import { schemaDirectory } from "../validation/schema-directory";
import { profileModeMatrix, synthesizeMatrixEntry } from "./support/synth";

const directory = schemaDirectory();
const crds = CrdValidator.fromSchemaDirectory(directory);

// Every API group the stack emits has pinned CRDs (cert-manager's since 1.21.1 was pinned with its CRDs).
const groupsWithoutPinnedCrds = new Set<string>();

function group(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

describe.each(profileModeMatrix)("objects of the $profile profile in $mode mode", (entry) => {
  const stack = synthesizeMatrixEntry(entry);

  it("validate: custom resources against the pinned CRDs, built-in kinds against Kubernetes schemas", () => {
    const problems: string[] = [];
    const unpinned = new Set<string>();
    for (const { object } of stack.manifestObjects) {
      if (isCoreKind(object.apiVersion, object.kind)) {
        const problem = validateCoreObject(object);
        if (problem) problems.push(`${problem.object}: ${problem.errors.join("; ")}`);
      } else if (crds.knows(object.apiVersion, object.kind)) {
        const problem = crds.validate(object);
        if (problem) problems.push(`${problem.object}: ${problem.errors.join("; ")}`);
      } else {
        unpinned.add(group(object.apiVersion));
      }
    }
    expect(problems).toEqual([]);
    expect([...unpinned].filter((apiGroup) => !groupsWithoutPinnedCrds.has(apiGroup))).toEqual([]);
  });

  it("sets only values the upstream charts have", () => {
    const checked: string[] = [];
    for (const release of stack.releases.filter((r) => !r.local)) {
      const pinned = Object.values(charts).find((chart) => chart.chart === release.chart && chart.version === release.version);
      expect(pinned).toBeDefined();
      if (!pinned || !existsSync(join(directory, pinned.referenceFolder))) continue;
      const check = validateChartValues(join(directory, pinned.referenceFolder), release.values);
      expect({ release: release.name, problems: check.problems }).toEqual({ release: release.name, problems: [] });
      checked.push(release.name);
    }
    // Every upstream chart has pinned reference data, Airflow's included (its values schema).
    const unchecked = stack.releases.filter((r) => !r.local && !checked.includes(r.name)).map((r) => r.name);
    expect(unchecked).toEqual([]);
  });

  it("passes our own charts values their values.schema.json accepts", () => {
    for (const release of stack.releases.filter((r) => r.local)) {
      const chartName = release.chart.split("/")[1].replace(/_.*$/, "");
      const chart = ["schema-registry", "control-center"].includes(chartName)
        ? chartName
        : Array.isArray(release.values.resources)
          ? "manifests"
          : "node-app";
      expect({ release: release.name, problems: validateLocalChartValues(join(chartsDirectory, chart), release.values) }).toEqual({
        release: release.name,
        problems: [],
      });
    }
  });
});

describe("the validators reject broken objects", () => {
  const stack = synthesizeMatrixEntry(profileModeMatrix[0]);
  const find = (kind: string) => {
    const found = stack.manifestObjects.find(({ object }) => object.kind === kind);
    if (!found) throw new Error(`no ${kind} in the stack`);
    return structuredClone(found.object) as Record<string, unknown> & { apiVersion: string; kind: string };
  };

  it("a Kafka with a misspelt field", () => {
    const kafka = find("Kafka") as { apiVersion: string; kind: string; spec: { kafka: Record<string, unknown> } };
    kafka.spec.kafka.replica = 3;
    expect(crds.validate(kafka)?.errors.join()).toMatch(/must NOT have additional properties 'replica'/);
  });

  it("a KafkaTopic with partitions of the wrong type", () => {
    const topic = find("KafkaTopic") as { apiVersion: string; kind: string; spec: Record<string, unknown> };
    topic.spec.partitions = "three";
    expect(crds.validate(topic)?.errors.join()).toMatch(/partitions must be integer/);
  });

  it("a SparkApplication without its required main file", () => {
    const application = find("SparkApplication") as { apiVersion: string; kind: string; spec: Record<string, unknown> };
    delete application.spec.mainApplicationFile;
    expect(crds.validate(application)?.errors.join()).toMatch(/mainApplicationFile/);
  });

  it("a K8ssandraCluster with a datacenter lacking its size", () => {
    const cluster = find("K8ssandraCluster") as { apiVersion: string; kind: string; spec: { cassandra: { datacenters: Record<string, unknown>[] } } };
    delete cluster.spec.cassandra.datacenters[0].size;
    expect(crds.validate(cluster)?.errors.join()).toMatch(/size/);
  });

  it("a Job whose container image is not a string", () => {
    const job = find("Job") as { apiVersion: string; kind: string; spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    job.spec.template.spec.containers[0].image = 42;
    expect(validateCoreObject(job)?.errors.join()).toMatch(/image must be string/);
  });

  it("an unknown custom resource kind", () => {
    expect(() => crds.validate({ apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaBridgeTypo" })).toThrow(/no pinned CRD/);
  });

  it("chart values with a key the chart does not have (defaults tree) or its schema forbids", () => {
    const strimzi = validateChartValues(join(directory, charts.strimziZookeeper.referenceFolder), { watchNamespace: ["x"] });
    expect(strimzi).toEqual({ kind: "defaults", problems: ["watchNamespace: not a value of this chart"], subchartValues: [] });
    const certManager = validateChartValues(join(directory, charts.certManager.referenceFolder), { crds: { enable: true } });
    expect(certManager.kind).toBe("schema");
    expect(certManager.problems.join()).toMatch(/additional properties 'enable'/);
  });

  it("nested unknown keys under known maps, while empty maps stay open", () => {
    const folder = join(directory, charts.sparkOperator.referenceFolder);
    expect(validateChartValues(folder, { controller: { replica: 2 } }).problems).toEqual(["controller.replica: not a value of this chart"]);
    expect(validateChartValues(folder, { commonLabels: { team: "data" } }).problems).toEqual([]);
  });

  it("our chart values that break our schema", () => {
    expect(validateLocalChartValues(join(chartsDirectory, "node-app"), { image: "node" })).not.toEqual([]);
  });
});
