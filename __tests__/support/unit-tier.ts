import type * as ChildProcess from "node:child_process";

/**
 * The unit tier runs code in jest's process only (support/test-tiers.cjs says why). A unit-tier test file that starts
 * a program fails at that call, naming the fix, instead of quietly making `npm test` slower. Worker threads are not
 * programs: they stay allowed.
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
