import { readInput } from "../../../scripts/lib/script-input";

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

const faultsUsage = `usage: npx tsx e2e/faults.ts [--rate R] [--duration S] [--scenarios a,b,...] [--drain S]
  --rate R         records per second per scenario, a whole number 1..5000 (default 200)
  --duration S     seconds of producing per scenario, a whole number 20..600 (default 30)
  --scenarios L    comma-separated subset of: ${scenarioNames.join(", ")} (default: all)
  --drain S        seconds a scenario waits for the job to catch up, a whole number 30..1800 (default 600)`;

/** The suite's flags; a bad one stops the suite with exit 2 before any engine starts. */
export function readFaultOptions(argv: readonly string[] = process.argv.slice(2)): FaultOptions {
  return readInput(
    { values: ["rate", "duration", "scenarios", "drain"], usage: faultsUsage },
    (input) => {
      const chosen = input.choiceList({ flag: "scenarios" }, scenarioNames, scenarioNames);
      return {
        rate: input.wholeNumber({ flag: "rate" }, 200, { min: 1, max: 5000 }),
        duration: input.wholeNumber({ flag: "duration" }, 30, { min: 20, max: 600 }),
        // The suite's order whatever order the flag lists them in.
        scenarios: scenarioNames.filter((name) => chosen.includes(name)),
        drainSeconds: input.wholeNumber({ flag: "drain" }, 600, { min: 30, max: 1800 }),
      };
    },
    argv,
  );
}
