import { parseArgs } from "node:util";

/** The scenarios of the fault suite, in the order they run (cheapest faults first, the slow restarts last). */
export const scenarioNames = [
  "producer-sigterm",
  "spark-kill",
  "kafka-broker-kill",
  "cassandra-stop-kill",
  "zookeeper-restart",
  "registry-down",
  // Last: it registers v2 on the pipeline's subject, which later producers of v1 would not expect.
  "schema-evolution",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];
export type FaultName = Exclude<ScenarioName, "schema-evolution">;

export interface FaultOptions {
  /** Records per second the producer sends in each scenario. */
  readonly rate: number;
  /** Seconds the producer runs in each scenario. */
  readonly duration: number;
  readonly scenarios: readonly ScenarioName[];
  /** Seconds each scenario waits for the job to catch up before counting rows. */
  readonly drainSeconds: number;
}

/** A bad flag: the message names the flag and its allowed values; the caller exits 2. */
export class FlagError extends Error {}

export const faultsUsage = `usage: npx tsx e2e/faults.ts [--rate R] [--duration S] [--scenarios a,b,...]
  --rate R         records per second per scenario, a whole number 1..5000 (default 200)
  --duration S     seconds of producing per scenario, a whole number 20..600 (default 30)
  --scenarios L    comma-separated subset of: ${scenarioNames.join(", ")} (default: all)
  --drain S        seconds a scenario waits for the job to catch up, a whole number 30..1800 (default 600)`;

function wholeNumber(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(value) || value < min || value > max)
    throw new FlagError(`--${flag} expects a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function isScenarioName(name: string): name is ScenarioName {
  return (scenarioNames as readonly string[]).includes(name);
}

function scenarioList(raw: string | undefined): ScenarioName[] {
  if (raw === undefined) return [...scenarioNames];
  const names = raw.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !isScenarioName(name));
  if (unknown.length > 0 || names.length === 0)
    throw new FlagError(`--scenarios: unknown ${JSON.stringify(unknown)}; allowed: ${scenarioNames.join(", ")}`);
  // Keep the suite's order whatever order the flag lists them in.
  return scenarioNames.filter((name) => names.includes(name));
}

/** Parses the suite's flags; throws FlagError naming the flag and its allowed values. */
export function parseFaultOptions(argv: readonly string[]): FaultOptions {
  let values: { rate?: string; duration?: string; scenarios?: string; drain?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        rate: { type: "string" },
        duration: { type: "string" },
        scenarios: { type: "string" },
        drain: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const reason =
      typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
    throw new FlagError(`${reason}; allowed flags: --rate, --duration, --scenarios, --drain`);
  }
  return {
    rate: wholeNumber("rate", values.rate, 200, 1, 5000),
    duration: wholeNumber("duration", values.duration, 30, 20, 600),
    scenarios: scenarioList(values.scenarios),
    drainSeconds: wholeNumber("drain", values.drain, 600, 30, 1800),
  };
}
