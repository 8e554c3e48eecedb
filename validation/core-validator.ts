import { describeSchemaErrors, unknownFieldError, type SchemaError } from "./ajv-errors";
import type { ApiObject, ValidationOutcome } from "./validation-outcome";

interface ModelClass {
  readonly prototype: { validate(this: unknown): void };
}

/** The kubernetes-models class of a core apiVersion and kind, or undefined when it is not a core kind. */
function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass | undefined>;
    return module[kind];
  } catch {
    return undefined;
  }
}

/** Whether this is a built-in Kubernetes kind we can validate. */
export function isCoreKind(apiVersion: string, kind: string): boolean {
  return modelClass(apiVersion, kind) !== undefined;
}

/** What a validator did with one map of the object: the field names it looked up, and whether it listed all keys. */
interface Access {
  readonly read: Set<string>;
  listed: boolean;
}

/**
 * A view of `value` that records, per map, which fields the validator touches. kubernetes-models' compiled validators
 * (Ajv, from the Kubernetes OpenAPI schema) look up every property their schema declares, present or not, and list
 * the keys of a free-form map (labels, ConfigMap data); they never reject an undeclared field.
 */
function traced(value: unknown, accesses: Map<object, Access>): unknown {
  if (typeof value !== "object" || value === null) return value;
  // One record per map, however often (and under whichever subschema) the validator reaches it.
  const access = accesses.get(value) ?? { read: new Set<string>(), listed: false };
  accesses.set(value, access);
  const note = (key: string | symbol) => {
    if (typeof key === "string") access.read.add(key);
  };
  return new Proxy(value, {
    get(object, key, receiver) {
      note(key);
      return traced(Reflect.get(object, key, receiver), accesses);
    },
    has(object, key) {
      note(key);
      return Reflect.has(object, key);
    },
    ownKeys(object) {
      access.listed = true;
      return Reflect.ownKeys(object);
    },
  });
}

/**
 * kubernetes-models' generator strips `description` and `x-kubernetes-*` keys from the OpenAPI schema, and with them
 * the properties of those names (JSONSchemaProps, CustomResourceColumnDefinition, ExternalDocumentation, PriorityClass
 * declare them; the .d.ts files still have them): the validators never look them up, so they count as declared.
 */
function strippedByGenerator(field: string): boolean {
  return field === "description" || field.startsWith("x-kubernetes-");
}

/**
 * Fields no schema declares, at any depth. A map whose keys the validator listed is free-form; a map it looked nothing
 * up in has no declared properties (free-form too); in any other map, a key it did not look up is undeclared. A map
 * it never reached sits under an undeclared field, which is reported already.
 */
function undeclaredFields(value: unknown, accesses: Map<object, Access>, path: string): SchemaError[] {
  if (typeof value !== "object" || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => undeclaredFields(item, accesses, `${path}/${index}`));
  const access = accesses.get(value);
  if (!access) return [];
  const closed = !access.listed && access.read.size > 0;
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = `${path}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (closed && !access.read.has(key) && !strippedByGenerator(key)) return [unknownFieldError(path, key)];
    return undeclaredFields(child, accesses, childPath);
  });
}

/**
 * Validates a built-in Kubernetes object against the Kubernetes OpenAPI schema kubernetes-models ships, strictly: an
 * undeclared field is an error at every depth, as with the API server's strict field validation. Undefined when the
 * kind is not built in.
 */
export function validateCoreObject(object: ApiObject): ValidationOutcome | undefined {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const Model = modelClass(apiVersion, kind);
  if (!Model) return undefined;
  const accesses = new Map<object, Access>();
  let schemaErrors: readonly SchemaError[] = [];
  try {
    Model.prototype.validate.call(traced(object, accesses));
  } catch (error) {
    schemaErrors = (error as { errors?: readonly SchemaError[] }).errors ?? [
      { instancePath: "", keyword: "validate", params: {}, message: (error as Error).message },
    ];
  }
  const errors = describeSchemaErrors([...schemaErrors, ...undeclaredFields(object, accesses, "")]);
  return {
    ok: errors.length === 0,
    schema: `kubernetes-models ${apiVersion}/${kind}`,
    errors: errors.slice(0, 20),
    warnings: [],
    celRulesNotEvaluated: 0,
  };
}
