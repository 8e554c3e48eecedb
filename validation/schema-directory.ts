import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Where the pinned upstream CRDs and chart values live: STREAMSTACK_SCHEMAS, or ../shared/upstream beside the repo.
 * Its MANIFEST.json names each file's upstream repository, tag and path, so a user can fetch the same files.
 */
export function schemaDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.STREAMSTACK_SCHEMAS;
  const directory = configured ? resolve(configured) : resolve(__dirname, "..", "..", "shared", "upstream");
  if (!existsSync(join(directory, "MANIFEST.json"))) {
    throw new Error(
      `no pinned upstream schemas at ${directory}: set STREAMSTACK_SCHEMAS to a folder laid out like MANIFEST.json ` +
        "describes (see README, 'Schema directory')",
    );
  }
  return directory;
}
