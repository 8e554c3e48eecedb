import { parsePath, type Target } from "../apps/gate/src/condition";
import { gateComponent } from "../constructs/resources/readiness-gate";
import { pinnedCrdDocuments } from "./support/pinned-crds";
import { profileModeMatrix, synthesizeMatrixEntry } from "./support/synth";

/**
 * Every field a readiness gate reads must exist in the status schema of the pinned CRD that serves the object, with
 * the status subresource on: a check on a misspelt or renamed field would never turn true and every deploy would
 * time out. (What the operators write into those fields is recorded in constructs/*.upstream.md.)
 */

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
};
interface CrdVersion {
  name: string;
  served: boolean;
  subresources?: { status?: unknown };
  schema?: { openAPIV3Schema: Schema };
}
interface Crd {
  kind: string;
  spec: { group: string; names: { plural: string; kind: string }; versions: CrdVersion[] };
}

function pinnedCrds(): Crd[] {
  return pinnedCrdDocuments<Crd>();
}

/** Problems walking `path` through a CRD schema; `expected` is checked against an enum where the schema has one. */
function schemaProblems(root: Schema, path: string, expected?: string): string[] {
  if (path.startsWith("metadata."))
    return path === "metadata.generation" ? [] : [`${path}: only metadata.generation is a known ObjectMeta field here`];
  let node: Schema | undefined = root;
  for (const segment of parsePath(path)) {
    if (!node) break;
    const next: Schema | undefined =
      node.properties?.[segment.field] ??
      (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
    if (!next) return [`${path}: no field '${segment.field}' in the CRD schema`];
    node = next;
    if (segment.select) {
      if (node.type !== "array" || !node.items) return [`${path}: '${segment.field}' is not a list`];
      if (!node.items.properties?.[segment.select.key])
        return [`${path}: elements of '${segment.field}' have no '${segment.select.key}'`];
      node = node.items;
    }
  }
  if (expected !== undefined && node?.enum && !node.enum.includes(expected)) {
    return [`${path}: '${expected}' is not one of the CRD's values ${JSON.stringify(node.enum)}`];
  }
  return [];
}

const crds = pinnedCrds();

function crdFor(apiPath: string): { crd: Crd; version: CrdVersion } {
  const match = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/[^/]+\/([^/]+)\/[^/]+$/.exec(apiPath);
  if (!match) throw new Error(`unexpected apiPath ${apiPath}`);
  const [, group, versionName, plural] = match;
  for (const crd of crds) {
    if (crd.spec.group !== group || crd.spec.names.plural !== plural) continue;
    const version = crd.spec.versions.find((candidate) => candidate.name === versionName && candidate.served);
    if (version) return { crd, version };
  }
  throw new Error(`no pinned CRD serves ${group}/${versionName} ${plural}`);
}

describe.each(profileModeMatrix)("gate checks of the $profile profile in $mode mode", (entry) => {
  const stack = synthesizeMatrixEntry(entry);
  const targets = stack.manifestObjects
    .filter(
      ({ object }) =>
        object.kind === "Job" && object.metadata.labels?.["app.kubernetes.io/component"] === gateComponent,
    )
    .flatMap(({ object }) => {
      const container = (
        object.spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }
      ).template.spec.containers[0];
      return JSON.parse(container?.env.find((variable) => variable.name === "GATE_TARGETS")?.value ?? "[]") as Target[];
    });

  it("waits on every kind the stack gates", () => {
    const kinds = new Set(targets.map((target) => target.description.split(" ")[0]));
    expect([...kinds]).toEqual(expect.arrayContaining(["Kafka", "KafkaTopic", "K8ssandraCluster", "Cluster"]));
  });

  it("reads only fields the pinned CRDs define, on kinds with a status subresource", () => {
    for (const target of targets) {
      const { version } = crdFor(target.apiPath);
      expect({ target: target.description, statusSubresource: version.subresources?.status !== undefined }).toEqual({
        target: target.description,
        statusSubresource: true,
      });
      const schema = version.schema?.openAPIV3Schema as Schema;
      const problems = target.checks.flatMap((check) => [
        ...schemaProblems(schema, check.path, check.equals),
        ...(check.equalsPath ? schemaProblems(schema, check.equalsPath) : []),
      ]);
      expect({ target: target.description, problems }).toEqual({ target: target.description, problems: [] });
    }
  });
});

describe("the CRD field check", () => {
  const k8ssandra = crdFor("/apis/k8ssandra.io/v1alpha1/namespaces/n/k8ssandraclusters/c").version.schema
    ?.openAPIV3Schema as Schema;

  it("follows maps and lists into the mirrored datacenter status", () => {
    expect(schemaProblems(k8ssandra, "status.datacenters.dc1.cassandra.conditions[type=Ready].status")).toEqual([]);
    expect(schemaProblems(k8ssandra, "status.datacenters.dc1.cassandra.cassandraOperatorProgress", "Ready")).toEqual(
      [],
    );
  });

  it("finds a field the CRD does not have", () => {
    expect(schemaProblems(k8ssandra, "status.datacenters.dc1.cassandra.ready")).toEqual([
      "status.datacenters.dc1.cassandra.ready: no field 'ready' in the CRD schema",
    ]);
    expect(schemaProblems(k8ssandra, "status.error[type=Ready].status")).toEqual([
      "status.error[type=Ready].status: 'error' is not a list",
    ]);
  });
});
