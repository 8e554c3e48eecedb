import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

type Schema = Record<string, unknown>;

interface CrdDocument {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[];
  };
}

/**
 * The API server prunes (or, with strict field validation, rejects) fields a structural schema does not declare.
 * We reject them: an unknown field is almost always a typo that would silently do nothing.
 */
function closeObjects(schema: Schema): Schema {
  const copy: Schema = { ...schema };
  if (copy["x-kubernetes-int-or-string"] === true && copy.anyOf === undefined) {
    copy.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (copy.nullable === true && typeof copy.type === "string") {
    copy.type = [copy.type, "null"];
  }
  const properties = copy.properties as Record<string, Schema> | undefined;
  if (properties) {
    copy.properties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, closeObjects(value)]));
    if (copy.additionalProperties === undefined && copy["x-kubernetes-preserve-unknown-fields"] !== true) {
      copy.additionalProperties = false;
    }
  }
  for (const key of ["items", "additionalProperties", "not"]) {
    const child = copy[key];
    if (child && typeof child === "object" && !Array.isArray(child)) copy[key] = closeObjects(child as Schema);
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const children = copy[key];
    if (Array.isArray(children)) copy[key] = children.map((child: Schema) => closeObjects(child));
  }
  // metadata is validated by the API server's ObjectMeta, not the CRD.
  if (properties?.metadata) (copy.properties as Schema).metadata = { type: "object" };
  return copy;
}

export interface ValidationProblem {
  readonly object: string;
  readonly errors: readonly string[];
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const extra = error.keyword === "additionalProperties" ? ` '${String(error.params.additionalProperty)}'` : "";
    return `${error.instancePath || "/"} ${error.message ?? error.keyword}${extra}`;
  });
}

/** Validates custom resources against the served versions' openAPIV3Schema of the CRDs found in a directory tree. */
export class CrdValidator {
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

  /** Loads every CRD in the `crds` folders under the schema directory (each component folder has one). */
  static fromSchemaDirectory(directory: string): CrdValidator {
    const validator = new CrdValidator();
    for (const component of readdirSync(directory, { withFileTypes: true })) {
      if (!component.isDirectory()) continue;
      const crdFolder = join(directory, component.name, "crds");
      let files: string[];
      try {
        files = readdirSync(crdFolder);
      } catch {
        continue;
      }
      for (const file of files.filter((name) => /\.ya?ml$/.test(name))) {
        validator.addCrds(readFileSync(join(crdFolder, file), "utf8"), `${component.name}/crds/${file}`);
      }
    }
    return validator;
  }

  addCrds(yamlText: string, source: string): void {
    for (const document of parseAllDocuments(yamlText)) {
      const crd = document.toJS() as CrdDocument | null;
      if (!crd || crd.kind !== "CustomResourceDefinition") continue;
      for (const version of crd.spec.versions) {
        if (!version.served || !version.schema) continue;
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        // Two lines of one operator (Strimzi 0.45 and 1.2) may both serve a version; keep the first, they are checked per mode.
        if (this.validators.has(key)) continue;
        try {
          this.validators.set(key, this.ajv.compile(closeObjects(version.schema.openAPIV3Schema)));
        } catch (error) {
          throw new Error(`cannot compile ${key} from ${source}: ${(error as Error).message}`);
        }
      }
    }
  }

  /** Whether a CRD serving this apiVersion and kind is known. */
  knows(apiVersion: string, kind: string): boolean {
    return this.validators.has(`${apiVersion}/${kind}`);
  }

  /** Problems of one object, or undefined when it is valid; throws when no CRD serves its apiVersion and kind. */
  validate(object: { apiVersion: string; kind: string; metadata?: { name?: string } }): ValidationProblem | undefined {
    const validate = this.validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) throw new Error(`no pinned CRD serves ${object.apiVersion} ${object.kind}`);
    const data: unknown = object;
    if (validate(data)) return undefined;
    return { object: `${object.kind}/${object.metadata?.name ?? "?"}`, errors: describe(validate.errors) };
  }
}
