import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleApp } from "../../bundle";
import { runCaptured, type Captured } from "../../testing/run-captured";

/** Runs the real bundle (as shipped in the ConfigMap); a dashboard that got past its configuration is stopped. */
jest.setTimeout(20_000);

let directory: string;
let bundlePath: string;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "dashboard-bundle-"));
  bundlePath = join(directory, "dashboard.js");
  writeFileSync(bundlePath, bundleApp("dashboard").code);
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

function runDashboard(environment: Record<string, string>): Promise<Captured> {
  return runCaptured(process.execPath, [bundlePath], {
    cwd: directory,
    env: { PATH: process.env.PATH ?? "", ...environment },
    killAfterMs: 5_000,
  });
}

it("exits 2 on bad settings, naming each, before it listens or connects to Cassandra", async () => {
  const outcome = await runDashboard({
    CASSANDRA_CONTACT_POINTS: "127.0.0.1:0",
    CASSANDRA_REQUEST_TIMEOUT_MS: "1e4",
    PORT: "0",
  });
  expect(outcome.code).toBe(2);
  expect(outcome.stderr).toContain(
    'CASSANDRA_CONTACT_POINTS: each entry must be host or host:port, the port from 1 to 65535 (entry 1) (got "127.0.0.1:0")',
  );
  expect(outcome.stderr).toContain(
    'CASSANDRA_REQUEST_TIMEOUT_MS: expected a whole number from 100 to 2147483647 (got "1e4")',
  );
  expect(outcome.stderr).not.toContain("listening on port");
});
