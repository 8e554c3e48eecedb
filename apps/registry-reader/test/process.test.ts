import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleApp } from "../../bundle";
import { freePort, run, schemaById, startFakeRegistry, type FakeRegistry } from "./support";

jest.setTimeout(30_000);

const listenMarker = "TEST HOOK: listen on a port";
let scratch: string;
let registry: FakeRegistry;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "registry-reader-"));
  registry = await startFakeRegistry();
});
afterAll(async () => {
  await registry.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("configuration errors (npx tsx apps/registry-reader/src/main.ts)", () => {
  let hook: string;
  beforeAll(() => {
    // Preloaded into every node process of the run (npx, tsx and the app), so a port bound at any moment is seen,
    // even one the process exits right after; tsx's own IPC listens on a pipe path, which is not reported.
    hook = join(scratch, "listen-hook.cjs");
    writeFileSync(
      hook,
      `const net = require("node:net");
const { writeSync } = require("node:fs");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const first = args[0];
  const onPath = typeof first === "string" || (typeof first === "object" && first !== null && "path" in first);
  if (!onPath) writeSync(2, ${JSON.stringify(`${listenMarker}\n`)});
  return listen.apply(this, args);
};
`,
    );
  });

  const runMain = (environment: Record<string, string>) =>
    run("npx", ["tsx", "apps/registry-reader/src/main.ts"], { ...environment, NODE_OPTIONS: `--require ${hook}` });

  it("the listen hook sees the app bind its port (so its silence below means something)", async () => {
    const occupied = await occupyPort();
    try {
      const port = (occupied.address() as AddressInfo).port;
      const outcome = await runMain({ REGISTRY_READER_UPSTREAM: registry.url, REGISTRY_READER_PORT: String(port) });
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain(listenMarker);
      expect(outcome.stderr).toMatch(new RegExp(`registry-reader cannot listen on port ${port}: .*EADDRINUSE`));
    } finally {
      await new Promise((resolve) => occupied.close(resolve));
    }
  });

  // Never contacted: the configuration is refused first.
  const upstream = "http://schema-registry:8081";
  const cases: [string, Record<string, string>, string[]][] = [
    [
      "a missing upstream",
      {},
      [
        "REGISTRY_READER_UPSTREAM is required: the schema registry's base URL, an http:// or https:// URL with no user, password, query or fragment",
      ],
    ],
    [
      "a port that is not a number",
      { REGISTRY_READER_UPSTREAM: upstream, REGISTRY_READER_PORT: "abc" },
      ['REGISTRY_READER_PORT expects a whole number from 1 to 65535, got "abc"'],
    ],
    [
      "a timeout below the minimum",
      { REGISTRY_READER_UPSTREAM: upstream, REGISTRY_READER_TIMEOUT_MS: "99" },
      ['REGISTRY_READER_TIMEOUT_MS expects a whole number from 100 to 120000, got "99"'],
    ],
    [
      "everything wrong at once",
      { REGISTRY_READER_UPSTREAM: "ftp://registry", REGISTRY_READER_PORT: "0", REGISTRY_READER_TIMEOUT_MS: "1e4" },
      [
        'REGISTRY_READER_UPSTREAM expects an http:// or https:// URL with no user, password, query or fragment, got "ftp://registry"',
        'REGISTRY_READER_PORT expects a whole number from 1 to 65535, got "0"',
        'REGISTRY_READER_TIMEOUT_MS expects a whole number from 100 to 120000, got "1e4"',
      ],
    ],
  ];

  it.each(cases)("%s: exit 2 before listening, naming the variable", async (_case, environment, messages) => {
    const outcome = await runMain({ REGISTRY_READER_PORT: String(await freePort()), ...environment });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toBe(
      messages.map((message) => `registry-reader configuration error: ${message}\n`).join(""),
    );
    expect(outcome.stdout).toBe("");
  });
});

describe("the bundle (bundleApp) under plain node", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill("SIGKILL");
  });

  it("has no npm dependency", () => {
    expect(bundleApp("registry-reader").packageDirectories).toEqual([]);
  });

  it("serves /healthz, reads through, refuses a write, and exits 0 soon after SIGTERM", async () => {
    const bundle = join(scratch, "registry-reader.js");
    writeFileSync(bundle, bundleApp("registry-reader").code);
    const port = await freePort();
    const started = spawn(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? "", REGISTRY_READER_UPSTREAM: registry.url, REGISTRY_READER_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    let stdout = "";
    let stderr = "";
    started.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    started.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => started.on("exit", (code) => resolve(code)));
    await until(
      () => stdout.includes("listening on port"),
      () => `no listening line; stderr: ${stderr}`,
    );
    expect(stdout).toBe(`[registry-reader] listening on port ${port}; GET and HEAD go to ${registry.url}\n`);

    const base = `http://127.0.0.1:${port}`;
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, "ok"]);
    const schema = await fetch(`${base}/schemas/ids/1`);
    expect([schema.status, await schema.text()]).toEqual([200, schemaById]);
    const write = await fetch(`${base}/subjects/x/versions`, { method: "POST", body: "{}" });
    expect(write.status).toBe(405);
    await write.text();

    const signalled = Date.now();
    started.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3_000);
    expect(stderr).toBe("");
    expect(stdout.split("\n").slice(1)).toEqual([
      expect.stringMatching(
        /^\[registry-reader\] refused write: POST \/subjects\/x\/versions from (::ffff:)?127\.0\.0\.1$/,
      ),
      "[registry-reader] received SIGTERM; closing",
      "",
    ]);
  });
});

/** A port bound on every address, as the app binds it. */
function occupyPort(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, () => resolve(server)));
}

async function until(condition: () => boolean, explain: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(explain());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
