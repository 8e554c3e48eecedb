import { homedir } from "node:os";
import { join, resolve } from "node:path";

/**
 * The project's one cache setting: STREAMSTACK_CACHE, default ~/.cache/streamstack.
 * An empty value counts as unset, as `${STREAMSTACK_CACHE:-…}` does in the shell scripts.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.STREAMSTACK_CACHE;
  return configured ? resolve(configured) : join(homedir(), ".cache", "streamstack");
}

/**
 * A tool tools/build.sh puts in the cache (e.g. "bin", "helm"), unless the user names their own in `variable`
 * (e.g. STREAMSTACK_HELM); an empty value counts as unset here too.
 */
export function cachedTool(
  variable: string,
  segments: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string {
  return env[variable] || join(cacheDirectory(env), ...segments);
}
