import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Synth wall time per profile, printed (never asserted). Each profile is measured two ways in the same run:
 * the full `cdktf synth` (what users run) and the app alone (`node --import tsx main.ts`), so the CLI's share shows.
 * Usage: tsx scripts/bench-synth.ts [runs=3]
 */
const repoRoot = resolve(__dirname, "..");
const runs = Number(process.argv[2] ?? 3);

function time(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const outdir = mkdtempSync(join(tmpdir(), "streamstack-bench-"));
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return seconds;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} s, min ${sorted[0].toFixed(2)} s, max ${sorted[sorted.length - 1].toFixed(2)} s`;
}

console.log(`synth wall time, ${runs} runs each, on ${require("node:os").cpus().length} cores`);
for (const profile of ["kind", "cloud"]) {
  const env = { STREAMSTACK_PROFILE: profile };
  const app: number[] = [];
  const cli: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    app.push(time(process.execPath, ["--import", "tsx", "main.ts"], env));
    // cdktf synth writes to cdktf.out unless told otherwise; --output keeps the working tree clean.
    const outdir = mkdtempSync(join(tmpdir(), "streamstack-bench-cli-"));
    cli.push(time("npx", ["cdktf", "synth", "--output", outdir], env));
    rmSync(outdir, { recursive: true, force: true });
  }
  console.log(`${profile.padEnd(6)} cdktf synth: ${summary(cli)}`);
  console.log(`${profile.padEnd(6)} app alone:   ${summary(app)}`);
}
