import { readFileSync } from "node:fs";
import { relative } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { describeSchemaErrors } from "./ajv-errors";
import { compiledForFewRuns } from "./ajv-options";
import { schemaForInstances } from "./schema-for-instances";
import { crdObjectSchema } from "./structural-schema";
import { yamlDocuments } from "./yaml-documents";
import type { ApiObject, ValidationOutcome } from "./validation-outcome";

/** One version of a custom resource definition, compiled on first use. */
interface CrdVersion {
  readonly source: string;
  readonly scope: string;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly celRules: number;
  readonly schema: Record<string, unknown>;
  /** Validators of the schema cut down to an object (schema-for-instances.ts), by the cut-down schema's JSON. */
  readonly compiled: Map<string, ValidateFunction>;
}

interface CrdDocument {
  readonly kind?: unknown;
  readonly spec?: {
    readonly group?: unknown;
    readonly scope?: unknown;
    readonly names?: { readonly kind?: unknown };
    readonly versions?: readonly {
      name?: unknown;
      served?: unknown;
      deprecated?: unknown;
      schema?: { openAPIV3Schema?: unknown };
    }[];
  };
}

/** Every YAML document of a file, as plain data. */
const fileDocuments = (file: string): unknown[] => yamlDocuments(readFileSync(file, "utf8"), file);

/** How a CrdRegistry's Ajv reads a schema: every error, formats not checked (the API server checks few of them). */
export const crdAjvOptions = {
  strict: false,
  allErrors: true,
  validateFormats: false,
  code: compiledForFewRuns,
} as const;

export interface CrdRegistryOptions {
  /** The YAML documents of a file as plain data (default: parse the file); the tests read each file once per run. */
  readonly readDocuments?: (file: string) => readonly unknown[];
}

/**
 * Custom resource definitions by group/version/kind, from pinned CRD files: validates custom resources against every
 * pinned definition of their kind (two Strimzi lines may both define one), knows their scope and the API versions served.
 */
export class CrdRegistry {
  private readonly byKey = new Map<string, CrdVersion[]>();
  private readonly ajv = new Ajv(crdAjvOptions);

  /** @param sourceRoot shortens file names in messages (the schema directory). */
  constructor(files: readonly string[], sourceRoot: string, options: CrdRegistryOptions = {}) {
    const readDocuments = options.readDocuments ?? fileDocuments;
    for (const file of files) {
      for (const document of readDocuments(file)) {
        this.add(document as CrdDocument | null, relative(sourceRoot, file));
      }
    }
  }

  private add(crd: CrdDocument | null, source: string): void {
    const spec = crd?.spec;
    if (crd?.kind !== "CustomResourceDefinition" || !spec || typeof spec.names?.kind !== "string") return;
    for (const version of spec.versions ?? []) {
      const openApi = version.schema?.openAPIV3Schema;
      if (typeof version.name !== "string" || typeof openApi !== "object" || openApi === null) continue;
      const { schema, celRules } = crdObjectSchema(openApi as Record<string, unknown>);
      const key = `${String(spec.group)}/${version.name}/${spec.names.kind}`;
      const entry: CrdVersion = {
        source,
        scope: typeof spec.scope === "string" ? spec.scope : "Namespaced",
        served: version.served !== false,
        deprecated: version.deprecated === true,
        celRules,
        schema,
        compiled: new Map(),
      };
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), entry]);
    }
  }

  /** Group/version and group/version/kind strings served by these CRDs, for `helm template --api-versions`. */
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

  /** Valid when a served pinned definition of the object's group/version/kind accepts it; throws when none is pinned. */
  validate(object: ApiObject): ValidationOutcome {
    const key = `${String(object.apiVersion)}/${String(object.kind)}`;
    const candidates = this.byKey.get(key);
    if (!candidates) throw new Error(`no pinned CRD serves ${String(object.apiVersion)} ${String(object.kind)}`);
    const failures: string[] = [];
    for (const candidate of candidates) {
      if (!candidate.served) {
        failures.push(`${candidate.source}: version not served`);
        continue;
      }
      const compiled = this.compiledFor(key, candidate, object);
      const warnings = candidate.deprecated ? [`${key} is deprecated in ${candidate.source}`] : [];
      if (compiled(object)) {
        return {
          ok: true,
          schema: `CRD ${candidate.source}`,
          errors: [],
          warnings,
          celRulesNotEvaluated: candidate.celRules,
        };
      }
      failures.push(...describeSchemaErrors(compiled.errors).map((line) => `${candidate.source}: ${line}`));
    }
    return { ok: false, schema: `CRD ${key}`, errors: failures.slice(0, 20), warnings: [], celRulesNotEvaluated: 0 };
  }

  /** The version's schema cut down to what validating `object` reaches, compiled once per distinct cut. */
  private compiledFor(key: string, candidate: CrdVersion, object: ApiObject): ValidateFunction {
    const schema = schemaForInstances(candidate.schema, [object]) as Record<string, unknown>;
    const text = JSON.stringify(schema);
    let compiled = candidate.compiled.get(text);
    if (!compiled) {
      try {
        compiled = this.ajv.compile(schema);
      } catch (error) {
        throw new Error(`cannot compile ${key} from ${candidate.source}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      candidate.compiled.set(text, compiled);
    }
    return compiled;
  }
}
