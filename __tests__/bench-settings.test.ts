import { spawnSync } from "node:child_process";
import { join } from "node:path";

// A bad benchmark setting stops the benchmark before it starts any engine: exit 2, the variable and what it accepts.
const repoRoot = join(__dirname, "..");

function run(script: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--require", "tsx/cjs", script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

it.each([
  [
    "e2e/bench-producer.ts",
    { BENCH_RECORDS: "lots" },
    'BENCH_RECORDS expects a whole number from 1000 to 10000000, got "lots"',
  ],
  ["e2e/bench-latency.ts", { BENCH_RATES: "50,fast" }, "BENCH_RATES expects a comma-separated list of whole numbers"],
  ["e2e/bench-latency.ts", { BENCH_DURATION: "5" }, 'BENCH_DURATION expects a whole number from 10 to 3600, got "5"'],
  ["e2e/bench-latency.ts", { E2E_TRIGGER_INTERVAL: "2s" }, "E2E_TRIGGER_INTERVAL expects a Spark trigger interval"],
])("%s refuses %j before starting anything", (script, env, message) => {
  const { status, output } = run(script, env);
  expect(status).toBe(2);
  expect(output).toContain(message);
  expect(output).not.toContain("run directory");
});
