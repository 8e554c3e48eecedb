import { resolve } from "node:path";
import { ensureSchemaDirectory } from "../validation/schema-directory";
import { fillSchemaDirectory, upstreamBaseUrl } from "../validation/upstream-fetch";

/**
 * Fills the cache with the pinned upstream CRDs and chart values, each checked against its sha256 in
 * validation/upstream-sources.ts, exactly as `npm test` does before its tests (nothing to do when STREAMSTACK_SCHEMAS
 * or ../shared/upstream is present, or the cache is already filled).
 * Usage: npx tsx scripts/fetch-schemas.ts              fill the cache (STREAMSTACK_CACHE, default ~/.cache/streamstack)
 *        npx tsx scripts/fetch-schemas.ts <directory>  fill that directory instead, for STREAMSTACK_SCHEMAS=<directory>
 * STREAMSTACK_UPSTREAM_MIRROR=<base URL> fetches <base>/<repository>/<ref>/<path> instead of the public sources.
 */
async function main(): Promise<void> {
  const log = (line: string): void => console.log(line);
  const target = process.argv[2];
  if (target) {
    const directory = resolve(target);
    await fillSchemaDirectory(directory, { baseUrl: upstreamBaseUrl(), log });
    console.log(`export STREAMSTACK_SCHEMAS=${directory}`);
    return;
  }
  console.log(`pinned upstream schemas: ${await ensureSchemaDirectory(process.env, { log })}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
