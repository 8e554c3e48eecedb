/**
 * `npm run check [-- --root <dir>]`: the type check (`tsc --noEmit -p .`, TypeScript 7's native compiler), the
 * type-aware lint (`oxlint` with the rules of .oxlintrc.json, its type-aware rules run by oxlint-tsgolint on
 * TypeScript 7's checker) and the format check (`oxfmt --check`, Prettier's format with .oxfmtrc.json's settings), as
 * `npm test` runs them before jest.
 *
 * Three processes side by side. `oxlint --type-check` would type-check and lint on one program, and with cold caches
 * was a little faster, but it type-checks only the files oxlint lints (not one that tsconfig.json includes and
 * .gitignore or the lint's ignore patterns leave out) and reports in its own words: tsc is exactly `npm run build`.
 * tsc keeps its incremental build info (tsconfig.json's tsBuildInfoFile), so a second run checks only what changed;
 * oxfmt needs no cache (the whole tree in about 0.3 s, where prettier took 8-9 s without its cache). Every check runs
 * even when another fails (a missing tool or config fails only its own check), so one run reports everything; a failing
 * check's output is printed whole once it has finished, in a fixed order, so that the three do not interleave. The
 * tools are this repository's (its node_modules), whatever PATH says.
 * --root checks another project laid out the same way (tsconfig.json, .oxlintrc.json and .oxfmtrc.json at its root;
 * the tests use it) with this repository's tools.
 * Exit 0 when all three pass, 1 when any finds a problem, 2 on bad arguments.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { installCleanupHandlers, runCommand, type CommandOptions } from "./lib/processes";
import { readInput } from "./lib/script-input";

const formatPatterns = ["**/*.{ts,tsx,js,mjs,cjs}"];

function installed(path: string): string {
  try {
    return require.resolve(path);
  } catch {
    throw new Error(`${path} is not installed (npm ci installs it)`);
  }
}

/** A package's command-line entry (its package.json `bin`), from this repository's node_modules: no PATH lookup. */
function binaryOf(packageName: string, binName: string): string {
  const manifestPath = installed(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: Record<string, string> };
  const bin = manifest.bin?.[binName];
  if (bin === undefined) throw new Error(`${manifestPath} has no bin named ${binName}`);
  return join(dirname(manifestPath), bin);
}

/** oxlint runs its type-aware rules in this native helper, found here rather than in <root>/node_modules/.bin. */
function tsgolintExecutable(): string {
  const extension = process.platform === "win32" ? ".exe" : "";
  return installed(`@oxlint-tsgolint/${process.platform}-${process.arch}/tsgolint${extension}`);
}

async function main(): Promise<number> {
  const given = readInput({ values: ["root"], usage: "usage: npm run check [-- --root <dir>]" }, (input) =>
    input.text({ flag: "root" }, undefined, "a project directory"),
  );
  const root = resolve(given ?? join(__dirname, ".."));
  installCleanupHandlers();
  // The children write into pipes, so they would print plain text: on a terminal, ask them for colour as before.
  const colour = process.stdout.isTTY === true;
  const env = colour ? { ...process.env, FORCE_COLOR: "1" } : process.env;
  // A tool or config that cannot be found fails its own check, with the fix; the other checks still run.
  const node = async (
    tool: () => string,
    args: () => readonly string[],
    options: () => CommandOptions = () => ({}),
  ): Promise<{ code: number; output: string }> => {
    let script: string;
    let resolved: { args: readonly string[]; options: CommandOptions };
    try {
      script = tool();
      resolved = { args: args(), options: options() };
    } catch (error) {
      return { code: 1, output: `${error instanceof Error ? error.message : String(error)}\n` };
    }
    return runCommand(process.execPath, [script, ...resolved.args], { cwd: root, env, ...resolved.options });
  };
  // Each tool is given its config file by name: without it oxlint and oxfmt fall back to defaults and pass.
  const config = (name: string): string => {
    const file = join(root, name);
    if (!existsSync(file)) throw new Error(`${file} is missing: the check reads its settings there`);
    return file;
  };
  const runs = {
    types: node(
      () => binaryOf("typescript", "tsc"),
      () => ["--noEmit", "-p", config("tsconfig.json"), "--pretty", String(colour)],
    ),
    lint: node(
      () => binaryOf("oxlint", "oxlint"),
      () => ["--config", config(".oxlintrc.json"), "--max-warnings", "0"],
      () => ({ env: { ...env, OXLINT_TSGOLINT_PATH: tsgolintExecutable() } }),
    ),
    format: node(
      () => binaryOf("oxfmt", "oxfmt"),
      () => ["--config", config(".oxfmtrc.json"), "--check", ...formatPatterns],
    ),
  };
  const failed: string[] = [];
  for (const [name, run] of Object.entries(runs)) {
    const result = await run;
    // Only a failing check's output: on success oxlint would still print its count of nothing found.
    if (result.code === 0) continue;
    process.stdout.write(result.output);
    failed.push(name);
  }
  if (failed.length > 0) process.stdout.write(`check failed: ${failed.join(", ")}\n`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
