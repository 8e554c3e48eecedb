import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { readUpstreamFolders } from "../../validation/upstream-folders";
import { schemaDirectory } from "../../validation/schema-directory";

/** Every CustomResourceDefinition document pinned in the schema directory, as plain data of the caller's shape. */
export function pinnedCrdDocuments<Crd extends { kind: string }>(): Crd[] {
  const crds: Crd[] = [];
  for (const folder of readUpstreamFolders(schemaDirectory())) {
    for (const file of folder.crdFiles) {
      for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
        const crd = document.toJS() as Crd | null;
        if (crd?.kind === "CustomResourceDefinition") crds.push(crd);
      }
    }
  }
  return crds;
}
