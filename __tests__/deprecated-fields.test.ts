import { pinnedCrdDocuments } from "./support/pinned-crds";
import { profileModeMatrix, synthesizeMatrixEntry } from "./support/synth";

/**
 * A field the CRD marks deprecated still works today and silently stops working in a later operator release
 * (K8ssandraCluster's jvmOptions.heapSize: "Deprecated. Use heap_initial_size and heap_max_size instead").
 * Every custom resource the stack emits is walked against its pinned CRD schema for such fields.
 */

type Schema = {
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
};
interface Crd {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[];
  };
}

const schemas = new Map<string, Schema>();
for (const crd of pinnedCrdDocuments<Crd>()) {
  for (const version of crd.spec.versions) {
    const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
    if (version.served && version.schema && !schemas.has(key)) schemas.set(key, version.schema.openAPIV3Schema);
  }
}

function deprecatedPaths(value: unknown, schema: Schema | undefined, path: string): string[] {
  if (!schema) return [];
  const found = /^\s*deprecated\b/i.test(schema.description ?? "") ? [path] : [];
  if (Array.isArray(value))
    return [...found, ...value.flatMap((item, index) => deprecatedPaths(item, schema.items, `${path}[${index}]`))];
  if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema =
        schema.properties?.[key] ??
        (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      found.push(...deprecatedPaths(child, childSchema, path ? `${path}.${key}` : key));
    }
  }
  return found;
}

describe.each(profileModeMatrix)("custom resources of the $profile profile in $mode mode", (entry) => {
  const stack = synthesizeMatrixEntry(entry);

  it("use no field their pinned CRD marks deprecated", () => {
    let walked = 0;
    const problems: string[] = [];
    for (const { object } of stack.manifestObjects) {
      const schema = schemas.get(`${object.apiVersion}/${object.kind}`);
      if (!schema) continue;
      walked++;
      problems.push(
        ...deprecatedPaths(object, schema, "").map((path) => `${object.kind}/${object.metadata.name}: ${path}`),
      );
    }
    expect(problems).toEqual([]);
    expect(walked).toBeGreaterThan(3);
  });
});

it("finds K8ssandraCluster's deprecated heapSize", () => {
  const schema = schemas.get("k8ssandra.io/v1alpha1/K8ssandraCluster");
  expect(deprecatedPaths({ spec: { cassandra: { config: { jvmOptions: { heapSize: "1Gi" } } } } }, schema, "")).toEqual(
    ["spec.cassandra.config.jvmOptions.heapSize"],
  );
  expect(
    deprecatedPaths(
      { spec: { cassandra: { config: { jvmOptions: { heap_initial_size: "1Gi", heap_max_size: "1Gi" } } } } },
      schema,
      "",
    ),
  ).toEqual([]);
});
