import { readFileSync } from "node:fs";
import { join } from "node:path";

const repoRoot = join(__dirname, "..", "..");

/**
 * `npm run <name> -- <args>` as package.json spells it, without npm in between, so a test runs what users run. Only
 * scripts that start with `node` can be run this way; any other spelling is an error naming the script.
 */
export function npmScriptCommand(name: string, args: readonly string[] = []): { command: string; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const [node, ...nodeArgs] = (scripts[name] ?? "").split(" ");
  if (node !== "node") throw new Error(`package.json's ${name} script does not start with node: "${scripts[name]}"`);
  return { command: process.execPath, args: [...nodeArgs, ...args] };
}
