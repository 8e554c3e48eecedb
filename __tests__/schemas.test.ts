import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { charts } from "../config/versions";
import { chartsDirectory } from "../constructs/charts-directory";
import {
  checkUpstreamValues,
  validateChartValues,
  validateLocalChartValues,
} from "../validation/chart-values-validator";
import type { CrdRegistry } from "../validation/crd-registry";
import { validateObject } from "../validation/object-validator";
import { schemaDirectory } from "../validation/schema-directory";
import { crdFilesOfReleases, folderFor, readUpstreamFolders } from "../validation/upstream-folders";
import { objectLabel } from "../validation/validation-outcome";
import { crdRegistry } from "./support/pinned-crds";
import { localChartDirectory } from "./support/render-local-chart";
import { profileModeMatrix, synthesizeMatrixEntry, type SynthesizedStack } from "./support/synth";

const directory = schemaDirectory();
const folders = readUpstreamFolders(directory);

/**
 * The CRDs `npm run verify` loads for this stack: those of the operator charts it installs (one registry per distinct
 * set of files in this test file, so each definition compiles once).
 */
function stackCrds(stack: SynthesizedStack): CrdRegistry {
  return crdRegistry(
    crdFilesOfReleases(
      folders,
      stack.releases.filter((release) => !release.local),
    ),
    directory,
  );
}

// Every API group the stack emits has pinned CRDs (cert-manager's since 1.21.1 was pinned with its CRDs).
const groupsWithoutPinnedCrds = new Set<string>();

function group(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

describe.each(profileModeMatrix)("objects of the $profile profile in $mode mode", (entry) => {
  const stack = synthesizeMatrixEntry(entry);

  it("validate: custom resources against the pinned CRDs, built-in kinds strictly against Kubernetes schemas", () => {
    const crds = stackCrds(stack);
    const problems: string[] = [];
    const unpinned = new Set<string>();
    for (const { object } of stack.manifestObjects) {
      const outcome = validateObject(object, crds);
      if (!outcome) unpinned.add(group(object.apiVersion));
      else if (!outcome.ok) problems.push(`${objectLabel(object)}: ${outcome.errors.join("; ")}`);
    }
    expect(problems).toEqual([]);
    expect([...unpinned].filter((apiGroup) => !groupsWithoutPinnedCrds.has(apiGroup))).toEqual([]);
  });

  it("sets only values the upstream charts have", () => {
    const checked: string[] = [];
    for (const release of stack.releases.filter((r) => !r.local)) {
      const folder = folderFor(folders, release.chart, release.version);
      expect({ release: release.name, pinned: folder?.hasValues }).toEqual({ release: release.name, pinned: true });
      if (!folder) continue;
      expect({ release: release.name, problems: checkUpstreamValues(folder, release.values) }).toEqual({
        release: release.name,
        problems: [],
      });
      checked.push(release.name);
    }
    // Every upstream chart has pinned reference data, Airflow's included (its values schema).
    const unchecked = stack.releases.filter((r) => !r.local && !checked.includes(r.name)).map((r) => r.name);
    expect(unchecked).toEqual([]);
  });

  it("passes our own charts values their values.schema.json accepts", () => {
    for (const release of stack.releases.filter((r) => r.local)) {
      const chart = localChartDirectory(release);
      if (!chart) throw new Error(`${release.name}: ${release.chart} is not one of charts/*`);
      expect({
        release: release.name,
        problems: validateLocalChartValues(chart, release.values),
      }).toEqual({
        release: release.name,
        problems: [],
      });
    }
  });
});

describe("the validators reject broken objects", () => {
  const stack = synthesizeMatrixEntry(profileModeMatrix[0]);
  const crds = stackCrds(stack);
  type Tree = Record<string, unknown> & { apiVersion: string; kind: string };
  const find = (kind: string): Tree => {
    const found = stack.manifestObjects.find(({ object }) => object.kind === kind);
    if (!found) throw new Error(`no ${kind} in the stack`);
    return structuredClone(found.object);
  };
  /** The errors `npm run verify` reports for an object (validation/object-validator.ts). */
  const errorsOf = (object: Tree): string => {
    const outcome = validateObject(object, crds);
    if (!outcome) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    return outcome.errors.join("\n");
  };
  const at = (tree: unknown, ...path: (string | number)[]): Record<string, unknown> =>
    path.reduce<Record<string, unknown>>(
      (node, key) => node[key] as Record<string, unknown>,
      tree as Record<string, unknown>,
    );

  describe("a custom resource with a misspelt field, against its pinned CRD", () => {
    it("at the top level", () => {
      const kafka = find("Kafka");
      expect(errorsOf(kafka)).toBe("");
      kafka.sepc = {};
      expect(errorsOf(kafka)).toMatch(/: \/ must NOT have additional properties 'sepc'/);
    });
    it("nested", () => {
      const kafka = find("Kafka");
      at(kafka, "spec", "kafka").replica = 3;
      expect(errorsOf(kafka)).toMatch(/: \/spec\/kafka must NOT have additional properties 'replica'/);
    });
    it("inside a list item", () => {
      const kafka = find("Kafka");
      at(kafka, "spec", "kafka", "listeners", 0).tlss = false;
      expect(errorsOf(kafka)).toMatch(/: \/spec\/kafka\/listeners\/0 must NOT have additional properties 'tlss'/);
    });
  });

  describe("a built-in object with a misspelt field, against the Kubernetes schema", () => {
    it("at the top level (a ConfigMap's dataa)", () => {
      const configMap = find("ConfigMap");
      expect(errorsOf(configMap)).toBe("");
      configMap.dataa = { key: "value" };
      expect(errorsOf(configMap)).toBe("/ must NOT have additional properties 'dataa'");
    });
    it("nested (a Job's backoffLimt)", () => {
      const job = find("Job");
      expect(errorsOf(job)).toBe("");
      at(job, "spec").backoffLimt = 1;
      expect(errorsOf(job)).toBe("/spec must NOT have additional properties 'backoffLimt'");
    });
    it("inside a list item (a container, and an env entry in it)", () => {
      const job = find("Job");
      const container = at(job, "spec", "template", "spec", "containers", 0);
      container.imagePullPolicyy = "Always";
      (container.env as Record<string, unknown>[])[0].valeu = "x";
      expect(errorsOf(job).split("\n").sort()).toEqual([
        "/spec/template/spec/containers/0 must NOT have additional properties 'imagePullPolicyy'",
        "/spec/template/spec/containers/0/env/0 must NOT have additional properties 'valeu'",
      ]);
    });
    it("a CustomResourceDefinition as the strimzi-crds release carries it: description and x-kubernetes-* fields are declared", () => {
      const file = folders
        .find((folder) => folder.folder === charts.strimziKraft.referenceFolder)
        ?.crdFiles.find((name) => name.endsWith("Crd-kafkanodepool.yaml"));
      if (!file) throw new Error(`no KafkaNodePool CRD pinned for ${charts.strimziKraft.referenceFolder}`);
      const definition = parse(readFileSync(file, "utf8")) as Tree;
      expect(errorsOf(definition)).toBe("");
      at(definition, "spec").scopee = "Namespaced";
      expect(errorsOf(definition)).toBe("/spec must NOT have additional properties 'scopee'");
    });
    it("while free-form maps (labels, ConfigMap data) take any key", () => {
      const configMap = find("ConfigMap");
      configMap.data = { "any.key": "value", "another-one": "value" };
      at(configMap, "metadata").labels = { "example.com/any": "label" };
      expect(errorsOf(configMap)).toBe("");
    });
  });

  describe("upstream chart values with a misspelt key, as verify checks them", () => {
    const airflow = folderFor(folders, charts.airflow.chart, charts.airflow.version);
    const strimzi = folderFor(folders, charts.strimziZookeeper.chart, charts.strimziZookeeper.version);
    const sparkOperator = folderFor(folders, charts.sparkOperator.chart, charts.sparkOperator.version);
    if (!airflow || !strimzi || !sparkOperator)
      throw new Error("pinned reference folders of Airflow, Strimzi and the Spark operator are missing");
    it("at the top level (values schema and defaults tree)", () => {
      expect(checkUpstreamValues(airflow, { executorr: "KubernetesExecutor" }).join()).toMatch(
        /chart-values.schema.json: \/ must NOT have additional properties 'executorr'/,
      );
      expect(checkUpstreamValues(strimzi, { watchNamespace: ["x"] })).toEqual([
        `${strimzi.folder}/chart-values.yaml: watchNamespace: not a value of this chart`,
      ]);
    });
    it("nested (values schema and defaults tree)", () => {
      expect(checkUpstreamValues(airflow, { workers: { replicaz: 2 } }).join()).toMatch(
        /\/workers must NOT have additional properties 'replicaz'/,
      );
      expect(checkUpstreamValues(sparkOperator, { controller: { replica: 2 } })).toEqual([
        `${sparkOperator.folder}/chart-values.yaml: controller.replica: not a value of this chart`,
      ]);
    });
    it("inside a list item (values schema)", () => {
      expect(checkUpstreamValues(airflow, { env: [{ name: "A", valeu: "1" }] }).join()).toMatch(
        /\/env\/0 must NOT have additional properties 'valeu'/,
      );
    });
    it("while maps the chart leaves empty take any key", () => {
      expect(checkUpstreamValues(sparkOperator, { commonLabels: { team: "data" } })).toEqual([]);
    });
  });

  it("a KafkaTopic with partitions of the wrong type", () => {
    const topic = find("KafkaTopic");
    at(topic, "spec").partitions = "three";
    expect(errorsOf(topic)).toMatch(/partitions must be integer/);
  });

  it("a SparkApplication without its required main file", () => {
    const application = find("SparkApplication");
    delete at(application, "spec").mainApplicationFile;
    expect(errorsOf(application)).toMatch(/mainApplicationFile/);
  });

  it("a K8ssandraCluster with a datacenter lacking its size", () => {
    const cluster = find("K8ssandraCluster");
    delete at(cluster, "spec", "cassandra", "datacenters", 0).size;
    expect(errorsOf(cluster)).toMatch(/size/);
  });

  it("a Job whose container image is not a string", () => {
    const job = find("Job");
    at(job, "spec", "template", "spec", "containers", 0).image = 42;
    expect(errorsOf(job)).toMatch(/image must be string/);
  });

  it("an unknown custom resource kind", () => {
    expect(() => crds.validate({ apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaBridgeTypo" })).toThrow(
      /no pinned CRD/,
    );
  });

  it("chart values its schema forbids (cert-manager)", () => {
    const certManager = validateChartValues(join(directory, charts.certManager.referenceFolder), {
      crds: { enable: true },
    });
    expect(certManager.kind).toBe("schema");
    expect(certManager.problems.join()).toMatch(/additional properties 'enable'/);
  });

  it("our chart values that break our schema", () => {
    expect(validateLocalChartValues(join(chartsDirectory, "node-app"), { image: "node" })).not.toEqual([]);
  });
});

describe("cert-manager objects", () => {
  it("are judged by the pinned cert-manager 1.21.1 CRDs, the same that verify loads", () => {
    const stack = synthesizeMatrixEntry({ profile: "cloud", mode: "kraft" });
    const crds = stackCrds(stack);
    const certManagerObjects = stack.manifestObjects.filter(
      ({ object }) => group(object.apiVersion) === "cert-manager.io",
    );
    expect(certManagerObjects.length).toBeGreaterThan(0);
    for (const { object } of certManagerObjects) {
      const outcome = validateObject(object, crds);
      expect({ object: objectLabel(object), ok: outcome?.ok, schema: outcome?.schema }).toEqual({
        object: objectLabel(object),
        ok: true,
        schema: expect.stringMatching(/^CRD cert-manager-1\.21\.1\/crds\/cert-manager\.io_/),
      });
    }
  });
});
