import { isPlainObject, type PlainObject } from "../config/plain-object";

/**
 * A JSON Schema cut down to what validating given instances can reach: `properties` entries for keys none of them has
 * are left out, all the way down. Ajv's compile time grows with the schema, and the pinned CRDs run to hundreds of
 * kilobytes (K8ssandraCluster's schema took 0.9 s to compile, cut down for our object 23 ms).
 *
 * The cut-down schema gives each of these instances the same verdict and the same errors (schemaPath included): a
 * `properties` entry says nothing about an object without that key, in any position (under `not` and the other
 * combinators too), and what decides undeclared keys (`additionalProperties`) only looks at keys an instance has.
 * A schema object with any keyword outside `prunable` is kept whole, and a schema with references anywhere (which could
 * point into a cut part) is not cut at all. It holds for validators that add nothing for absent keys: Ajv's
 * `useDefaults` would (crd-registry.ts leaves it off).
 */

/** Keywords whose meaning the cut is known not to change (draft-07 as Ajv reads CRD schemas, annotations included). */
const prunable = new Set([
  "type",
  "properties",
  "additionalProperties",
  "items",
  "required",
  "enum",
  "const",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "description",
  "title",
  "default",
  "example",
  "examples",
]);

const referring = new Set(["$ref", "$dynamicRef", "$recursiveRef", "$id", "$anchor", "definitions", "$defs"]);
const refersWithin = new WeakMap<object, boolean>();

/** Whether a reference may point into the schema from elsewhere in it: then nothing may be cut. */
function hasReferences(node: unknown): boolean {
  if (typeof node !== "object" || node === null) return false;
  let found = refersWithin.get(node);
  if (found === undefined) {
    found = Object.entries(node).some(([key, value]) => referring.has(key) || hasReferences(value));
    refersWithin.set(node, found);
  }
  return found;
}

/** The schema cut down to the given instances; the schema itself when it holds references (CRD schemas hold none). */
export function schemaForInstances(schema: unknown, instances: readonly unknown[]): unknown {
  return hasReferences(schema) ? schema : cut(schema, instances);
}

function cut(schema: unknown, instances: readonly unknown[]): unknown {
  if (!isPlainObject(schema) || !Object.keys(schema).every((keyword) => prunable.has(keyword))) return schema;
  const objects = instances.filter(isPlainObject);
  const result: PlainObject = { ...schema };
  if (isPlainObject(schema.properties)) {
    const kept: [string, unknown][] = [];
    for (const [name, property] of Object.entries(schema.properties)) {
      // Present as Ajv sees it (`data[name] !== undefined`, inherited names such as `constructor` included), or own.
      const values = objects
        .filter((object) => object[name] !== undefined || Object.hasOwn(object, name))
        .map((object) => object[name]);
      if (values.length > 0) kept.push([name, cut(property, values)]);
    }
    // fromEntries: a `__proto__` property stays a key.
    result.properties = Object.fromEntries(kept);
  }
  // Applied to every value of an object, declared or not: all of them are instances it may see.
  if (isPlainObject(schema.additionalProperties))
    result.additionalProperties = cut(
      schema.additionalProperties,
      objects.flatMap((object) => Object.values(object)),
    );
  if (isPlainObject(schema.items))
    result.items = cut(schema.items, instances.filter((instance) => Array.isArray(instance)).flat());
  for (const keyword of ["allOf", "anyOf", "oneOf"]) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) result[keyword] = branches.map((branch) => cut(branch, instances));
  }
  if (isPlainObject(schema.not)) result.not = cut(schema.not, instances);
  return result;
}
