import { readFileSync } from "node:fs";
import { CrdRegistry } from "../../validation/crd-registry";
import { readUpstreamFolders } from "../../validation/upstream-folders";
import { schemaDirectory } from "../../validation/schema-directory";
import { yamlDocuments } from "../../validation/yaml-documents";
import { sharedParse } from "./synth-run-cache";

/**
 * Every YAML document of a file, as plain data (validation/yaml-documents.ts, as CrdRegistry reads them), read once per
 * jest run: the pinned CRD files run to megabytes, and half a dozen test files read the same ones.
 */
export function yamlFileDocuments(file: string): unknown[] {
  return sharedParse("yaml documents, core schema", readFileSync(file, "utf8"), (text) => yamlDocuments(text, file));
}

/** Every CustomResourceDefinition document pinned in the schema directory, as plain data of the caller's shape. */
export function pinnedCrdDocuments<Crd extends { kind: string }>(): Crd[] {
  const crds: Crd[] = [];
  for (const folder of readUpstreamFolders(schemaDirectory())) {
    for (const file of folder.crdFiles) {
      for (const document of yamlFileDocuments(file)) {
        const crd = document as Crd | null;
        if (crd?.kind === "CustomResourceDefinition") crds.push(crd);
      }
    }
  }
  return crds;
}

const registries = new Map<string, CrdRegistry>();

/**
 * The CrdRegistry of these files, one per test file and file list (it compiles each cut-down schema once), reading each
 * file once per run.
 */
export function crdRegistry(files: readonly string[], sourceRoot: string): CrdRegistry {
  const key = JSON.stringify([sourceRoot, files]);
  let registry = registries.get(key);
  if (!registry) {
    registry = new CrdRegistry(files, sourceRoot, { readDocuments: yamlFileDocuments });
    registries.set(key, registry);
  }
  return registry;
}
