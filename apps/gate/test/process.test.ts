import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { join } from "node:path";
import { runGate, selfSignedCertificate, writeBundle } from "./support";

/**
 * The real bundle against an HTTPS server standing in for the API server: it must verify the server with the CA
 * file, send the ServiceAccount token, and exit 0 / 1 / 2 / 3 with the messages the Job's log shows.
 */
jest.setTimeout(30_000);

const token = "gate-test-token";
const objectPath = "/apis/kafka.strimzi.io/v1beta2/namespaces/kafka/kafkas/kafka";
let object: unknown;
let forbidden = false;
let server: Server;
let environment: Record<string, string>;
let bundle: string;

beforeAll(async () => {
  const written = writeBundle("gate-process-");
  bundle = written.bundle;
  const certificate = selfSignedCertificate(written.directory);
  const tokenFile = join(written.directory, "token");
  writeFileSync(tokenFile, `${token}\n`);
  server = createServer({ key: certificate.key, cert: certificate.cert }, (request, response) => {
    if (request.headers.authorization !== `Bearer ${token}` || forbidden) {
      response.writeHead(403).end('{"kind":"Status","reason":"Forbidden"}');
    } else if (request.url === objectPath && object !== undefined) {
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(object));
    } else {
      response.writeHead(404).end('{"kind":"Status","reason":"NotFound"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  environment = {
    KUBERNETES_SERVICE_HOST: "127.0.0.1",
    KUBERNETES_SERVICE_PORT: String(port),
    GATE_TOKEN_FILE: tokenFile,
    GATE_CA_FILE: certificate.certFile,
    GATE_INTERVAL_SECONDS: "1",
    GATE_TARGETS: JSON.stringify([
      {
        apiPath: objectPath,
        description: "Kafka kafka/kafka",
        checks: [{ path: "status.conditions[type=Ready].status", equals: "True" }],
        hint: "kubectl -n kafka get kafka kafka",
      },
    ]),
  };
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  object = undefined;
  forbidden = false;
});

it("exits 0 once the object turns ready", async () => {
  setTimeout(() => (object = { status: { conditions: [{ type: "Ready", status: "False" }] } }), 500);
  setTimeout(() => (object = { status: { conditions: [{ type: "Ready", status: "True" }] } }), 2500);
  const outcome = await runGate(bundle, { ...environment, GATE_TIMEOUT_SECONDS: "20" });
  expect(outcome.stderr).toBe("");
  expect(outcome.code).toBe(0);
  expect(outcome.stdout).toMatch(/ready after \d+ s: Kafka kafka\/kafka\nall ready\n$/);
});

it("exits 1 after its time limit with a message naming the object, its state and what to check", async () => {
  object = { status: { conditions: [{ type: "Ready", status: "False" }] } };
  const outcome = await runGate(bundle, { ...environment, GATE_TIMEOUT_SECONDS: "3" });
  expect(outcome.code).toBe(1);
  expect(outcome.seconds).toBeGreaterThanOrEqual(3);
  expect(outcome.seconds).toBeLessThan(10);
  expect(outcome.stderr).toBe(
    "NOT READY after 3 s (the gate's time limit):\n" +
      "  - Kafka kafka/kafka: status.conditions[type=Ready].status is 'False', expected 'True'\n" +
      "    check: kubectl -n kafka get kafka kafka\n",
  );
});

it("exits 3, well before its time limit, when the API server keeps refusing it past the grace period", async () => {
  forbidden = true;
  const outcome = await runGate(bundle, {
    ...environment,
    GATE_TIMEOUT_SECONDS: "20",
    GATE_FORBIDDEN_GRACE_SECONDS: "1",
    GATE_INTERVAL_SECONDS: "1",
  });
  expect(outcome.code).toBe(3);
  expect(outcome.seconds).toBeLessThan(5);
  expect(outcome.stderr).toMatch(/gate cannot read Kafka kafka\/kafka: the API server refused the gate \(HTTP 403\)/);
});

it("does not trust a server its CA file does not vouch for", async () => {
  const outcome = await runGate(bundle, {
    ...environment,
    GATE_CA_FILE: "/etc/ssl/certs/ca-certificates.crt",
    GATE_TIMEOUT_SECONDS: "2",
  });
  expect(outcome.code).toBe(1);
  expect(outcome.stderr).toMatch(/cannot reach the API server: .*(self-signed|self signed)/);
});

it.each([
  ["GATE_TIMEOUT_SECONDS", "soon", "must be a whole number of seconds from 1 to 86400, got 'soon'"],
  ["GATE_TIMEOUT_SECONDS", "1e3", "must be a whole number of seconds from 1 to 86400, got '1e3'"],
  ["GATE_TIMEOUT_SECONDS", "0", "must be a whole number of seconds from 1 to 86400, got '0'"],
  ["GATE_INTERVAL_SECONDS", "99999999", "must be a whole number of seconds from 1 to 86400, got '99999999'"],
  ["GATE_FORBIDDEN_GRACE_SECONDS", "-1", "must be a whole number of seconds from 0 to 86400, got '-1'"],
  ["GATE_API_SERVER", "api:6443", "must be an https:// (or http://) URL of the API server, got 'api:6443'"],
])("exits 2 naming %s and what it accepts (%s)", async (variable, value, message) => {
  const outcome = await runGate(bundle, { ...environment, GATE_TIMEOUT_SECONDS: "5", [variable]: value });
  expect(outcome.code).toBe(2);
  expect(outcome.stdout).toBe("");
  expect(outcome.stderr).toBe(`gate configuration error: ${variable} ${message}\n`);
});

it("exits 2 on a service port kubelet could not have set", async () => {
  const { GATE_API_SERVER: _configured, ...inPod } = environment;
  const outcome = await runGate(bundle, {
    ...inPod,
    GATE_TIMEOUT_SECONDS: "5",
    KUBERNETES_SERVICE_HOST: "10.96.0.1",
    KUBERNETES_SERVICE_PORT: "https",
  });
  expect(outcome.code).toBe(2);
  expect(outcome.stderr).toBe(
    "gate configuration error: KUBERNETES_SERVICE_PORT must be a port from 1 to 65535, got 'https'\n",
  );
});
