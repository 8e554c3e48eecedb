import { get } from "node:http";
import { InMemoryUserRepository } from "../src/memory-repository";
import { DashboardServer, formatServerSentEvent } from "../src/server";
import { SnapshotService, type DashboardSnapshot } from "../src/snapshot";
import { sampleUsers } from "./fixtures";

let repository: InMemoryUserRepository;
let server: DashboardServer;
let baseUrl: string;

beforeEach(async () => {
  repository = new InMemoryUserRepository();
  repository.add(...sampleUsers(25, new Date()));
  const service = new SnapshotService(repository, { cacheMs: 0, ingestMinutes: 30, latestLimit: 10 });
  server = new DashboardServer(service, { pushIntervalMs: 100 });
  const address = await server.listen(0, "127.0.0.1");
  baseUrl = `http://127.0.0.1:${address.port}`;
});

afterEach(() => server.close());

async function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`);
  expect(response.headers.get("content-type")).toContain("application/json");
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Reads `count` server-sent events, then disconnects. */
function readEvents(
  count: number,
  onEvent?: (index: number) => void,
): Promise<Array<{ event: string; data: DashboardSnapshot }>> {
  return new Promise((resolve, reject) => {
    const request = get(`${baseUrl}/api/events`, (response) => {
      expect(response.headers["content-type"]).toContain("text/event-stream");
      const events: Array<{ event: string; data: DashboardSnapshot }> = [];
      let buffer = "";
      response.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        let boundary = buffer.indexOf("\n\n");
        while (boundary !== -1) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) {
            events.push({ event, data: JSON.parse(data) as DashboardSnapshot });
            onEvent?.(events.length);
            if (events.length === count) {
              request.destroy();
              resolve(events);
              return;
            }
          }
          boundary = buffer.indexOf("\n\n");
        }
      });
    });
    request.on("error", (error) => {
      if (!("code" in error && error.code === "ECONNRESET")) reject(error);
    });
  });
}

describe("JSON API", () => {
  it("GET /api/stats returns the whole snapshot", async () => {
    const { status, body } = await getJson("/api/stats");
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", stale: false, totalUsers: 25 });
    expect(body.ingestPerMinute).toHaveLength(30);
    expect(body.latestUsers).toHaveLength(10);
  });

  it("serves each slice with the status envelope", async () => {
    expect((await getJson("/api/total")).body).toEqual({
      status: "ok",
      stale: false,
      generatedAt: expect.any(String),
      totalUsers: 25,
    });
    const gender = (await getJson("/api/breakdown/gender")).body;
    expect(gender.byGender).toEqual([
      { key: "female", count: 16 },
      { key: "male", count: 9 },
    ]);
    const country = (await getJson("/api/breakdown/country")).body.byCountry as Array<{ key: string; count: number }>;
    expect(country.reduce((sum, entry) => sum + entry.count, 0)).toBe(25);
    const ingest = (await getJson("/api/ingest")).body;
    expect((ingest.ingestPerMinute as Array<{ count: number }>).reduce((sum, point) => sum + point.count, 0)).toBe(25);
    expect(ingest.averageLatencyMs).toBe(1500);
    const latest = (await getJson("/api/users/latest?limit=3")).body.latestUsers as Array<{ id: string }>;
    expect(latest.map((user) => user.id)).toEqual(
      sampleUsers(25)
        .slice(-3)
        .reverse()
        .map((user) => user.id),
    );
  });

  it("reports degraded with the reason, and readiness fails until recovery", async () => {
    repository.failWith("All host(s) tried for query failed");
    const { status, body } = await getJson("/api/total");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "degraded",
      reason: "cannot read in-memory repository: All host(s) tried for query failed",
      stale: false,
    });
    expect((await getJson("/readyz")).status).toBe(503);
    expect((await getJson("/healthz")).status).toBe(200);
    repository.failWith(undefined);
    expect((await getJson("/readyz")).status).toBe(200);
    expect((await getJson("/api/status")).body).toMatchObject({ status: "ok" });
  });

  it("answers unknown paths with 404 and other methods with 405", async () => {
    const missing = await getJson("/api/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.endpoints).toContain("/api/stats");
    const post = await fetch(`${baseUrl}/api/stats`, { method: "POST" });
    expect(post.status).toBe(405);
  });

  it("serves the page with everything inline", async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('<svg id="ingest-chart"');
    expect(html).toContain("new EventSource('/api/events')");
    // No external assets: only inline scripts/styles and data: URLs.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)/);
  });
});

describe("server-sent events", () => {
  it("sends a snapshot at once and then every push interval", async () => {
    const started = Date.now();
    const events = await readEvents(3);
    expect(events.map((event) => event.event)).toEqual(["snapshot", "snapshot", "snapshot"]);
    expect(events[0]?.data).toMatchObject({ status: "ok", totalUsers: 25 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("streams degraded status and the recovery", async () => {
    const events = await readEvents(3, (received) => {
      if (received === 1) repository.failWith("connection refused");
      if (received === 2) repository.failWith(undefined);
    });
    expect(events.map((event) => event.data.status)).toEqual(["ok", "degraded", "ok"]);
    expect(events[1]?.data.reason).toContain("connection refused");
  });

  it("formats events per the SSE spec", () => {
    expect(formatServerSentEvent("snapshot", { a: 1 })).toBe('event: snapshot\ndata: {"a":1}\n\n');
  });
});
