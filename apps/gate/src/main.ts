// Readiness gate: exits 0 once every target object satisfies its checks, 1 after the time limit (naming what is not
// ready and what to look at), 2 on a configuration error, 3 when the API server refuses the gate (RBAC).
import { apiGetter } from "./api";
import { readSettings, type GateSettings } from "./settings";
import { waitForTargets } from "./wait";

async function main(): Promise<number> {
  let settings: GateSettings;
  try {
    settings = readSettings(process.env);
  } catch (error) {
    process.stderr.write(`gate configuration error: ${(error as Error).message}\n`);
    return 2;
  }
  const outcome = await waitForTargets({
    targets: settings.targets,
    timeoutSeconds: settings.timeoutSeconds,
    intervalSeconds: settings.intervalSeconds,
    forbiddenGraceSeconds: settings.forbiddenGraceSeconds,
    get: apiGetter(settings),
  });
  if (outcome.ready) {
    process.stdout.write("all ready\n");
    return 0;
  }
  process.stderr.write(`${outcome.report}\n`);
  return outcome.reason === "forbidden" ? 3 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`gate failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
