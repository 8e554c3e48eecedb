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
