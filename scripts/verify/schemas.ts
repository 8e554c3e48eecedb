import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { charts } from "../../config/versions";
import { validateChartValues } from "../../validation/chart-values-validator";
import { isCoreKind, validateCoreObject } from "../../validation/core-validator";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { isObject, type Json, type JsonObject } from "./stack";

/** One pinned upstream component: a folder of the schema directory. */
export interface UpstreamFolder {
  readonly folder: string;
  /** Absolute path of the folder. */
  readonly directory: string;
  readonly chartName: string;
  /** The release version, taken from the folder name (a chart's Chart.yaml may carry a placeholder). */
  readonly version: string;
  readonly defaultValues?: JsonObject;
  readonly valuesSchema?: JsonObject;
  readonly crdFiles: readonly string[];
}

export function readUpstreamFolders(schemaDirectory: string): UpstreamFolder[] {
  if (!existsSync(schemaDirectory)) throw new Error(`schema directory ${schemaDirectory} does not exist (set STREAMSTACK_SCHEMAS)`);
  const folders: UpstreamFolder[] = [];
  for (const folder of readdirSync(schemaDirectory).sort()) {
    const directory = join(schemaDirectory, folder);
    const chartFile = join(directory, "Chart.yaml");
    if (!statSync(directory).isDirectory() || !existsSync(chartFile)) continue;
    const chart = parseYaml(readFileSync(chartFile, "utf8")) as Json;
    const chartName = isObject(chart) && typeof chart.name === "string" ? chart.name : folder;
    const version = folder.slice(folder.lastIndexOf("-") + 1);
    const valuesFile = join(directory, "chart-values.yaml");
    const schemaFile = join(directory, "chart-values.schema.json");
    const crdDirectory = join(directory, "crds");
    const defaults = existsSync(valuesFile) ? (parseYaml(readFileSync(valuesFile, "utf8")) as Json) : undefined;
    const schema = existsSync(schemaFile) ? (JSON.parse(readFileSync(schemaFile, "utf8")) as Json) : undefined;
    folders.push({
      folder,
      directory,
      chartName,
      version,
      ...(isObject(defaults) ? { defaultValues: defaults } : {}),
      ...(isObject(schema) ? { valuesSchema: schema } : {}),
      crdFiles: existsSync(crdDirectory)
        ? readdirSync(crdDirectory)
            .filter((file) => /\.ya?ml$/.test(file))
            .sort()
            .map((file) => join(crdDirectory, file))
        : [],
    });
  }
  return folders;
}

/**
 * The folder pinned for an upstream chart release: the reference folder config/versions.ts names for that chart and
 * version (which may be a stand-in, as for the Spark operator), else the folder matching chart name and version.
 */
export function folderFor(folders: readonly UpstreamFolder[], chart: string, version: string | undefined): UpstreamFolder | undefined {
  const pinned = Object.values(charts).find((entry) => entry.chart === chart && entry.version === version);
  if (pinned?.referenceFolder) return folders.find((folder) => folder.folder === pinned.referenceFolder);
  const wanted = (version ?? "").replace(/^v/, "");
  return folders.find((folder) => folder.chartName === chart && folder.version === wanted);
}

/** One served version of a custom resource definition, ready to validate objects. */
interface CrdVersion {
  readonly source: string;
  readonly scope: string;
  readonly served: boolean;
  readonly deprecated: boolean;
  /** CEL rules (x-kubernetes-validations) in the schema: only an API server evaluates them. */
  readonly celRules: number;
  readonly schema: JsonObject;
  compiled?: ValidateFunction;
}

const passThroughKeywords = new Set(["description", "example", "externalDocs", "title", "default", "format"]);

/**
 * Turns a CRD's structural OpenAPI v3 schema into JSON Schema that rejects what the API server
 * rejects with strict field validation: unknown fields are errors unless the schema preserves them.
 */
function structuralToJsonSchema(node: Json, counter: { cel: number }): Json {
  if (Array.isArray(node)) return node.map((item) => structuralToJsonSchema(item, counter));
  if (!isObject(node)) return node;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("x-kubernetes-") || passThroughKeywords.has(key) || key === "nullable") continue;
    if (key === "properties" && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(value)) properties[name] = structuralToJsonSchema(property, counter);
      result.properties = properties;
    } else if (["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"].includes(key)) {
      result[key] = typeof value === "boolean" ? value : structuralToJsonSchema(value, counter);
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
  const preserves = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (node["x-kubernetes-embedded-resource"] === true) {
    const properties = isObject(result.properties) ? result.properties : {};
    properties.apiVersion ??= { type: "string" };
    properties.kind ??= { type: "string" };
    properties.metadata ??= { type: "object" };
    result.properties = properties;
  }
  if (result.type === "object" && isObject(result.properties) && result.additionalProperties === undefined && !preserves) {
    result.additionalProperties = false;
  }
  return result;
}

export interface ValidationOutcome {
  readonly ok: boolean;
  /** Which schema judged the object, e.g. "CRD strimzi-0.45.2/040-Crd-kafka.yaml" or "kubernetes-models". */
  readonly schema: string;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly celRulesNotEvaluated: number;
}

/** Custom resource definitions by group/version/kind, from the pinned CRD files. */
export class CrdRegistry {
  private readonly byKey = new Map<string, CrdVersion[]>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  readonly definitions: JsonObject[] = [];

  constructor(files: readonly string[], schemaDirectory: string) {
    for (const file of files) {
      for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
        const crd = document.toJS() as Json;
        if (!isObject(crd) || crd.kind !== "CustomResourceDefinition" || !isObject(crd.spec)) continue;
        this.definitions.push(crd);
        this.add(crd, file.slice(schemaDirectory.length + 1));
      }
    }
  }

  private add(crd: JsonObject, source: string): void {
    const spec = crd.spec as JsonObject;
    const names = spec.names;
    if (!isObject(names) || typeof names.kind !== "string" || !Array.isArray(spec.versions)) return;
    for (const version of spec.versions) {
      if (!isObject(version) || typeof version.name !== "string") continue;
      const schemaHolder = version.schema;
      const openApi = isObject(schemaHolder) ? schemaHolder.openAPIV3Schema : undefined;
      if (!isObject(openApi)) continue;
      const counter = { cel: 0 };
      const schema = structuralToJsonSchema(openApi, counter) as JsonObject;
      const properties = isObject(schema.properties) ? schema.properties : {};
      properties.apiVersion ??= { type: "string" };
      properties.kind ??= { type: "string" };
      properties.metadata = { type: "object" };
      schema.properties = properties;
      const key = `${String(spec.group)}/${version.name}/${names.kind}`;
      const entry: CrdVersion = {
        source,
        scope: typeof spec.scope === "string" ? spec.scope : "Namespaced",
        served: version.served !== false,
        deprecated: version.deprecated === true,
        celRules: counter.cel,
        schema,
      };
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), entry]);
    }
  }

  /** Group/version strings served by these CRDs, for `helm template --api-versions`. */
  apiVersions(): string[] {
    const versions = new Set<string>();
    for (const key of this.byKey.keys()) {
      const [group, version, kind] = key.split("/");
      versions.add(`${group}/${version}`);
      versions.add(`${group}/${version}/${kind}`);
    }
    return [...versions].sort();
  }

  hasGroup(group: string): boolean {
    return [...this.byKey.keys()].some((key) => key.startsWith(`${group}/`));
  }

  has(apiVersion: string, kind: string): boolean {
    return this.byKey.has(`${apiVersion}/${kind}`);
  }

  isClusterScoped(apiVersion: string, kind: string): boolean {
    return (this.byKey.get(`${apiVersion}/${kind}`) ?? []).some((entry) => entry.scope === "Cluster");
  }

  /** Valid when any pinned definition of this group/version/kind accepts the object. */
  validate(object: JsonObject): ValidationOutcome {
    const key = `${String(object.apiVersion)}/${String(object.kind)}`;
    const candidates = this.byKey.get(key) ?? [];
    const failures: string[] = [];
    for (const candidate of candidates) {
      candidate.compiled ??= this.ajv.compile(candidate.schema);
      const warnings = candidate.deprecated ? [`${key} is deprecated in ${candidate.source}`] : [];
      if (!candidate.served) {
        failures.push(`${candidate.source}: version not served`);
        continue;
      }
      if (candidate.compiled(object)) {
        return { ok: true, schema: `CRD ${candidate.source}`, errors: [], warnings, celRulesNotEvaluated: candidate.celRules };
      }
      for (const error of candidate.compiled.errors ?? []) {
        const detail = error.keyword === "additionalProperties" ? `unknown field "${String(error.params.additionalProperty)}"` : error.message ?? error.keyword;
        failures.push(`${candidate.source}: ${error.instancePath || "/"} ${detail}`);
      }
    }
    return { ok: false, schema: `CRD ${key}`, errors: failures.slice(0, 20), warnings: [], celRulesNotEvaluated: 0 };
  }
}

const clusterScopedKinds = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PriorityClass",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "APIService",
  "IngressClass",
  "RuntimeClass",
  "CSIDriver",
  "VolumeAttachment",
]);

export function isClusterScoped(object: JsonObject, crds: CrdRegistry): boolean {
  const kind = String(object.kind);
  return clusterScopedKinds.has(kind) || crds.isClusterScoped(String(object.apiVersion), kind);
}

/** Validates a built-in object with the Kubernetes OpenAPI schemas (validation/core-validator.ts). */
export function validateBuiltIn(object: JsonObject): ValidationOutcome | undefined {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  if (!isCoreKind(apiVersion, kind)) return undefined;
  const problem = validateCoreObject({ apiVersion, kind, metadata: isObject(object.metadata) ? { name: String(object.metadata.name) } : undefined, ...object });
  const errors = problem ? problem.errors.flatMap((error) => error.split("\n")).slice(0, 20) : [];
  return { ok: problem === undefined, schema: `kubernetes-models ${apiVersion}/${kind}`, errors, warnings: [], celRulesNotEvaluated: 0 };
}

/** Values for an upstream chart, checked by validation/chart-values-validator.ts as Helm would coalesce them. */
export function checkUpstreamValues(folder: UpstreamFolder, values: JsonObject): string[] {
  if (!folder.defaultValues) return [];
  const check = validateChartValues(folder.directory, values);
  const file = check.kind === "schema" ? "chart-values.schema.json" : "chart-values.yaml";
  return check.problems.map((problem) => `${folder.folder}/${file}: ${problem}`);
}
