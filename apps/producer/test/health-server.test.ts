import type { HealthVerdict } from "../src/health";
import { startHealthServer, type HealthServer } from "../src/health-server";
import { probe } from "./http-probe";

describe("startHealthServer", () => {
  let verdict: HealthVerdict;
  let server: HealthServer;

  beforeEach(async () => {
    verdict = { healthy: true };
    server = await startHealthServer(0, () => verdict, "127.0.0.1");
  });

  afterEach(() => server.close());

  it("answers GET /healthz with 200 ok while healthy", async () => {
    expect(await probe(server.port, "/healthz")).toMatchObject({ status: 200, body: "ok\n" });
    expect(await probe(server.port, "/healthz?verbose=1")).toMatchObject({ status: 200, body: "ok\n" });
  });

  it("answers 503 with the one-line reason while unhealthy, asking the state on every request", async () => {
    verdict = { healthy: false, reason: "no acknowledgement from Kafka for 2.0 s with a batch in flight" };
    expect(await probe(server.port, "/healthz")).toMatchObject({
      status: 503,
      body: "no acknowledgement from Kafka for 2.0 s with a batch in flight\n",
    });
    verdict = { healthy: true };
    expect((await probe(server.port, "/healthz")).status).toBe(200);
  });

  it.each(["/", "/health", "/healthz/", "/metrics"])("answers 404 for %s", async (path) => {
    expect(await probe(server.port, path)).toMatchObject({
      status: 404,
      body: `not found: ${path} (only /healthz is served)\n`,
    });
  });

  it("answers HEAD like GET, and refuses other methods", async () => {
    expect((await probe(server.port, "/healthz", "HEAD")).status).toBe(200);
    const post = await probe(server.port, "/healthz", "POST");
    expect(post).toMatchObject({ status: 405, headers: { allow: "GET, HEAD" } });
  });

  it("stops listening on close, and a second close is harmless", async () => {
    await server.close();
    await server.close();
    await expect(probe(server.port, "/healthz")).rejects.toThrow(/ECONNREFUSED/);
  });
});

it("fails to start on a port that is taken, with the system's reason", async () => {
  const first = await startHealthServer(0, () => ({ healthy: true }), "127.0.0.1");
  try {
    await expect(startHealthServer(first.port, () => ({ healthy: true }), "127.0.0.1")).rejects.toThrow(/EADDRINUSE/);
  } finally {
    await first.close();
  }
});

it("listens on every interface unless told otherwise", async () => {
  // On Linux all of 127.0.0.0/8 reaches the loopback device, but a server bound to 127.0.0.1 alone refuses 127.0.0.2.
  const everywhere = await startHealthServer(0, () => ({ healthy: true }));
  const loopbackOnly = await startHealthServer(0, () => ({ healthy: true }), "127.0.0.1");
  try {
    expect((await probe(everywhere.port, "/healthz", "GET", "127.0.0.2")).status).toBe(200);
    await expect(probe(loopbackOnly.port, "/healthz", "GET", "127.0.0.2")).rejects.toThrow(/ECONNREFUSED/);
  } finally {
    await Promise.all([everywhere.close(), loopbackOnly.close()]);
  }
});
