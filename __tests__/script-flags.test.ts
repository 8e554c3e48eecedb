import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Each entry point that starts engines or writes files refuses bad flags and settings before it starts anything:
// exit 2, every problem named with what it accepts, and no run directory made (createRunDir and the benchmarks'
// scratch folders are made under the temporary directory, so the child gets an empty one of its own).
const repoRoot = join(__dirname, "..");

/** Runs a script's real parsing with the given arguments and environment. */
function refused(script: string, args: readonly string[], env: Record<string, string> = {}) {
  const scratch = mkdtempSync(join(tmpdir(), "script-flags-"));
  try {
    const started = Date.now();
    const result = spawnSync(process.execPath, ["--require", "tsx/cjs", script, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env, TMPDIR: scratch },
      encoding: "utf8",
      timeout: 60_000,
    });
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      seconds: (Date.now() - started) / 1000,
      // tsx keeps its compile cache under the temporary directory too; only our own folders count.
      madeDirectories: readdirSync(scratch).filter((name) => name.startsWith("streamstack-")),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

it.each([
  ["e2e/run.ts", ["--count", "abc"], {}, ['e2e/run.ts: --count expects a whole number from 1 to 1000000, got "abc"']],
  [
    "e2e/run.ts",
    ["--count", "5000000", "--verbose"],
    { E2E_ROWS_TIMEOUT_MS: "soon" },
    [
      "unknown flag --verbose; allowed: --count",
      '--count expects a whole number from 1 to 1000000, got "5000000"',
      'E2E_ROWS_TIMEOUT_MS expects a whole number from 10000 to 3600000, got "soon"',
    ],
  ],
  ["e2e/run.ts", [], { E2E_RECORD_COUNT: "0" }, ['E2E_RECORD_COUNT expects a whole number from 1 to 1000000, got "0"']],
  [
    "e2e/run.ts",
    [],
    { E2E_KAFKA_PORT: "kafka", E2E_SPARK_DRIVER_MEMORY: "lots" },
    [
      'E2E_KAFKA_PORT expects a whole number from 1024 to 65535, got "kafka"',
      'E2E_SPARK_DRIVER_MEMORY expects a JVM memory size such as "1200m" or "2g", got "lots"',
    ],
  ],
  [
    "e2e/faults.ts",
    ["--rate", "0", "--duration", "x", "--scenarios", "spark-kill,disk-full", "--drain", "5", "--chaos"],
    {},
    [
      "unknown flag --chaos; allowed: --rate, --duration, --scenarios, --drain",
      '--rate expects a whole number from 1 to 5000, got "0"',
      '--duration expects a whole number from 20 to 600, got "x"',
      '--scenarios expects one or more of producer-sigterm, spark-kill, kafka-broker-kill, cassandra-stop-kill, zookeeper-restart, registry-down, schema-evolution, comma-separated, got "spark-kill,disk-full" (unknown: "disk-full")',
      '--drain expects a whole number from 30 to 1800, got "5"',
    ],
  ],
  ["e2e/faults.ts", ["--scenarios", ""], {}, ["--scenarios expects one or more of", 'got "" (empty)']],
  [
    "e2e/soak.ts",
    ["--minutes", "0", "--rate"],
    {},
    ['--minutes expects a whole number from 1 to 120, got "0"', "--rate needs a value"],
  ],
  [
    "e2e/bench-producer.ts",
    [],
    { BENCH_RECORDS: "lots" },
    ['BENCH_RECORDS expects a whole number from 1000 to 10000000, got "lots"'],
  ],
  [
    "e2e/reference-producer.ts",
    ["--client", "librdkafka", "--in-flight", "9", "--bootstrap", "kafka"],
    {},
    [
      'reference-producer.ts: --client expects one of kafkajs, platformatic, got "librdkafka"',
      '--in-flight expects a whole number from 1 to 5, got "9"',
      '--bootstrap expects host:port, got "kafka"',
    ],
  ],
  [
    "e2e/bench-latency.ts",
    [],
    { BENCH_RATES: "50,fast", BENCH_SUSTAIN_RATES: "", BENCH_DURATION: "5" },
    [
      'BENCH_RATES expects a comma-separated list of whole numbers from 1 to 100000, got "50,fast"',
      'BENCH_SUSTAIN_RATES expects a comma-separated list of whole numbers from 1 to 100000, got ""',
      'BENCH_DURATION expects a whole number from 10 to 3600, got "5"',
    ],
  ],
  // The harness's own settings are checked when it loads, before the script reads its own.
  [
    "e2e/bench-latency.ts",
    [],
    { E2E_TRIGGER_INTERVAL: "2s" },
    [
      'E2E_TRIGGER_INTERVAL expects a Spark trigger interval: "<n> milliseconds", "<n> seconds" or "<n> minutes", got "2s"',
    ],
  ],
  ["e2e/bench-latency.ts", ["--rates", "50"], {}, ["takes no flags, got --rates"]],
  [
    "e2e/cassandra-roles.ts",
    ["now"],
    { E2E_CASSANDRA_PORT: "99999" },
    ['E2E_CASSANDRA_PORT expects a whole number from 1024 to 65535, got "99999"'],
  ],
  ["e2e/cassandra-roles.ts", ["now"], {}, ['takes no arguments, got "now"']],
  [
    "scripts/measure-rss.ts",
    ["--records", "0", "--phase", "kafka", "--write=yes"],
    {},
    [
      '--write takes no value, got "yes"',
      '--records expects a whole number from 1 to 1000000, got "0"',
      '--phase expects one of all, airflow, engines, got "kafka"',
    ],
  ],
  [
    "scripts/bench-synth.ts",
    ["many", "kind,aws"],
    {},
    [
      'runs (argument 1) expects a whole number from 1 to 50, got "many"',
      'profiles (argument 2) expects one or more of kind, cloud, comma-separated, got "kind,aws" (unknown: "aws")',
    ],
  ],
  ["scripts/netpol.ts", ["kind", "aws"], {}, ['profile expects one of kind, cloud, got "aws"']],
  ["scripts/synth.ts", ["--output"], {}, ["--output needs a value"]],
  ["scripts/diff-synth.ts", ["--colour", "red"], {}, ["diff:synth: unknown flag --colour"]],
  [
    "scripts/verify/settings.ts",
    [],
    { STREAMSTACK_DRY_RUN: "yes", STREAMSTACK_KUBE_VERSION: "latest" },
    [
      'STREAMSTACK_DRY_RUN expects one of 0, 1, got "yes"',
      'STREAMSTACK_KUBE_VERSION expects a Kubernetes version such as "1.33.0", got "latest"',
    ],
  ],
  [
    "scripts/verify/runtime-pods.ts",
    ["--work", "w"],
    {},
    ["--stacks is required: the directory of synthesized stacks"],
  ],
])("%s %j (env %j) exits 2 before starting anything", (script, args, env, messages) => {
  const run = refused(script, args, env);
  expect({ status: run.status, stdout: run.stdout, madeDirectories: run.madeDirectories }).toEqual({
    status: 2,
    stdout: "",
    madeDirectories: [],
  });
  for (const message of messages) expect(run.stderr).toContain(message);
  // A run that got as far as its engines would take minutes; parsing is tsx's start-up and one read of the input.
  expect(run.seconds).toBeLessThan(20);
});

it("lets good verify settings through, saying nothing", () => {
  const run = refused("scripts/verify/settings.ts", [], {
    STREAMSTACK_DRY_RUN: "1",
    STREAMSTACK_KUBE_VERSION: "1.32.0",
  });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
});
