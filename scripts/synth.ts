import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleApp } from "./lib/app-bundle";
import { cdktfOutput, cdktfSynthEnvironment, readCdktfJson } from "./lib/cdktf-synth-environment";
import { readInput } from "./lib/script-input";

/**
 * `npm run synth`: what `cdktf synth` does for this project, in a third of the time. The CLI spends seconds starting
 * itself and running the app through tsx; here the app is bundled with esbuild and run by plain Node with the
 * environment the CLI would give it, then the CLI's bookkeeping is repeated: stack folders of an earlier synth that
 * the manifest no longer names are removed, annotations are printed and an error annotation fails the run.
 * __tests__/synth-fast-path.test.ts holds the cdktf.out it writes byte for byte against the CLI's.
 * `deploy`/`diff`/`destroy` still go through the CLI (scripts/cdktf.ts), which synthesizes again itself.
 * The bundle carries an inline source map: NODE_OPTIONS=--enable-source-maps maps a stack trace back to the sources.
 * Usage: node --require tsx/cjs scripts/synth.ts [--output <dir>]
 */
const repoRoot = resolve(__dirname, "..");

function outputArgument(): string | undefined {
  return readInput(
    {
      values: ["output"],
      short: { o: "output" },
      usage: "usage: npm run synth [-- --output <dir>]; for other cdktf synth options run tsx scripts/cdktf.ts synth …",
    },
    (input) => input.text({ flag: "output" }, undefined, "a directory"),
  );
}

const stackFolders = (outdir: string): string[] => {
  const folder = join(outdir, "stacks");
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => statSync(join(folder, name)).isDirectory());
};

interface Manifest {
  stacks: Record<string, { name: string; annotations?: { level: string; constructPath: string; message: string }[] }>;
}

const levels: Record<string, string> = { "@cdktf/info": "INFO", "@cdktf/warn": "WARN", "@cdktf/error": "ERROR" };

async function main(): Promise<number> {
  const config = readCdktfJson(repoRoot);
  const outdir = outputArgument() ?? cdktfOutput(config);
  const env = cdktfSynthEnvironment(process.env, config, outdir);
  const bundle = await bundleApp(repoRoot);
  const earlier = stackFolders(resolve(repoRoot, outdir));
  const app = spawnSync(process.execPath, [bundle], { cwd: repoRoot, env, stdio: "inherit" });
  rmSync(bundle, { force: true });
  if (app.error) throw app.error;
  if (app.status !== 0) {
    process.stderr.write(`synthesis failed: the app exited with ${app.status ?? app.signal}\n`);
    return 1;
  }
  const manifest = JSON.parse(readFileSync(resolve(repoRoot, outdir, "manifest.json"), "utf8")) as Manifest;
  const stacks = Object.values(manifest.stacks);
  for (const orphan of earlier.filter((name) => !stacks.some((stack) => stack.name === name)))
    rmSync(resolve(repoRoot, outdir, "stacks", orphan), { recursive: true });
  let failed = false;
  for (const annotation of stacks.flatMap((stack) => stack.annotations ?? [])) {
    failed ||= annotation.level === "@cdktf/error";
    console.log(`${levels[annotation.level] ?? annotation.level} [${annotation.constructPath}]: ${annotation.message}`);
  }
  if (failed) {
    process.stderr.write("While synthesizing one or more error annotations have been encountered (see above).\n");
    return 1;
  }
  console.log(`Generated Terraform code for the stacks: ${stacks.map((stack) => stack.name).join(", ")}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
