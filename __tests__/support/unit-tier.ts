import type * as ChildProcess from "node:child_process";

/**
 * The unit tier starts no program (support/test-tiers.cjs says why). A unit-tier test file that starts one through
 * child_process (with or without the node: prefix) fails at that call, naming the fix, instead of quietly making
 * `npm test` slower. Not guarded: worker threads, and esbuild's sync API, which runs its binary from a worker thread
 * outside jest's module registry (the apps' bundles; support/setup-jest.ts shares them per run).
 */
const starters = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

function refusingChildProcess(moduleName: string): typeof ChildProcess {
  const actual = jest.requireActual<typeof ChildProcess>(moduleName);
  const refused = Object.fromEntries(
    starters.map((name) => [
      name,
      (command: unknown) => {
        throw new Error(
          `${name}(${String(command)}) in ${expect.getState().testPath ?? "a unit-tier test"}: unit tests start no ` +
            "programs; add the file to integrationSuites in __tests__/support/test-tiers.cjs " +
            "(npm run test:integration runs it), or test the code in this process",
        );
      },
    ]),
  );
  return { ...actual, ...refused };
}

jest.mock("node:child_process", () => refusingChildProcess("node:child_process"));
jest.mock("child_process", () => refusingChildProcess("child_process"));
