import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleApp } from "../../bundle";
import { FakeSchemaRegistry } from "./fake-schema-registry";
import { probe, type HttpAnswer } from "./http-probe";

/**
 * Runs the real bundle (as shipped in the ConfigMap) from a directory with no schema file
 * beside it, against a fake schema registry and a closed Kafka port.
 */
jest.setTimeout(20_000);

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let directory: string;
let bundlePath: string;
const registry = new FakeSchemaRegistry(1);
let registryUrl: string;
let closedBroker: string;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function runProducer(
  args: string[],
  environment: Record<string, string>,
  onStderr?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundlePath, ...args], {
      cwd: directory,
      env: { PATH: process.env.PATH ?? "", ...environment },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, child);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "producer-bundle-"));
  bundlePath = join(directory, "producer.js");
  writeFileSync(bundlePath, bundleApp("producer").code);
  registryUrl = await registry.start();
  closedBroker = `127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  await registry.stop();
  rmSync(directory, { recursive: true, force: true });
});

it("exits 2 naming the variable when the configuration is invalid", async () => {
  const outcome = await runProducer(["--count", "3"], {
    SCHEMA_REGISTRY_URL: registryUrl,
    PRODUCER_BATCH_SIZE: "lots",
  });
  expect(outcome.code).toBe(2);
  expect(outcome.stderr).toContain("KAFKA_BOOTSTRAP_SERVERS: required but not set");
  expect(outcome.stderr).toContain('PRODUCER_BATCH_SIZE: expected a whole number from 1 to 10000 (got "lots")');
});

it("exits 2 on a bad setting before it asks the schema registry anything", async () => {
  const requestsBefore = registry.requests.length;
  const outcome = await runProducer(["--count", "3"], {
    KAFKA_BOOTSTRAP_SERVERS: closedBroker,
    SCHEMA_REGISTRY_URL: registryUrl,
    KAFKA_RETRY_INITIAL_MS: "5000",
    KAFKA_RETRY_MAX_MS: "100",
  });
  expect(outcome.code).toBe(2);
  expect(outcome.stderr).toContain("KAFKA_RETRY_INITIAL_MS: expected at most KAFKA_RETRY_MAX_MS (100)");
  expect(outcome.stdout).toBe("");
  expect(registry.requests.length).toBe(requestsBefore);
});

it("exits 2 with usage on a bad command line", async () => {
  const outcome = await runProducer(["--count", "many"], {
    KAFKA_BOOTSTRAP_SERVERS: closedBroker,
    SCHEMA_REGISTRY_URL: registryUrl,
  });
  expect(outcome.code).toBe(2);
  expect(outcome.stderr).toMatch(/--count expects a whole number > 0[\s\S]*usage: producer/);
});

it("stops on SIGTERM while connecting: exit 0, summary on stdout", async () => {
  let signalled = false;
  const outcome = await runProducer(
    ["--count", "10"],
    {
      KAFKA_BOOTSTRAP_SERVERS: closedBroker,
      SCHEMA_REGISTRY_URL: registryUrl,
      KAFKA_RETRIES: "100",
      KAFKA_RETRY_INITIAL_MS: "100",
    },
    (stderr, child) => {
      if (!signalled && stderr.includes("connecting to Kafka")) {
        signalled = true;
        setTimeout(() => child.kill("SIGTERM"), 300);
      }
    },
  );
  expect(signalled).toBe(true);
  expect(outcome.stderr).toContain("schema registered under users_created-value with id 1");
  expect(outcome.stderr).toContain("received SIGTERM: finishing the batch in flight, then disconnecting");
  expect(outcome.stderr).not.toContain("/healthz");
  // The bundle is also the generator's worker thread, which started here and ran no second producer.
  expect(outcome.stderr).toContain('records from built-in generator (seed "streamstack") on a worker thread');
  expect(outcome.stderr.match(/\[producer\] plan: /g)).toHaveLength(1);
  expect(outcome.code).toBe(0);
  expect(JSON.parse(outcome.stdout.trim())).toMatchObject({
    sent: 0,
    topic: "users_created",
    schemaId: 1,
    stoppedBySignal: true,
  });
});

it("exits 1 with a clear message when Kafka stays unreachable", async () => {
  const outcome = await runProducer(["--count", "10"], {
    KAFKA_BOOTSTRAP_SERVERS: closedBroker,
    SCHEMA_REGISTRY_URL: registryUrl,
    KAFKA_RETRIES: "1",
    KAFKA_RETRY_INITIAL_MS: "50",
    KAFKA_RETRY_MAX_MS: "100",
    KAFKA_CONNECTION_TIMEOUT_MS: "500",
  });
  expect(outcome.code).toBe(1);
  expect(outcome.stderr).toContain(`error: could not connect to Kafka at KAFKA_BOOTSTRAP_SERVERS=${closedBroker}`);
  expect(outcome.stderr).toContain("ECONNREFUSED");
});

it.each(["0", "65536", "http", "8080.5", "-1", "0x50", "1e3"])(
  "exits 2 on PRODUCER_HEALTH_PORT=%j, naming the variable and the ports it accepts, before contacting anything",
  async (value) => {
    const requestsBefore = registry.requests.length;
    const outcome = await runProducer(["--count", "3"], {
      KAFKA_BOOTSTRAP_SERVERS: closedBroker,
      SCHEMA_REGISTRY_URL: registryUrl,
      PRODUCER_HEALTH_PORT: value,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain(
      `PRODUCER_HEALTH_PORT: expected a whole number from 1 to 65535 (got ${JSON.stringify(value)})`,
    );
    expect(outcome.stdout).toBe("");
    expect(registry.requests.length).toBe(requestsBefore);
  },
);

it("serves /healthz while it starts, and stops serving on SIGTERM, then exits 0", async () => {
  const port = await closedPort();
  const answers: Record<string, HttpAnswer> = {};
  let signalled = false;
  const outcome = await runProducer(
    [],
    {
      KAFKA_BOOTSTRAP_SERVERS: closedBroker,
      SCHEMA_REGISTRY_URL: registryUrl,
      KAFKA_RETRIES: "100",
      KAFKA_RETRY_INITIAL_MS: "100",
      PRODUCER_HEALTH_PORT: String(port),
    },
    (stderr, child) => {
      if (signalled || !stderr.includes("connecting to Kafka")) return;
      signalled = true;
      void Promise.all([probe(port, "/healthz"), probe(port, "/metrics")])
        .then(([healthz, other]) => Object.assign(answers, { healthz, other }))
        .finally(() => child.kill("SIGTERM"));
    },
  );
  expect(outcome.stderr).toContain(`serving /healthz on port ${port}`);
  expect(answers.healthz).toMatchObject({ status: 200, body: "ok\n" });
  expect(answers.other).toMatchObject({ status: 404 });
  expect(outcome.code).toBe(0);
  expect(JSON.parse(outcome.stdout.trim())).toMatchObject({ sent: 0, stoppedBySignal: true });
  await expect(probe(port, "/healthz")).rejects.toThrow(/ECONNREFUSED/);
});

it("exits 1 naming PRODUCER_HEALTH_PORT when the port is taken, before it asks the schema registry anything", async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "0.0.0.0", resolve));
  const { port } = taken.address() as { port: number };
  const requestsBefore = registry.requests.length;
  try {
    const outcome = await runProducer(["--count", "3"], {
      KAFKA_BOOTSTRAP_SERVERS: closedBroker,
      SCHEMA_REGISTRY_URL: registryUrl,
      PRODUCER_HEALTH_PORT: String(port),
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain(`error: cannot serve /healthz on PRODUCER_HEALTH_PORT=${port}: listen EADDRINUSE`);
    expect(registry.requests.length).toBe(requestsBefore);
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
