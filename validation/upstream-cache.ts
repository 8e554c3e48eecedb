import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDirectory } from "../scripts/lib/cache-directory";
import { upstreamSources, type UpstreamSource } from "./upstream-sources";

/** Written last, after every file's digest matched: its presence marks a complete schema directory. */
export const manifestName = "MANIFEST.json";

/** The command that fills the cache; error messages name it. */
export const fillCommand = "npx tsx scripts/fetch-schemas.ts";

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** One folder per source list, so files of a changed pin never mix with those of the old one. */
export function upstreamCacheDirectory(
  env: NodeJS.ProcessEnv = process.env,
  sources: readonly UpstreamSource[] = upstreamSources,
): string {
  return join(cacheDirectory(env), "upstream-schemas", sha256(JSON.stringify(sources)).slice(0, 16));
}

export function isComplete(directory: string): boolean {
  return existsSync(join(directory, manifestName));
}

/** Whether the directory already holds this source's pinned file (by digest). */
export function holdsPinned(directory: string, source: UpstreamSource): boolean {
  const path = join(directory, source.file);
  return existsSync(path) && sha256(readFileSync(path)) === source.sha256;
}
