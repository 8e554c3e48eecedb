import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { charts } from "../config/versions";
import { validateChartValues } from "../validation/chart-values-validator";
import { schemaDirectory } from "../validation/schema-directory";
import { synthesize } from "./support/synth";

/**
 * What we set on the k8ssandra-operator chart 1.32.5 beyond its own values (constructs/cassandra.upstream.md):
 * - `disableCrdUpgraderJob`: templates/crd/batch_job.yaml renders a pre-upgrade hook Job running k8ssandra-client
 *   `helm upgrade --chartRepo k8ssandra`, which downloads the chart from the internet, unless this is true.
 * - `cass-operator.resources`: values Helm hands to the cass-operator subchart (Chart.yaml dependency), whose
 *   deployment template renders `resources: {{ toYaml .Values.resources }}` and defaults to `{}` (BestEffort).
 */
const folder = join(schemaDirectory(), charts.k8ssandraOperator.referenceFolder);
const defaults = parse(readFileSync(join(folder, "chart-values.yaml"), "utf8")) as Record<string, unknown>;

describe.each(["kind", "cloud"] as const)("the k8ssandra-operator release (%s)", (profile) => {
  const stack = synthesize(profile);
  const release = stack.release("k8ssandra-operator");
  const operatorResources = {
    requests: { cpu: stack.config.operatorResources.cpu, memory: stack.config.operatorResources.memory },
    limits: { memory: stack.config.operatorResources.memory },
  };

  it("turns off the CRD upgrader hook, whose default is on", () => {
    expect(defaults.disableCrdUpgraderJob).toBe(false);
    expect(release.values.disableCrdUpgraderJob).toBe(true);
  });

  it("gives cass-operator requests and limits through the subchart's values, and sets no other subchart value", () => {
    expect(release.values["cass-operator"]).toEqual({ resources: operatorResources });
    const check = validateChartValues(folder, release.values);
    expect(check.problems).toEqual([]);
    // Each subchart value is one we read in the subchart's template; a new one needs the same reading.
    expect(check.subchartValues).toEqual(["cass-operator.resources"]);
  });
});

it("tells subchart values apart from unknown ones", () => {
  const check = validateChartValues(folder, { "cass-operator": { resources: {} }, "cass-operatr": { resources: {} } });
  expect(check.subchartValues).toEqual(["cass-operator.resources"]);
  expect(check.problems).toEqual(["cass-operatr: not a value of this chart"]);
});
