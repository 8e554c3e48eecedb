import { parse, parseAllDocuments } from "yaml";
import { readTerraformTemplate } from "../constructs/terraform-template";
import { yamlDocument, yamlDocuments } from "../validation/yaml-documents";
import { synthesize } from "./support/synth";

// validation/yaml-documents.ts claims to read well-formed YAML as `yaml` does (YAML 1.2's core schema), so that moving the
// reading of CRD files and helm values documents to it changed no verdict, and to refuse malformed YAML that `yaml`
// would guess at.
const asYamlReads = (text: string): unknown[] => parseAllDocuments(text).map((document) => document.toJS() as unknown);

describe("yamlDocuments", () => {
  // Where YAML readers part ways: 1.1 against 1.2 scalars, the merge key, aliases, empty and comment-only documents.
  it.each([
    "a: 2001-12-14\nb: 2001-12-14T21:59:43.10-05:00",
    "a: yes\nb: on\nc: off\nd: y\ne: True\nf: FALSE",
    "a: 0o17\nb: 017\nc: 0x1F\nd: +12\ne: 1_000\nf: 9007199254740993",
    "a: .inf\nb: -.Inf\nc: .nan\nd: 1e3\ne: 12.0\nf: -0\ng: 0.",
    "a: ~\nb: null\nc:\nd: ''\ne: '12'\nf: !!str 12",
    "base: &base {x: 1}\nuse: *base\n<<: *base\nlist: [*base]",
    "---\n---\na: 1\n...\n---\n- 1\n- b",
    "",
    "# only a comment\n",
    'description: |\n  Two lines,\n  kept.\nfolded: >\n  one\n  line\nquoted: "\\x41\\u00e9\\n"',
  ])("reads %j as yaml does", (text) => {
    expect(yamlDocuments(text, "case.yaml")).toEqual(asYamlReads(text));
  });

  it("reads an openAPIV3Schema shaped as the pinned CRDs are", () => {
    const text = [
      "apiVersion: apiextensions.k8s.io/v1",
      "kind: CustomResourceDefinition",
      "spec:",
      "  versions:",
      "  - name: v1beta2",
      "    schema:",
      "      openAPIV3Schema:",
      "        type: object",
      "        properties:",
      "          replicas: {type: integer, minimum: 1, default: 3}",
      '          mode: {type: string, enum: ["on", "off", zookeeper]}',
      "        x-kubernetes-preserve-unknown-fields: true",
    ].join("\n");
    const documents = yamlDocuments(text, "crd.yaml");
    expect(documents).toEqual(asYamlReads(text));
    expect(documents).toHaveLength(1);
  });

  it.each([
    ["a duplicate key", "a: 1\na: 2", /duplicated mapping key/],
    ["bad indentation", "key: value\n  bad: indent", /bad indentation/],
    ["an unclosed flow collection", "a: [1, 2", /end of the stream/],
  ])("refuses %s, naming the file, where yaml guesses", (_what, text, message) => {
    expect(parseAllDocuments(text).some((document) => document.errors.length > 0)).toBe(true);
    expect(() => yamlDocuments(text, "pinned/broken.yaml")).toThrow(message);
    expect(() => yamlDocuments(text, "pinned/broken.yaml")).toThrow(/pinned\/broken\.yaml/);
  });
});

describe("yamlDocument", () => {
  it("is the one document, null for none, and refuses a second", () => {
    expect(yamlDocument("a: 1", "one.yaml")).toEqual({ a: 1 });
    expect(yamlDocument("", "none.yaml")).toBeNull();
    expect(() => yamlDocument("a: 1\n---\nb: 2", "two.yaml")).toThrow(/two\.yaml: 2 YAML documents/);
    expect(() => parse("a: 1\n---\nb: 2") as unknown).toThrow();
  });

  // The apps' values carry their whole bundles (1.3 MB, yaml's slowest read): yaml-text.test reads those back byte for byte.
  it("reads every other helm values document of the cloud stack as yaml does", () => {
    const releases = synthesize("cloud").releases.filter(
      (release) => !["producer", "dashboard"].includes(release.name),
    );
    const differing = releases
      .map((release) => readTerraformTemplate(release.rawValues).text)
      .filter((text) => JSON.stringify(yamlDocument(text, "values.yaml")) !== JSON.stringify(parse(text)));
    expect(differing).toEqual([]);
    expect(releases.length).toBeGreaterThan(20);
  });
});
