/** verify's view of a synthesized stack: the shared reader (scripts/lib/synthesized-stack.ts) plus the file, providers and counts. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  helmReleases,
  isObject,
  optionalString,
  resourcesOfType as resourcesOfDocument,
  type HelmRelease,
  type Json,
  type JsonObject,
} from "../lib/synthesized-stack";

export { isObject, type HelmRelease, type HelmSet, type Json, type JsonObject } from "../lib/synthesized-stack";

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
  /** How many resources the stack declares, all types together. */
  readonly resourceCount: number;
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
    helmReleases: helmReleases(parsed, directory),
    requiredProviders: requiredProviders(parsed),
    resourceCount,
  };
}

/** Every object of a given resource type, keyed by Terraform address. */
export function resourcesOfType(stack: SynthesizedStack, type: string): Array<[string, JsonObject]> {
  return resourcesOfDocument(stack.document, type);
}
