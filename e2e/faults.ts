/**
 * The fault suite on the real engines (issue 9): each scenario runs the real producer at a steady rate, injects one
 * fault (producer SIGTERM, Spark job SIGKILL, broker SIGKILL, Cassandra SIGSTOP then SIGKILL, ZooKeeper restart,
 * registry outage), waits for the pipeline to drain and checks exactly: acknowledged records == rows, one row per
 * id, no extra rows, each key once in the topic, malformed -> dead letters naming partition and offset, dashboard.
 *
 *   npx tsx e2e/faults.ts [--rate 200] [--duration 30] [--scenarios a,b] [--drain 600]      (npm run e2e:faults)
 */
import { inspect } from "node:util";
import { AssertionReport } from "./lib/assertions";
import { liveEngines } from "./lib/faults/engines";
import { runEvolutionScenario } from "./lib/faults/evolution-scenario";
import { readFaultOptions } from "./lib/faults/options";
import { runScenario, type ScenarioFigures, type SuiteState } from "./lib/faults/run-scenario";
import { faults } from "./lib/faults/scenarios";
import { SparkSupervisor } from "./lib/faults/supervisor";
import { stopProcess } from "./lib/processes";
import { withStack } from "./lib/stack";

function figuresTable(figures: readonly ScenarioFigures[]): string {
  const header = "scenario              sent   topic  rows   lost  dup  dead-letters  recovery  spark-restarts";
  const lines = figures.map((row) =>
    [
      row.name.padEnd(20),
      String(row.sent ?? "?").padStart(6),
      String(row.inTopic).padStart(6),
      String(row.rows).padStart(6),
      String(row.lost).padStart(5),
      String(row.duplicated).padStart(4),
      String(row.deadLetters).padStart(13),
      (row.recoverySeconds === undefined ? "-" : `${row.recoverySeconds.toFixed(1)}s`).padStart(9),
      String(row.sparkRestarts).padStart(15),
    ].join(" "),
  );
  return [header, ...lines].join("\n");
}

async function main(): Promise<void> {
  const options = readFaultOptions();
  const started = Date.now();
  const report = new AssertionReport();
  const figures: ScenarioFigures[] = [];
  const outcome = await withStack({ label: "faults", cassandra: true, spark: true, dashboard: true }, async (stack) => {
    if (stack.spark === undefined || stack.dashboard === undefined) throw new Error("the stack has no Spark job");
    const spark = new SparkSupervisor(stack.spark.process);
    const state: SuiteState = {
      stack,
      engines: liveEngines(stack),
      spark,
      checkpointLocation: stack.spark.checkpointLocation,
      dashboardUrl: stack.dashboard.url,
      expectedIds: new Set(),
    };
    try {
      for (const name of options.scenarios) {
        const scenarioStarted = Date.now();
        try {
          figures.push(
            name === "schema-evolution"
              ? await runEvolutionScenario(state, options, report)
              : await runScenario(state, faults[name], options, report),
          );
        } catch (error) {
          report.check(`${name}: scenario completed`, false, error instanceof Error ? error.message : String(error));
        }
        process.stdout.write(`scenario ${name} took ${((Date.now() - scenarioStarted) / 1000).toFixed(0)}s\n`);
      }
      const engines = state.engines;
      const dead = [engines.zookeeper, engines.broker, engines.cassandra, engines.registry, engines.dashboard]
        .filter((managed) => managed.hasExited())
        .map((managed) => managed.name);
      report.check("every engine running at the end", dead.length === 0, dead.join(", "));
    } finally {
      // Consumers first, so the job stops between batches while Kafka and Cassandra are still there.
      await spark.stop();
      await stopProcess(state.engines.dashboard);
    }
  });
  if (outcome.error !== undefined)
    report.check(
      "stack started and every scenario ran",
      false,
      outcome.error instanceof Error ? outcome.error.message : inspect(outcome.error),
    );
  report.check(
    "nothing left listening after stop",
    outcome.leftListening.length === 0,
    outcome.leftListening.join(", "),
  );
  process.stdout.write(`\n${figuresTable(figures)}\n`);
  process.stdout.write(
    `\n${options.rate}/s x ${options.duration}s per scenario; total wall time ${((Date.now() - started) / 1000).toFixed(0)}s; logs in ${outcome.runDir}\n`,
  );
  report.printSummary(`e2e:faults (${options.scenarios.length} scenarios)`);
  process.exit(report.failed === 0 ? 0 : 1);
}

void main();
