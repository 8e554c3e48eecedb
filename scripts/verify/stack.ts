import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

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
  /** Terraform address, e.g. helm_release.kafka_chart_release_1234. */
  readonly address: string;
  readonly name: string;
  readonly namespace: string;
  /** The chart attribute as written in the stack. */
  readonly chart: string;
  /** Absolute directory of a local chart; undefined for a chart fetched from a repository. */
  readonly localChartPath?: string;
  readonly repository?: string;
  readonly version?: string;
  /** YAML documents, in the order Helm merges them. */
  readonly values: readonly string[];
  readonly sets: readonly HelmSet[];
}

export interface RequiredProvider {
  readonly localName: string;
  /** Source as written: "kubernetes", "hashicorp/helm" or "host/namespace/type". */
  readonly source: string;
  readonly version: string;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly directory: string;
  readonly file: string;
  readonly document: JsonObject;
  readonly helmReleases: readonly HelmRelease[];
  readonly requiredProviders: readonly RequiredProvider[];
  /** Terraform addresses of every resource, by type. */
  readonly resourceCount: number;
}

function asString(value: Json | undefined, what: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new Error(`${what}: expected a string, found ${JSON.stringify(value)}`);
}

function optionalString(value: Json | undefined): string | undefined {
  return value === undefined || value === null ? undefined : asString(value, "attribute");
}

/**
 * Terraform reads `${...}` and `%{...}` in strings as expressions; `$${` and `%%{` are the escapes
 * for the literal text. Returns the literal string, or the expressions found when there are any.
 */
export function terraformLiteral(text: string): { literal: string; expressions: string[] } {
  const expressions: string[] = [];
  let literal = "";
  for (let index = 0; index < text.length; index += 1) {
    const two = text.slice(index, index + 2);
    const three = text.slice(index, index + 3);
    if (three === "$${" || three === "%%{") {
      literal += three.slice(1);
      index += 2;
      continue;
    }
    if (two === "${" || two === "%{") {
      let depth = 0;
      let end = index + 1;
      for (; end < text.length; end += 1) {
        if (text[end] === "{") depth += 1;
        else if (text[end] === "}") {
          depth -= 1;
          if (depth === 0) break;
        }
      }
      expressions.push(text.slice(index, end + 1));
      index = end;
      continue;
    }
    literal += text[index];
  }
  return { literal, expressions };
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
      if (!isObject(entry) || !Array.isArray(entry.value)) throw new Error(`${address}.set_list: expected {name, value: [...]}`);
      const items = entry.value.map((item) => asString(item, `${address}.set_list.value`));
      sets.push({ name: asString(entry.name, `${address}.set_list.name`), value: `{${items.join(",")}}`, type: "auto" });
    }
  }
  return sets;
}

function localChartPath(stackDirectory: string, chart: string, repository: string | undefined): string | undefined {
  if (repository) return undefined;
  const withoutModulePath = chart.replace(/^\$\{path\.(module|root|cwd)\}\/?/, "");
  const candidate = isAbsolute(withoutModulePath) ? withoutModulePath : resolve(stackDirectory, withoutModulePath);
  return existsSync(candidate) && statSync(candidate).isDirectory() ? candidate : undefined;
}

function helmReleases(stackDirectory: string, resources: JsonObject): HelmRelease[] {
  const releases = resources.helm_release;
  if (!isObject(releases)) return [];
  return Object.entries(releases).map(([id, resource]) => {
    const address = `helm_release.${id}`;
    if (!isObject(resource)) throw new Error(`${address}: expected an object`);
    const chart = asString(resource.chart, `${address}.chart`);
    const repository = optionalString(resource.repository);
    const values = resource.values;
    const path = localChartPath(stackDirectory, chart, repository);
    return {
      address,
      name: asString(resource.name, `${address}.name`),
      namespace: optionalString(resource.namespace) ?? "default",
      chart,
      ...(path ? { localChartPath: path } : {}),
      ...(repository ? { repository } : {}),
      ...(resource.version !== undefined ? { version: asString(resource.version, `${address}.version`) } : {}),
      values: Array.isArray(values) ? values.map((value) => asString(value, `${address}.values`)) : [],
      sets: helmSets(resource, address),
    };
  });
}

function requiredProviders(document: JsonObject): RequiredProvider[] {
  const terraform = document.terraform;
  const required = isObject(terraform) ? terraform.required_providers : undefined;
  if (!isObject(required)) return [];
  return Object.entries(required).map(([localName, requirement]) => {
    if (!isObject(requirement)) return { localName, source: `hashicorp/${localName}`, version: "" };
    return {
      localName,
      source: optionalString(requirement.source) ?? `hashicorp/${localName}`,
      version: optionalString(requirement.version) ?? "",
    };
  });
}

export function readStack(directory: string, name: string): SynthesizedStack {
  const file = join(directory, "cdk.tf.json");
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Json;
  if (!isObject(parsed)) throw new Error(`${file}: not a JSON object`);
  const resources = isObject(parsed.resource) ? parsed.resource : {};
  let resourceCount = 0;
  for (const byName of Object.values(resources)) if (isObject(byName)) resourceCount += Object.keys(byName).length;
  return {
    name,
    directory,
    file,
    document: parsed,
    helmReleases: helmReleases(directory, resources),
    requiredProviders: requiredProviders(parsed),
    resourceCount,
  };
}

/** Every object of a given resource type, keyed by Terraform address. */
export function resourcesOfType(stack: SynthesizedStack, type: string): Array<[string, JsonObject]> {
  const resources = stack.document.resource;
  if (!isObject(resources)) return [];
  const byName = resources[type];
  if (!isObject(byName)) return [];
  const found: Array<[string, JsonObject]> = [];
  for (const [id, value] of Object.entries(byName)) if (isObject(value)) found.push([`${type}.${id}`, value]);
  return found;
}
