import { isPlainObject, type PlainObject } from "../config/plain-object";

// Documentation, and `format`, which the API server checks only for a few names Ajv would read differently.
const dropped = new Set(["description", "example", "externalDocs", "title", "default", "format", "nullable"]);
const subschemaKeys = new Set(["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"]);

function convert(node: unknown, counter: { cel: number }): unknown {
  if (Array.isArray(node)) return node.map((item) => convert(item, counter));
  if (!isPlainObject(node)) return node;
  const result: PlainObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-") || dropped.has(key)) continue;
    if (key === "properties" && isPlainObject(value)) {
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, convert(property, counter)]),
      );
    } else if (subschemaKeys.has(key)) {
      result[key] = typeof value === "boolean" ? value : convert(value, counter);
    } else {
      result[key] = value;
    }
  }
  const validations = node["x-kubernetes-validations"];
  if (Array.isArray(validations)) counter.cel += validations.length;
  if (node["x-kubernetes-int-or-string"] === true) {
    delete result.type;
    result.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (node.nullable === true && typeof result.type === "string") result.type = [result.type, "null"];
  if (node["x-kubernetes-embedded-resource"] === true) {
    const properties = isPlainObject(result.properties) ? result.properties : {};
    properties.apiVersion ??= { type: "string" };
    properties.kind ??= { type: "string" };
    properties.metadata ??= { type: "object" };
    result.properties = properties;
  }
  const preserves = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (isPlainObject(result.properties) && result.additionalProperties === undefined && !preserves)
    result.additionalProperties = false;
  return result;
}

export interface ObjectSchema {
  /** JSON Schema for Ajv. */
  readonly schema: PlainObject;
  /** CEL rules (x-kubernetes-validations) in the CRD schema: only an API server evaluates them. */
  readonly celRules: number;
}

/**
 * A CRD version's structural openAPIV3Schema as JSON Schema that rejects what the API server rejects with strict field
 * validation: an undeclared field is an error (almost always a typo that would silently do nothing) unless the schema
 * preserves unknown fields; int-or-string and nullable are spelt out. The top-level metadata is the API server's
 * ObjectMeta, whatever the CRD says, so it is left open here.
 */
export function crdObjectSchema(openApiV3Schema: PlainObject): ObjectSchema {
  const counter = { cel: 0 };
  const schema = convert(openApiV3Schema, counter) as PlainObject;
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  properties.apiVersion ??= { type: "string" };
  properties.kind ??= { type: "string" };
  properties.metadata = { type: "object" };
  schema.properties = properties;
  return { schema, celRules: counter.cel };
}
