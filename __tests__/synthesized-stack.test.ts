/**
 * The one reader of synthesized stacks (scripts/lib/synthesized-stack.ts), which the tests and `npm run verify` share.
 * Values documents merge as terraform-provider-helm v3.1.1 merges its `values` list (helm/resource_helm_release.go
 * mergeMaps, the same as Helm v3.22.0 pkg/cli/values/options.go for -f files): maps key by key, anything else,
 * null included, replaces. Null deletes a key only later, when Helm coalesces the result over the chart's defaults.
 */
import { helmReleases, mergedValues, parseValuesDocument, type JsonObject } from "../scripts/lib/synthesized-stack";

function stackWith(release: JsonObject): JsonObject {
  return { resource: { helm_release: { one: release }, kubernetes_namespace_v1: { ns: {} } } };
}

describe("helmReleases", () => {
  const [release] = helmReleases(
    stackWith({
      name: "app",
      namespace: "apps",
      chart: "assets/chart/0000",
      values: [
        "a:\n  b: 1\n  c: 2\nd: 1\nscript: echo $${HOME} %%{x}\n",
        "a:\n  c: null\nd: null\n",
        "${yamlencode({e = 1})}",
      ],
      depends_on: ["helm_release.operator", "kubernetes_namespace_v1.ns"],
      set: [{ name: "x.y", value: "1" }],
    }),
  );

  it("reads name, namespace, chart, values as written, sets and helm_release dependencies", () => {
    expect(release).toMatchObject({
      id: "one",
      address: "helm_release.one",
      name: "app",
      namespace: "apps",
      chart: "assets/chart/0000",
      dependsOn: ["operator"],
    });
    expect(release?.values[0]).toContain("$${HOME}");
    expect(release?.sets).toEqual([{ name: "x.y", value: "1", type: "auto" }]);
    expect(release?.localChartPath).toBeUndefined();
  });

  it("parses a values document with Terraform's escapes undone", () => {
    expect(parseValuesDocument(release?.values[0] ?? "").script).toBe("echo ${HOME} %{x}");
  });

  it("merges the documents as the helm provider does: null replaces, expressions are left out", () => {
    expect(release && mergedValues(release)).toEqual({ a: { b: 1, c: null }, d: null, script: "echo ${HOME} %{x}" });
  });
});
