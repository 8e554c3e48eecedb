import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { yamlText } from "../constructs/yaml-text";
import { yamlDocuments } from "../validation/yaml-documents";
import { helmBinary } from "./support/render-local-chart";
import { synthesize } from "./support/synth";

// constructs/yaml-text.ts claims that Helm reads back exactly what it writes. The helm provider reads our values with
// sigs.k8s.io/yaml v1.4.0 (go-yaml v2.4.0's resolver, reader and scanner); the helm CLI built here reads `--values` with
// the same code (go.yaml.in/yaml/v2 v2.4.4, whose resolve.go, readerc.go and scannerc.go are v2.4.0's). A chart that
// prints `.Values` as JSON shows what Helm made of the text.

const helm = helmBinary();
if (!helm) process.stdout.write("yaml-text-helm: skipped, no helm binary (tools/build.sh or STREAMSTACK_HELM)\n");

let chart = "";
beforeAll(() => {
  chart = mkdtempSync(join(tmpdir(), "yaml-text-helm-"));
  mkdirSync(join(chart, "templates"));
  writeFileSync(join(chart, "Chart.yaml"), "apiVersion: v2\nname: values-as-json\nversion: 0.1.0\n");
  writeFileSync(
    join(chart, "templates", "values.yaml"),
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: values\ndata:\n  json: {{ toJson .Values | b64enc }}\n",
  );
});
afterAll(() => rmSync(chart, { recursive: true, force: true }));

/** `.Values` as Helm reads the text yamlText (or `write`) writes for `value`. */
function helmReads(value: unknown, write = (data: unknown) => yamlText(data, "a test value")): unknown {
  const file = join(chart, "values.yaml.in");
  writeFileSync(file, write(value));
  const run = spawnSync(helm ?? "", ["template", "t", chart, "--values", file], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
  const [configMap] = yamlDocuments(run.stdout, "helm template output") as { data: { json: string } }[];
  return JSON.parse(Buffer.from(configMap.data.json, "base64").toString("utf8"));
}

/** Keys set to null left out: Helm's coalescing takes a null as "delete the chart's default". */
function withoutNullKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, child]) => child !== null)
      .map(([key, child]) => [key, withoutNullKeys(child)]),
  );
}

(helm ? describe : describe.skip)("what yamlText writes, as Helm reads it", () => {
  it("is the value written: YAML 1.1 words as values and keys, long lines with a line of one space, aliases", () => {
    const shared = { reused: "yes", list: [1, "on"] };
    const words = ["yes", "Yes", "on", "OFF", "y", "n", "N", "no", "<<", "0o17", "017", "0x1F", "0b101", "1_000"];
    const value = {
      words,
      keys: Object.fromEntries(words.map((word, index) => [word, index])),
      more: ["2001-12-14", "1:20", ".inf", "~", "null", "true", "12", "-0", "1e3", "", " leading", "trailing "],
      longQuoted: `\u0001${"a".repeat(40)}\n \nb\tc\r\nd`,
      block: `#!/bin/sh\nset -eu\n  indented line\n\ttabbed\n \nlast line with trailing space \n`,
      code: 'var a=`${x}\n \n`,b="it\'s",c=/[#:]/;// - not a list',
      unicode: "é 😀 \u00a0\ufeff",
      numbers: [0, -1.5, 12, 2 ** 53, 1e21],
      flags: [true, false],
      empty: { object: {}, list: [], text: "" },
      again: shared,
      also: shared,
    };
    expect(helmReads(value)).toEqual(value);
  });

  it.each(["kind", "cloud"] as const)("is every release's values of the %s stack, bundles included", (profile) => {
    const values = Object.fromEntries(
      synthesize(profile).releases.map((release) => [`${release.namespace}/${release.name}`, release.values]),
    );
    expect(withoutNullKeys(helmReads(values))).toEqual(withoutNullKeys(values));
    expect(Object.keys(values).length).toBeGreaterThan(20);
  });

  // Why yamlText refuses these: written by yaml as they are, Helm refuses the text or reads another value.
  it.each([
    ["DEL", "\u007f"],
    ["a C1 control", "\u0090"],
    ["NEL", "\u0085"],
    ["LINE SEPARATOR", "\u2028"],
    ["PARAGRAPH SEPARATOR", "\u2029"],
    ["U+FFFF", "\uffff"],
  ])("refuses or misreads %s as yaml writes it", (_name, character) => {
    const value = { plain: `a${character}b`, quoted: `\u0001a${character}b` };
    let read: unknown;
    try {
      read = helmReads(value, (data) => stringify(data, { lineWidth: 0 }));
    } catch (error) {
      read = (error as Error).message;
    }
    expect(read).not.toEqual(value);
    expect(() => yamlText(value, "a test value")).toThrow(/Helm's YAML reader refuses or reads as a line break/);
  });
});
