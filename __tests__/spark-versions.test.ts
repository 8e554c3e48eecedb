import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { mebibytes } from "../config/quantities";
import { charts, sparkOperatorImageSpark, sparkOperatorReferenceStandIn, sparkVersions } from "../config/versions";
import { sparkControllerMinimumMemory } from "../constructs/spark";
import { schemaDirectory } from "../validation/schema-directory";
import { profileModeMatrix, synthesize, synthesizeMatrixEntry } from "./support/synth";

function majorMinor(version: string): string {
  const match = /^(\d+)\.(\d+)(?:\.|$)/.exec(version);
  if (!match) throw new Error(`not a version: ${version}`);
  return `${match[1]}.${match[2]}`;
}

/** Every dotted path an object sets, through nested maps; array items share their array's path. */
function setPaths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((item) => setPaths(item, prefix))];
  if (value !== null && typeof value === "object") {
    return [
      prefix,
      ...Object.entries(value).flatMap(([key, inner]) => setPaths(inner, prefix ? `${prefix}.${key}` : key)),
    ];
  }
  return [prefix];
}

/** The set paths that fall on or under one of the fields. */
function pathsUnder(value: unknown, fields: readonly string[]): string[] {
  const paths = [...new Set(setPaths(value))];
  return paths.filter((path) => fields.some((field) => path === field || path.startsWith(`${field}.`)));
}

describe("the Spark operator's Spark line is the job's", () => {
  const operatorSpark = sparkOperatorImageSpark[charts.sparkOperator.version];

  it("the operator image's Spark major.minor equals the job's", () => {
    if (operatorSpark === undefined) {
      throw new Error(
        `sparkOperatorImageSpark (config/versions.ts) has no entry for spark-operator ${charts.sparkOperator.version}: ` +
          "add the Spark version of that release's image (its Dockerfile's ARG SPARK_IMAGE at the tag)",
      );
    }
    expect({ operator: charts.sparkOperator.version, spark: majorMinor(operatorSpark) }).toEqual({
      operator: charts.sparkOperator.version,
      spark: majorMinor(sparkVersions.spark),
    });
  });

  it("the job's image, packages and local PySpark all carry versions.json's Spark and Scala", () => {
    expect(sparkVersions.image).toMatch(
      new RegExp(`:${sparkVersions.spark.replace(/\./g, "\\.")}-scala${sparkVersions.scala}-`),
    );
    for (const coordinate of sparkVersions.packages) {
      const [group, artifact, version] = coordinate.split(":");
      expect({ coordinate, scala: artifact.slice(artifact.lastIndexOf("_") + 1) }).toEqual({
        coordinate,
        scala: sparkVersions.scala,
      });
      // Spark's own modules release with Spark; the Cassandra connector's release line follows Spark's major.minor.
      const expected = group === "org.apache.spark" ? sparkVersions.spark : majorMinor(sparkVersions.spark);
      expect({ coordinate, version: group === "org.apache.spark" ? version : majorMinor(version) }).toEqual({
        coordinate,
        version: expected,
      });
    }
    const requirements = readFileSync(join(__dirname, "..", "apps", "spark-job", "requirements.txt"), "utf8");
    expect(requirements).toMatch(new RegExp(`^pyspark==${sparkVersions.spark.replace(/\./g, "\\.")}$`, "m"));
  });

  it("the check catches an operator on another Spark line", () => {
    expect(majorMinor(sparkOperatorImageSpark["2.5.2"] ?? "")).not.toBe(majorMinor(sparkVersions.spark));
  });
});

describe("the Spark operator's controller has room for spark-submit", () => {
  it.each(["kind", "cloud"] as const)(
    "%s: the controller's memory request and limit are at least the minimum",
    (profile) => {
      const values = synthesize(profile).release("spark-operator").values as {
        controller: { resources: { requests: { memory: string }; limits: { memory: string } } };
      };
      const { requests, limits } = values.controller.resources;
      expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(mebibytes(sparkControllerMinimumMemory));
      expect(requests.memory).toBe(limits.memory);
    },
  );

  it("the minimum is above the chart's example (300Mi) and the measured spark-submit peak (237 MiB)", () => {
    expect(mebibytes(sparkControllerMinimumMemory)).toBeGreaterThan(Math.max(300, 237));
  });
});

describe("chart 2.5.2's reference data stands in for the deployed 2.2.1 only where they agree", () => {
  const directory = schemaDirectory();
  const folder = join(directory, charts.sparkOperator.referenceFolder);
  const standIn = sparkOperatorReferenceStandIn;

  it("names the versions it was derived for", () => {
    expect(standIn.deployedVersion).toBe(charts.sparkOperator.version);
    const chart = parse(readFileSync(join(folder, "Chart.yaml"), "utf8")) as { version: string };
    expect(chart.version).toBe(standIn.referenceVersion);
  });

  it("lists only fields and values the reference really has (the list is not stale)", () => {
    const crd = parse(readFileSync(join(folder, "crds", "sparkoperator.k8s.io_sparkapplications.yaml"), "utf8")) as {
      spec: { versions: { name: string; schema: { openAPIV3Schema: Record<string, unknown> } }[] };
    };
    const schema = crd.spec.versions.find((version) => version.name === "v1beta2")?.schema.openAPIV3Schema;
    for (const field of standIn.sparkApplicationFieldsOnlyInReference) {
      let node: unknown = schema;
      for (const key of field.split(".")) node = (node as { properties?: Record<string, unknown> }).properties?.[key];
      expect({ field, known: node !== undefined }).toEqual({ field, known: true });
    }
    const defaults = parse(readFileSync(join(folder, "chart-values.yaml"), "utf8")) as unknown;
    const known = setPaths(defaults);
    for (const key of standIn.chartValuesOnlyInReference) {
      expect({ key, known: known.includes(key) }).toEqual({ key, known: true });
    }
  });

  it.each(profileModeMatrix)(
    "$profile/$mode: we set no field or value that only the reference version has",
    (entry) => {
      const stack = synthesizeMatrixEntry(entry);
      const applications = stack.manifestObjects.filter(({ object }) => object.kind === "SparkApplication");
      expect(applications.length).toBeGreaterThan(0);
      for (const { object } of applications) {
        expect(pathsUnder(object, standIn.sparkApplicationFieldsOnlyInReference)).toEqual([]);
      }
      expect(pathsUnder(stack.release("spark-operator").values, standIn.chartValuesOnlyInReference)).toEqual([]);
    },
  );

  it("the guard sees such a field when it is set", () => {
    expect(
      pathsUnder({ spec: { suspend: false, type: "Python" } }, standIn.sparkApplicationFieldsOnlyInReference),
    ).toEqual(["spec.suspend"]);
    expect(pathsUnder({ controller: { logEncoder: "json" } }, standIn.chartValuesOnlyInReference)).toEqual([
      "controller.logEncoder",
    ]);
  });
});
