import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { chartsDirectory } from "../constructs/charts-directory";
import { crdStorageRefusalHint } from "../constructs/strimzi-crds";
import { cachedTool } from "../scripts/lib/cache-directory";
import { schemaDirectory } from "../validation/schema-directory";

// The manifests chart's CRD template (constructs/strimzi-crds.ts feeds it the operator chart's crds/) and its
// refusal of a CRD update that drops a version the cluster still stores objects in, rendered by the real Helm.

const helm = cachedTool("STREAMSTACK_HELM", ["bin", "helm"]);
const haveHelm = existsSync(helm);
if (!haveHelm)
  console.warn(
    `strimzi-crds-chart.test.ts skipped: no Helm binary at ${helm}; run tools/build.sh or set STREAMSTACK_HELM`,
  );

const manifestsChart = join(chartsDirectory, "manifests");
const strimziCrds = (version: string) => join(schemaDirectory(), `strimzi-${version}`, "crds");
const kafkaCrd = (version: string) => readFileSync(join(strimziCrds(version), "040-Crd-kafka.yaml"), "utf8");

let scratch = "";
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "strimzi-crds-chart-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function helmTemplate(chart: string, values: Record<string, unknown>) {
  const valuesFile = join(scratch, `values-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(valuesFile, JSON.stringify(values));
  const run = spawnSync(helm, ["template", "test", chart, "--namespace", "streamstack-kafka", "--values", valuesFile], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A chart holding only our decision template and a call to it with fixtures, so a live CRD can be supplied. */
function decisionChart(): string {
  const chart = join(scratch, "decision");
  if (existsSync(chart)) return chart;
  mkdirSync(join(chart, "templates"), { recursive: true });
  writeFileSync(join(chart, "Chart.yaml"), "apiVersion: v2\nname: decision\nversion: 0.1.0\n");
  copyFileSync(
    join(manifestsChart, "templates", "_crd-storage-guard.tpl"),
    join(chart, "templates", "_crd-storage-guard.tpl"),
  );
  writeFileSync(
    join(chart, "templates", "decide.yaml"),
    [
      '{{- $refusal := include "manifests.crdStorageRefusal" (dict "live" .Values.live "incoming" (fromYaml .Values.incoming) "hint" .Values.hint) }}',
      "{{- if $refusal }}{{ fail $refusal }}{{ end }}",
      "",
    ].join("\n"),
  );
  return chart;
}

const live = (storedVersions: string[]) => ({
  metadata: { name: "kafkas.kafka.strimzi.io" },
  status: { storedVersions },
});

(haveHelm ? describe : describe.skip)("the manifests chart's CustomResourceDefinitions", () => {
  it.each(["0.45.2", "1.2.0"])("renders Strimzi %s's CRDs unchanged, kept on uninstall", (version) => {
    const files = readdirSync(strimziCrds(version))
      .filter((file) => file.endsWith(".yaml"))
      .sort();
    const sources = files.map((file) => readFileSync(join(strimziCrds(version), file), "utf8"));
    const result = helmTemplate(manifestsChart, { customResourceDefinitions: sources, crdStorageRefusal: "hint" });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rendered = parseAllDocuments(result.stdout)
      .map((document) => document.toJS() as Record<string, unknown>)
      .filter(Boolean);
    expect(rendered).toHaveLength(sources.length);
    rendered.forEach((object, index) => {
      const source = parse(sources[index] ?? "") as { metadata: Record<string, unknown> };
      // Exactly the upstream object, plus Helm's keep policy (deleting a CRD deletes every object of its kind).
      const expected = {
        ...source,
        metadata: {
          ...source.metadata,
          annotations: { ...(source.metadata.annotations as object), "helm.sh/resource-policy": "keep" },
        },
      };
      expect(object).toEqual(expected);
    });
  });

  it("refuses an entry that is not a CustomResourceDefinition", () => {
    const result = helmTemplate(manifestsChart, {
      customResourceDefinitions: ["apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"],
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/an entry of kind "ConfigMap" is not a CustomResourceDefinition/);
  });

  describe("refusal of a CRD that drops a stored version (the decision the template takes on the lookup result)", () => {
    it("lets an empty cluster install either line", () => {
      for (const version of ["0.45.2", "1.2.0"]) {
        expect(helmTemplate(decisionChart(), { live: {}, incoming: kafkaCrd(version), hint: "hint" }).code).toBe(0);
      }
    });

    it("lets each line upgrade its own CRDs, and 1.2.0 take over CRDs already migrated to v1", () => {
      expect(
        helmTemplate(decisionChart(), { live: live(["v1beta2"]), incoming: kafkaCrd("0.45.2"), hint: "hint" }).code,
      ).toBe(0);
      expect(
        helmTemplate(decisionChart(), { live: live(["v1"]), incoming: kafkaCrd("1.2.0"), hint: "hint" }).code,
      ).toBe(0);
    });

    it.each([
      {
        change: "zookeeper → kraft over v1beta2 objects, saying how to migrate",
        stored: "v1beta2",
        incoming: "1.2.0",
        target: "kraft",
        says: [
          "CustomResourceDefinition kafkas.kafka.strimzi.io holds objects stored as v1beta2, which the new definition does not define (it defines v1).",
          "bin/v1-api-conversion.sh crd-upgrade",
        ],
      },
      {
        change: "kraft → zookeeper over v1 objects",
        stored: "v1",
        incoming: "0.45.2",
        target: "zookeeper",
        says: [
          "holds objects stored as v1, which the new definition does not define (it defines v1beta2).",
          "no path from KRaft back to ZooKeeper",
        ],
      },
    ] as const)("refuses kafka.mode $change", ({ stored, incoming, target, says }) => {
      const result = helmTemplate(decisionChart(), {
        live: live([stored]),
        incoming: kafkaCrd(incoming),
        hint: crdStorageRefusalHint(target),
      });
      expect(result.code).not.toBe(0);
      for (const line of says) expect(result.stderr).toContain(line);
    });
  });
});
