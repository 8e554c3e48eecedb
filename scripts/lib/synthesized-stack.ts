/**
 * The one reader of a synthesized stack (cdk.tf.json): its helm releases as Terraform hands them to Helm.
 * The tests (__tests__/support/synth.ts) and `npm run verify` (scripts/verify/stack.ts) adapt it to their needs.
 */
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { readTerraformTemplate } from "../../constructs/terraform-template";
import { deepMerge } from "../../config/merge";
import { isPlainObject } from "../../config/plain-object";
import { yamlDocument } from "../../validation/yaml-documents";

/** A JSON value as read from a synthesized stack. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One `set`, `set_list` or `set_sensitive` entry of a helm_release. */
export interface HelmSet {
  readonly name: string;
  /** Helm's own --set syntax for the value. */
  readonly value: string;
  /** `string` and `literal` map to --set-string and --set-literal; anything else to --set. */
  readonly type: string;
}

export interface HelmRelease {
  /** Terraform resource id, as other resources reference it. */
  readonly id: string;
  /** Terraform address, e.g. helm_release.kafka_chart_release_1234. */
  readonly address: string;
  readonly name: string;
  readonly namespace: string;
  /** The chart attribute as written in the stack. */
  readonly chart: string;
  /** Absolute directory of a local chart, when the stack's directory is known and holds it. */
  readonly localChartPath?: string;
  readonly repository?: string;
  readonly version?: string;
  /** YAML documents as they stand in the Terraform JSON (escapes not undone), in the order Helm merges them. */
  readonly values: readonly string[];
  readonly sets: readonly HelmSet[];
  /** Terraform ids of the helm releases this one depends on directly. */
  readonly dependsOn: readonly string[];
}

function asString(value: Json | undefined, what: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`${what}: expected a string, found ${JSON.stringify(value)}`);
}

export function optionalString(value: Json | undefined): string | undefined {
  return value === undefined || value === null ? undefined : asString(value, "attribute");
}

/** A values document as Helm reads it: Terraform's escapes undone, expressions kept as written. */
export function parseValuesDocument(text: string): Record<string, unknown> {
  const parsed = yamlDocument(readTerraformTemplate(text).text, "a helm values document");
  return isPlainObject(parsed) ? parsed : {};
}

const parsedDocuments = new Map<string, unknown>();

/**
 * The text's YAML document, as a copy of the result of the first parse of the same text: callers read the same stack's values many
 * times over (requests.ts per profile and overrides, its tests a dozen times), and the apps' values documents carry
 * whole bundles. structuredClone keeps what the reader made (aliases as one object).
 */
function parsedOnce(text: string): unknown {
  if (!parsedDocuments.has(text)) {
    if (parsedDocuments.size >= 256) parsedDocuments.clear();
    parsedDocuments.set(text, yamlDocument(text, "a helm values document"));
  }
  return structuredClone(parsedDocuments.get(text));
}

/**
 * The values a release's documents give Helm, merged in order as the helm provider merges them (deepMerge: null is
 * kept, for Helm's coalesce over the chart's defaults to delete the key). Expressions Terraform computes are left out;
 * `set` entries are not applied.
 */
export function mergedValues(release: HelmRelease): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const text of release.values) {
    const parsed: unknown = parsedOnce(readTerraformTemplate(text).literal);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      merged = deepMerge(merged, parsed) as Record<string, unknown>;
  }
  return merged;
}

function helmSets(resource: JsonObject, address: string): HelmSet[] {
  const sets: HelmSet[] = [];
  for (const attribute of ["set", "set_sensitive"]) {
    const entries = resource[attribute];
    if (entries === undefined || entries === null) continue;
    for (const entry of Array.isArray(entries) ? entries : [entries]) {
      if (!isObject(entry)) throw new Error(`${address}.${attribute}: expected objects`);
      sets.push({
        name: asString(entry.name, `${address}.${attribute}.name`),
        value: asString(entry.value, `${address}.${attribute}.value`),
        type: optionalString(entry.type) ?? "auto",
      });
    }
  }
  const lists = resource.set_list;
  if (Array.isArray(lists)) {
    for (const entry of lists) {
      if (!isObject(entry) || !Array.isArray(entry.value))
        throw new Error(`${address}.set_list: expected {name, value: [...]}`);
      const items = entry.value.map((item) => asString(item, `${address}.set_list.value`));
      sets.push({
        name: asString(entry.name, `${address}.set_list.name`),
        value: `{${items.join(",")}}`,
        type: "auto",
      });
    }
  }
  return sets;
}

function localChartPath(
  stackDirectory: string | undefined,
  chart: string,
  repository: string | undefined,
): string | undefined {
  if (repository || stackDirectory === undefined) return undefined;
  const withoutModulePath = chart.replace(/^\$\{path\.(module|root|cwd)\}\/?/, "");
  const candidate = isAbsolute(withoutModulePath) ? withoutModulePath : resolve(stackDirectory, withoutModulePath);
  return existsSync(candidate) && statSync(candidate).isDirectory() ? candidate : undefined;
}

/** Every helm_release of a synthesized stack; stackDirectory (where cdk.tf.json lies) locates local charts. */
export function helmReleases(document: JsonObject, stackDirectory?: string): HelmRelease[] {
  const resources = document.resource;
  const releases = isObject(resources) ? resources.helm_release : undefined;
  if (!isObject(releases)) return [];
  return Object.entries(releases).map(([id, resource]) => {
    const address = `helm_release.${id}`;
    if (!isObject(resource)) throw new Error(`${address}: expected an object`);
    const chart = asString(resource.chart, `${address}.chart`);
    const repository = optionalString(resource.repository);
    const values = resource.values;
    const dependsOn = Array.isArray(resource.depends_on)
      ? resource.depends_on.map((reference) => asString(reference, `${address}.depends_on`))
      : [];
    const path = localChartPath(stackDirectory, chart, repository);
    return {
      id,
      address,
      name: asString(resource.name, `${address}.name`),
      namespace: optionalString(resource.namespace) ?? "default",
      chart,
      ...(path ? { localChartPath: path } : {}),
      ...(repository ? { repository } : {}),
      ...(resource.version !== undefined ? { version: asString(resource.version, `${address}.version`) } : {}),
      values: Array.isArray(values) ? values.map((value) => asString(value, `${address}.values`)) : [],
      sets: helmSets(resource, address),
      dependsOn: dependsOn
        .filter((reference) => reference.startsWith("helm_release."))
        .map((reference) => reference.slice("helm_release.".length)),
    };
  });
}

/** Every object of a given resource type, keyed by Terraform address. */
export function resourcesOfType(document: JsonObject, type: string): Array<[string, JsonObject]> {
  const resources = document.resource;
  if (!isObject(resources)) return [];
  const byName = resources[type];
  if (!isObject(byName)) return [];
  const found: Array<[string, JsonObject]> = [];
  for (const [id, value] of Object.entries(byName)) if (isObject(value)) found.push([`${type}.${id}`, value]);
  return found;
}
