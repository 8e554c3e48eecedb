import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readInput } from "./lib/script-input";

/**
 * Synth wall time per profile, printed (never asserted). Each profile is measured three ways in the same run,
 * interleaved so that a change in machine load hits all three alike: `npm run synth` (what users run: the bundled
 * app without the CLI, scripts/synth.ts), the cdktf CLI's `cdktf synth` (its peer, same output) and the app alone
 * (`node --import tsx main.ts`, cdktf.json's app command), so the CLI's share shows.
 * The last line is the machine-readable summary of issue 10, for the kind profile.
 * Usage: tsx scripts/bench-synth.ts [runs=3] [profiles=kind,cloud]
 */
const repoRoot = resolve(__dirname, "..");
const { runs, profiles } = readInput(
  {
    arguments: ["runs", "profiles"],
    usage: "usage: tsx scripts/bench-synth.ts [runs 1..50 (default 3)] [profiles (default kind,cloud)]",
  },
  (input) => ({
    runs: input.wholeNumber({ argument: "runs" }, 3, { min: 1, max: 50 }),
    profiles: input.choiceList({ argument: "profiles" }, ["kind", "cloud"], ["kind", "cloud"] as const),
  }),
);

/** Seconds of wall time; every run writes into a fresh temporary folder (the working tree's cdktf.out is left alone). */
function time(command: string, args: (outdir: string) => string[], env: NodeJS.ProcessEnv): number {
  const outdir = mkdtempSync(join(tmpdir(), "streamstack-bench-"));
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args(outdir), {
      cwd: repoRoot,
      env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
      encoding: "utf8",
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`${command} ${args(outdir).join(" ")} failed:\n${result.stderr}`);
    return seconds;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${median(samples).toFixed(2)} s, min ${sorted[0].toFixed(2)} s, max ${sorted[sorted.length - 1].toFixed(2)} s`;
}

const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

console.log(`synth wall time, ${runs} runs each, on ${cpus().length} cores; load average before: ${load()}`);
const medians = new Map<string, { synth: number; app: number }>();
for (const profile of profiles) {
  const env = { STREAMSTACK_PROFILE: profile };
  const synth: number[] = [];
  const cli: number[] = [];
  const app: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    synth.push(time("npm", (outdir) => ["run", "--silent", "synth", "--", "--output", outdir], env));
    cli.push(time("npx", (outdir) => ["cdktf", "synth", "--output", outdir], env));
    app.push(time(process.execPath, () => ["--import", "tsx", "main.ts"], env));
  }
  console.log(`${profile.padEnd(6)} npm run synth: ${summary(synth)}`);
  console.log(`${profile.padEnd(6)} cdktf synth:   ${summary(cli)}`);
  console.log(`${profile.padEnd(6)} app alone:     ${summary(app)}`);
  medians.set(profile, { synth: median(synth), app: median(app) });
}
console.log(`load average after: ${load()}`);
const kind = medians.get("kind");
if (kind) console.log(`RESULT synth_kind_median_s=${kind.synth.toFixed(2)} app_kind_median_s=${kind.app.toFixed(2)}`);
