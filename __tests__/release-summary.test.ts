import { join } from "node:path";
import { AssetType, TerraformAsset, TerraformStack, Testing } from "cdktf";
import { chartsDirectory } from "../constructs/charts-directory";
import {
  canonicalJson,
  commonSettings,
  diffSummaries,
  digest,
  flatten,
  forReview,
  largeFieldPaths,
  localChartName,
  renderSummary,
  summarizeObject,
  summarizeStack,
  withHashesMasked,
  type SummarySection,
} from "../scripts/lib/release-summary";
import { synthesize } from "./support/synth";

// Expected digests were computed apart from this code (Python's hashlib over the UTF-8 bytes).
describe("digest", () => {
  it("is sha256:<first 12 hex> (<UTF-8 bytes>)", () => {
    expect(digest("")).toBe("sha256:e3b0c44298fc (0 bytes)");
    expect(digest("é".repeat(201))).toBe("sha256:3821f1b32e73 (402 bytes)");
  });
});

describe("forReview", () => {
  it("keeps strings of up to 200 characters and digests longer ones, at any depth", () => {
    const kept = "x".repeat(200);
    expect(forReview({ list: [kept, "a".repeat(201)], nested: { text: "é".repeat(201) } })).toEqual({
      list: [kept, "sha256:a92efd821093 (201 bytes)"],
      nested: { text: "sha256:3821f1b32e73 (402 bytes)" },
    });
  });

  it("orders keys by code point with name first, and leaves other scalars alone", () => {
    const reviewed = forReview({ b: 1, a: true, name: "n", B: null }) as Record<string, unknown>;
    expect(Object.keys(reviewed)).toEqual(["name", "B", "a", "b"]);
    expect(reviewed).toEqual({ name: "n", B: null, a: true, b: 1 });
  });
});

describe("canonicalJson", () => {
  it("does not depend on the order keys were written in", () => {
    const text = canonicalJson({ b: { d: 1, c: 2 }, a: 1 });
    expect(text).toBe('{"a":1,"b":{"c":2,"d":1}}');
    expect(digest(text)).toBe("sha256:0372c09046ef (25 bytes)");
    expect(canonicalJson({ a: 1, b: { c: 2, d: 1 } })).toBe(text);
  });
});

describe("flatten", () => {
  it("writes one key path per leaf, bracketing keys that are not identifiers", () => {
    expect(
      flatten({ config: { "min.insync.replicas": 1 }, labels: { "app.kubernetes.io/name": "x" }, empty: {}, none: [] }),
    ).toEqual([
      ["config[min.insync.replicas]", "1"],
      ["empty", "{}"],
      ["labels[app.kubernetes.io/name]", '"x"'],
      ["none", "[]"],
    ]);
  });

  it("keys list items by a distinct name, else by index; a list of scalars is one leaf", () => {
    expect(
      flatten({
        env: [
          { name: "B", value: "2" },
          { name: "A", value: "1" },
        ],
      }),
    ).toEqual([
      ["env[name=B].value", '"2"'],
      ["env[name=A].value", '"1"'],
    ]);
    expect(
      flatten({
        env: [
          { name: "A", value: "1" },
          { name: "A", value: "2" },
        ],
      }),
    ).toEqual([
      ["env[0].name", '"A"'],
      ["env[0].value", '"1"'],
      ["env[1].name", '"A"'],
      ["env[1].value", '"2"'],
    ]);
    expect(flatten({ roles: ["controller", "broker"] })).toEqual([["roles", '["controller","broker"]']]);
  });
});

describe("summarizeObject", () => {
  const podTemplate = { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "i" }] } };

  it("heads an object with kind/namespace/name (kind/name when cluster-scoped) and keeps small fields", () => {
    const section = summarizeObject({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "n" },
      data: { k: "v" },
    });
    expect(section.heading).toBe("object ConfigMap/n/c");
    expect(section.fields).toEqual({ apiVersion: "v1", data: { k: "v" } });
    expect(summarizeObject({ apiVersion: "v1", kind: "Namespace", metadata: { name: "n" } }).heading).toBe(
      "object Namespace/n",
    );
  });

  it("digests a field with more than largeFieldPaths key paths, whole", () => {
    const spec = (paths: number) =>
      Object.fromEntries(Array.from({ length: paths }, (_, index) => [`k${index}`, index]));
    const object = (paths: number) => ({ apiVersion: "v1", kind: "X", metadata: { name: "x" }, spec: spec(paths) });
    expect(summarizeObject(object(largeFieldPaths)).fields.spec).toEqual(spec(largeFieldPaths));
    expect(summarizeObject(object(largeFieldPaths + 1)).fields.spec).toBe(
      digest(canonicalJson(spec(largeFieldPaths + 1))),
    );
  });

  it("digests pod templates and keeps the workload's own fields", () => {
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      spec: { backoffLimit: 0, template: podTemplate },
    };
    expect(summarizeObject(job).fields.spec).toEqual({ backoffLimit: 0, template: digest(canonicalJson(podTemplate)) });
  });

  it("refuses what is not a Kubernetes object", () => {
    expect(() => summarizeObject({ kind: "X" })).toThrow('not a Kubernetes object: {"kind":"X"}');
  });
});

describe("localChartName", () => {
  it("names our chart from its asset path, whatever construct copied it", () => {
    const asset = new TerraformAsset(new TerraformStack(Testing.app(), "elsewhere"), "some-id", {
      path: join(chartsDirectory, "node-app"),
      type: AssetType.DIRECTORY,
    });
    expect(asset.path).toMatch(/^assets\//);
    expect(localChartName(asset.path)).toBe("node-app");
  });

  it("leaves upstream charts alone and refuses an asset of no chart of ours", () => {
    expect(localChartName("strimzi-kafka-operator")).toBeUndefined();
    expect(() => localChartName("assets/x/0123456789ABCDEF")).toThrow("is the asset of none of the charts in");
  });
});

describe("commonSettings", () => {
  it("keeps the settings every release has with the same value", () => {
    expect(
      commonSettings([
        { name: "a", wait: true, timeout: 600, values: ["x"] },
        { name: "b", wait: true, timeout: 900, skip_crds: true },
      ]),
    ).toEqual({ wait: true });
  });
});

describe("renderSummary", () => {
  it("writes YAML under each heading, short collections on one line and strings quoted where YAML needs it", () => {
    const sections: SummarySection[] = [
      {
        heading: "release r",
        fields: {
          chart: "c",
          values: { replicas: "1", paused: "False", list: ["a", "b"], long: { text: "t".repeat(130) } },
        },
        sections: [{ heading: "object ConfigMap/n/c", fields: { apiVersion: "v1" }, sections: [] }],
      },
    ];
    expect(renderSummary(sections)).toBe(
      [
        "release r",
        "  chart: c",
        "  values:",
        '    replicas: "1"',
        '    paused: "False"',
        "    list: [a, b]",
        "    long:",
        `      text: ${"t".repeat(130)}`,
        "  object ConfigMap/n/c",
        "    apiVersion: v1",
      ].join("\n"),
    );
  });
});

describe("diffSummaries", () => {
  const section = (
    heading: string,
    fields: Record<string, unknown>,
    sections: SummarySection[] = [],
  ): SummarySection => ({
    heading,
    fields,
    sections,
  });

  it("says what changed and went in key path order, then what came, and lists the paths of a new block", () => {
    const before = [
      section("release a", { version: "1", values: { x: 1, gone: true } }),
      section("release old", { version: "1" }),
    ];
    const after = [
      section("release a", { version: "2", values: { x: 1, added: "y" } }),
      section("release new", { version: "1" }),
    ];
    expect(diffSummaries(before, after).map((change) => change.line)).toEqual([
      "- release a values.gone: true",
      '~ release a version: "1" → "2"',
      '+ release a values.added: "y"',
      "- release old",
      '- release old version: "1"',
      "+ release new",
      '+ release new version: "1"',
    ]);
  });

  it("matches an object renamed for its new content, and names the block of each change", () => {
    const before = [section("release g", {}, [section("object Job/n/gate-0123456789", { spec: { deadline: 1 } })])];
    const after = [section("release g", {}, [section("object Job/n/gate-abcdef0123", { spec: { deadline: 2 } })])];
    const changes = diffSummaries(before, after);
    expect(changes.map((change) => change.line)).toEqual([
      "~ release g › object Job/n/gate-0123456789 renamed to object Job/n/gate-abcdef0123",
      "~ release g › object Job/n/gate-0123456789 spec.deadline: 1 → 2",
    ]);
    expect(changes.map((change) => withHashesMasked(change.block))).toEqual([
      "release g › object Job/n/gate-<hash>",
      "release g › object Job/n/gate-<hash>",
    ]);
  });
});

describe("withHashesMasked", () => {
  it("masks digests and 10-hex-digit name suffixes only", () => {
    expect(withHashesMasked("Job/n/gate-0123456789 spec: sha256:0123456789ab (5 bytes) users-created-dlq")).toBe(
      "Job/n/gate-<hash> spec: <digest> users-created-dlq",
    );
  });
});

describe("summarizeStack", () => {
  const text = renderSummary(summarizeStack(synthesize("kind")));

  it("names what Terraform ids and asset paths point at, so the summary does not change with construct paths", () => {
    expect(text).not.toMatch(/_[0-9A-F]{8}\b/);
    expect(text).not.toContain("assets/");
    expect(text).toContain("chart: local:manifests");
  });

  it("has a block for every release, data source and namespace", () => {
    const stack = synthesize("kind");
    // A name used in several namespaces (one network-policies release per namespace) is qualified by its namespace.
    const headings = text.split("\n").filter((line) => line.startsWith("release "));
    expect(headings).toHaveLength(new Set(headings).size);
    for (const release of stack.releases) {
      const shared = stack.releases.filter((other) => other.name === release.name).length > 1;
      expect(headings).toContain(`release ${shared ? `${release.namespace}/` : ""}${release.name}`);
    }
    expect(headings.filter((heading) => heading.endsWith("/network-policies")).length).toBeGreaterThan(1);
    expect(text).toMatch(/\ndata helm_template\/strimzi-operator\n/);
    for (const namespace of Object.values(stack.resourcesOfType("kubernetes_namespace_v1"))) {
      expect(text).toContain(
        `\nresource kubernetes_namespace_v1/${String((namespace.metadata as { name: string }).name)}\n`,
      );
    }
  });
});
