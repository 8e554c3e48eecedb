import Ajv, { type ValidateFunction } from "ajv";
import { crdAjvOptions } from "../validation/crd-registry";
import { schemaForInstances } from "../validation/schema-for-instances";
import { crdObjectSchema } from "../validation/structural-schema";
import { pinnedCrdDocuments } from "./support/pinned-crds";
import { seededRandom } from "./support/seeded-random";
import { synthesize } from "./support/synth";

// validation/schema-for-instances.ts claims that a schema cut down to some instances gives each of them the same verdict
// and the same errors as the whole schema. Checked on generated schemas and instances (every keyword it cuts through,
// nested), and on the cloud stack's KafkaTopics and KafkaUsers against their pinned CRDs, as emitted and broken.

const ajv = new Ajv(crdAjvOptions);
const compiled = new Map<unknown, ValidateFunction>();
const compile = (schema: Record<string, unknown>): ValidateFunction => {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
};

function outcome(schema: Record<string, unknown>, instance: unknown): string {
  const validate = compile(schema);
  return JSON.stringify({ valid: validate(instance), errors: validate.errors ?? [] });
}

// More than eight (Ajv checks undeclared keys another way past eight properties) and one that every object inherits.
const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "constructor"];

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const some = (items: readonly string[], share = 0.5) => items.filter(() => next() < share);

  const schema = (depth: number): Record<string, unknown> => {
    const leaf = depth <= 0;
    switch (
      pick(leaf ? ["string", "integer", "empty"] : ["object", "object", "untyped", "array", "combinator", "not", "not"])
    ) {
      case "string":
        return pick([{ type: "string" }, { type: "string", enum: ["x", "yy"] }, { type: "string", maxLength: 1 }]);
      case "integer":
        return pick([{ type: "integer" }, { type: "integer", minimum: 2 }]);
      case "empty":
        return {};
      case "object":
      case "untyped": {
        const node: Record<string, unknown> = {
          properties: Object.fromEntries(
            some(names, next() < 0.1 ? 0.95 : 0.25).map((name) => {
              const property = schema(depth - 1);
              // Ajv ignores defaults unless asked to fill them in, which would break the cut: caught here if it were.
              return [name, next() < 0.2 ? { ...property, default: "x" } : property];
            }),
          ),
        };
        if (next() < 0.7) node.type = "object";
        const required = some(names, 0.2);
        if (required.length > 0) node.required = required;
        const additional = next();
        if (additional < 0.4) node.additionalProperties = false;
        else if (additional < 0.6) node.additionalProperties = schema(depth - 1);
        if (next() < 0.2) node.minProperties = 2;
        return node;
      }
      case "array":
        return { type: "array", items: schema(depth - 1), ...(next() < 0.3 ? { maxItems: 2 } : {}) };
      case "combinator":
        return { [pick(["allOf", "anyOf", "oneOf"])]: [schema(depth - 1), schema(depth - 1)] };
      default:
        return { not: schema(depth - 1) };
    }
  };

  const instance = (depth: number): unknown => {
    const leaves = ["x", "yy", 1, 3, null, true];
    if (depth <= 0 || next() < 0.3) return pick(leaves);
    if (next() < 0.55) return Object.fromEntries(some(names, 0.3).map((name) => [name, instance(depth - 1)]));
    return Array.from({ length: Math.floor(next() * 4) }, () => instance(depth - 1));
  };

  return { schema, instance };
}

describe("a schema cut down to its instances", () => {
  it("gives each of them the verdict and errors of the whole schema (250 generated cases)", () => {
    const { schema, instance } = generator(seededRandom(20261207));
    const differing: string[] = [];
    let cut = 0;
    let failing = 0;
    for (let index = 0; index < 250; index += 1) {
      const whole = schema(3);
      const instances = Array.from({ length: 1 + (index % 3) }, () => instance(3));
      const part = schemaForInstances(whole, instances) as Record<string, unknown>;
      if (JSON.stringify(part) !== JSON.stringify(whole)) cut += 1;
      for (const candidate of instances) {
        const expected = outcome(whole, candidate);
        if (expected.includes('"valid":false')) failing += 1;
        if (outcome(part, candidate) !== expected) differing.push(JSON.stringify({ whole, part, candidate, expected }));
      }
    }
    expect(differing.slice(0, 3)).toEqual([]);
    // Not vacuous: most cases cut something away, and many instances fail validation (their errors are compared).
    expect(cut).toBeGreaterThan(125);
    expect(failing).toBeGreaterThan(125);
  });

  it("is the whole schema when a reference could point into a part it would cut", () => {
    const whole = { properties: { a: { $ref: "#/properties/b" }, b: { type: "string" } } };
    expect(schemaForInstances(whole, [{ a: 1 }])).toBe(whole);
  });

  it("keeps a schema object whole when it has a keyword the cut does not know", () => {
    const whole = { type: "object", properties: { a: { type: "string" } }, patternProperties: { "^b": {} } };
    expect(schemaForInstances(whole, [{}])).toBe(whole);
    expect(schemaForInstances({ properties: { x: whole, y: {} } }, [{ x: {} }])).toEqual({ properties: { x: whole } });
  });
});

type Crd = {
  kind: string;
  spec: {
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema?: Record<string, unknown> } }[];
  };
};

describe("the pinned CRDs cut down to the cloud stack's KafkaTopics and KafkaUsers", () => {
  const crds = pinnedCrdDocuments<Crd>();
  const objects = synthesize("cloud")
    .manifestObjects.map(({ object }) => object)
    .filter((object) => object.kind === "KafkaTopic" || object.kind === "KafkaUser");

  it("give each, as emitted and broken three ways, the verdict and errors of the whole CRD", () => {
    expect(new Set(objects.map((object) => object.kind))).toEqual(new Set(["KafkaTopic", "KafkaUser"]));
    const differing: string[] = [];
    let failing = 0;
    for (const object of objects) {
      const version = object.apiVersion.split("/")[1];
      const crd = crds.find((candidate) => candidate.spec.names.kind === object.kind);
      const openApi = crd?.spec.versions.find((candidate) => candidate.name === version)?.schema?.openAPIV3Schema;
      if (!openApi) throw new Error(`no pinned CRD serves ${object.apiVersion} ${object.kind}`);
      const { schema } = crdObjectSchema(openApi);
      const spec = (object.spec ?? {}) as Record<string, unknown>;
      for (const candidate of [
        object,
        { ...object, spec: { ...spec, notAField: true } },
        { ...object, spec: "not an object" },
        { ...object, spec: Object.fromEntries(Object.keys(spec).map((key) => [key, 12345])) },
      ]) {
        const expected = outcome(schema, candidate);
        if (expected.includes('"valid":false')) failing += 1;
        const part = schemaForInstances(schema, [candidate]) as Record<string, unknown>;
        if (outcome(part, candidate) !== expected)
          differing.push(`${object.kind} ${object.metadata.name}: ${expected}`);
      }
    }
    expect(differing).toEqual([]);
    expect(failing).toBe(objects.length * 3);
  });
});
