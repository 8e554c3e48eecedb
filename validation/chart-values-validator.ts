import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type Options, type ValidateFunction } from "ajv";
import { compiledForFewRuns } from "./ajv-options";
import { describeSchemaErrors } from "./ajv-errors";
import type { UpstreamFolder } from "./upstream-folders";
import { isPlainObject, type PlainObject } from "../config/plain-object";
import { yamlDocument } from "./yaml-documents";

/**
 * Paths in `values` that the chart's default values do not have. Helm would silently ignore them.
 * A map or list that defaults to empty is open: the chart expects keys of the user's choosing there.
 */
export function unknownValuePaths(values: unknown, defaults: unknown, path = ""): string[] {
  if (!isPlainObject(values)) return [];
  if (!isPlainObject(defaults)) return defaults === undefined ? [path || "(top level)"] : [];
  if (Object.keys(defaults).length === 0) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const childPath = path ? `${path}.${key}` : key;
    if (!(key in defaults)) {
      problems.push(childPath);
      continue;
    }
    const defaultValue = defaults[key];
    // A null default (`key: ~`) or an empty map/list takes whatever the user gives.
    if (defaultValue === null || (Array.isArray(defaultValue) && defaultValue.length === 0)) continue;
    problems.push(...unknownValuePaths(value, defaultValue, childPath));
  }
  return problems;
}

/**
 * Helm's coalescing of user values over chart defaults: maps merge key by key, null deletes a key, anything else replaces.
 * Not deepMerge (config/merge.ts), which merges values documents with each other and keeps null for this step to act on.
 */
export function coalesceValues(defaults: unknown, values: unknown): unknown {
  if (!isPlainObject(defaults) || !isPlainObject(values)) return values === undefined ? defaults : values;
  const merged: PlainObject = { ...defaults };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) delete merged[key];
    else merged[key] = coalesceValues(defaults[key], value);
  }
  return merged;
}

export type ValuesCheck = {
  readonly kind: "schema" | "defaults";
  readonly problems: readonly string[];
  /**
   * Values under a key named after one of the chart's dependencies (Chart.yaml), which Helm hands to that subchart:
   * the parent's defaults cannot vouch for them, so they are listed (`subchart.key`) for a test to account for.
   */
  readonly subchartValues: readonly string[];
};

/** Names of the chart's subcharts, from its pinned Chart.yaml (none when that is not pinned). */
function subchartNames(referenceFolder: string): string[] {
  const file = join(referenceFolder, "Chart.yaml");
  if (!existsSync(file)) return [];
  const chart = yamlDocument(readFileSync(file, "utf8"), file) as {
    dependencies?: { name: string; alias?: string }[];
  } | null;
  return (chart?.dependencies ?? []).map((dependency) => dependency.alias ?? dependency.name);
}

/**
 * The default values a schema states: each property's `default`, or, for an object without one, its properties' defaults.
 * A null default is left out (Helm drops null chart values before validating), and so is a documentation marker such as
 * "See values.yaml" standing where the schema wants an object or a list.
 */
export function defaultsFromSchema(schema: unknown): unknown {
  if (!isPlainObject(schema)) return undefined;
  if ("default" in schema) {
    const value = schema.default;
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const marker = typeof value === "string" && !types.includes("string");
    return value === null || marker ? undefined : value;
  }
  if (!isPlainObject(schema.properties)) return undefined;
  const defaults: PlainObject = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    const value = defaultsFromSchema(property);
    if (value !== undefined) defaults[key] = value;
  }
  return defaults;
}

const compiledSchemas = new Map<string, ValidateFunction>();

/**
 * A validator for the schema under these Ajv options, compiled once per distinct schema and options: a chart's values
 * are checked for every stack and profile, and Airflow's schema alone takes half a second to compile.
 */
function compiledOnce(schema: PlainObject, options: Options): ValidateFunction {
  const key = JSON.stringify([options, schema]);
  let validate = compiledSchemas.get(key);
  if (!validate) {
    validate = new Ajv({ ...options, code: compiledForFewRuns }).compile(schema);
    if (compiledSchemas.size >= 64) compiledSchemas.clear();
    compiledSchemas.set(key, validate);
  }
  return validate;
}

/**
 * Validates values the way Helm would see them: coalesced over the chart's defaults, against its values.schema.json
 * when it ships one; otherwise every key must exist in the default values' key tree.
 */
export function validateChartValues(referenceFolder: string, values: unknown): ValuesCheck {
  const valuesFile = join(referenceFolder, "chart-values.yaml");
  const schemaFile = join(referenceFolder, "chart-values.schema.json");
  if (existsSync(schemaFile)) {
    const schema = JSON.parse(readFileSync(schemaFile, "utf8")) as PlainObject;
    // Where only the schema is pinned (the Airflow chart), its `default` keywords stand for values.yaml.
    const defaults = existsSync(valuesFile)
      ? yamlDocument(readFileSync(valuesFile, "utf8"), valuesFile)
      : defaultsFromSchema(schema);
    // A chart's own $schema/$id may name a draft or location Ajv does not resolve offline.
    const { $schema: _draft, $id: _id, ...portable } = schema;
    // Helm would ignore a top-level key the schema does not declare (the Airflow chart leaves its top level open).
    const openTop =
      portable.additionalProperties !== undefined ||
      portable.patternProperties !== undefined ||
      !isPlainObject(portable.properties);
    const closed = openTop ? portable : { ...portable, additionalProperties: false };
    const validate = compiledOnce(closed, { strict: false, allErrors: true, validateFormats: false });
    return {
      kind: "schema",
      problems: validate(coalesceValues(defaults, values)) ? [] : describeSchemaErrors(validate.errors),
      subchartValues: [],
    };
  }
  const defaults = yamlDocument(readFileSync(valuesFile, "utf8"), valuesFile);
  const subcharts = new Set(subchartNames(referenceFolder));
  const own: PlainObject = {};
  const subchartValues: string[] = [];
  for (const [key, value] of Object.entries(isPlainObject(values) ? values : {})) {
    if (subcharts.has(key) && !(isPlainObject(defaults) && key in defaults)) {
      subchartValues.push(...(isPlainObject(value) ? Object.keys(value).map((child) => `${key}.${child}`) : [key]));
    } else {
      own[key] = value;
    }
  }
  return {
    kind: "defaults",
    problems: unknownValuePaths(isPlainObject(values) ? own : values, defaults).map(
      (path) => `${path}: not a value of this chart`,
    ),
    subchartValues,
  };
}

/** Validates values of one of our charts, merged over its defaults as Helm does, against its own values.schema.json. */
export function validateLocalChartValues(chartDirectory: string, values: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(chartDirectory, "values.schema.json"), "utf8")) as PlainObject;
  const validate = compiledOnce(schema, { strict: false, allErrors: true });
  const valuesFile = join(chartDirectory, "values.yaml");
  const defaults = yamlDocument(readFileSync(valuesFile, "utf8"), valuesFile);
  return validate(coalesceValues(defaults, values)) ? [] : describeSchemaErrors(validate.errors);
}

/** Problems of the values handed to a pinned upstream chart, each naming the pinned file that judged it. */
export function checkUpstreamValues(folder: UpstreamFolder, values: unknown): string[] {
  if (!folder.hasValues) return [];
  const check = validateChartValues(folder.directory, values);
  const file = check.kind === "schema" ? "chart-values.schema.json" : "chart-values.yaml";
  return check.problems.map((problem) => `${folder.folder}/${file}: ${problem}`);
}
