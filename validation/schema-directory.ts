import { resolve } from "node:path";
import { fillCommand, isComplete, manifestName, upstreamCacheDirectory } from "./upstream-cache";
import { fillSchemaDirectory, upstreamBaseUrl } from "./upstream-fetch";

/** ../shared/upstream beside the repository, where our own CI layout keeps the pinned data. */
export const siblingSchemaDirectory = resolve(__dirname, "..", "..", "shared", "upstream");

type Location = { readonly directory: string; readonly origin: "STREAMSTACK_SCHEMAS" | "sibling" | "cache" };

function locate(env: NodeJS.ProcessEnv, sibling: string): Location {
  const configured = env.STREAMSTACK_SCHEMAS;
  if (configured) {
    const directory = resolve(configured);
    if (!isComplete(directory)) {
      throw new Error(
        `STREAMSTACK_SCHEMAS=${configured}: no ${manifestName} in ${directory}. Point it at a filled schema directory ` +
          `(\`${fillCommand} <directory>\` fills one), or unset it to use the cache (see README, 'Schema directory')`,
      );
    }
    return { directory, origin: "STREAMSTACK_SCHEMAS" };
  }
  if (isComplete(sibling)) return { directory: sibling, origin: "sibling" };
  return { directory: upstreamCacheDirectory(env), origin: "cache" };
}

/**
 * Where the pinned upstream CRDs and chart values live: STREAMSTACK_SCHEMAS, else ../shared/upstream beside the
 * repository, else the user's cache (STREAMSTACK_CACHE) once ensureSchemaDirectory has filled it. Synchronous, for
 * test modules; jest's globalSetup runs ensureSchemaDirectory first.
 */
export function schemaDirectory(env: NodeJS.ProcessEnv = process.env, sibling = siblingSchemaDirectory): string {
  const location = locate(env, sibling);
  if (location.origin === "cache" && !isComplete(location.directory)) {
    throw new Error(
      `no pinned upstream schemas: STREAMSTACK_SCHEMAS is unset, ${sibling} does not exist and the cache ` +
        `${location.directory} is not filled. Run \`${fillCommand}\` (npm test does so itself), or set ` +
        "STREAMSTACK_SCHEMAS to a filled schema directory (see README, 'Schema directory')",
    );
  }
  return location.directory;
}

/**
 * schemaDirectory, filling the cache first when it is the one in use: fetches only files missing or failing their
 * sha256, so a filled cache needs no network.
 */
export async function ensureSchemaDirectory(
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly sibling?: string; readonly log?: (line: string) => void } = {},
): Promise<string> {
  const location = locate(env, options.sibling ?? siblingSchemaDirectory);
  if (location.origin === "cache") {
    const result = await fillSchemaDirectory(location.directory, { baseUrl: upstreamBaseUrl(env), log: options.log });
    if (result.fetched.length > 0)
      options.log?.(`fetched and verified ${result.fetched.length} files into ${location.directory}`);
  }
  return location.directory;
}
