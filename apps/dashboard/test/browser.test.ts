import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { InMemoryUserRepository } from "../src/memory-repository";
import { DashboardServer } from "../src/server";
import { SnapshotService } from "../src/snapshot";
import { launchTestBrowser } from "./chromium";
import { sampleUsers } from "./fixtures";

/** The live page in headless Chromium (the packaged one, else the system's: ./chromium.ts) against the in-memory repository. */
const artifacts = join(__dirname, "..", "..", "..", "test-artifacts");

jest.setTimeout(30_000);

let repository: InMemoryUserRepository;
let server: DashboardServer;
let context: BrowserContext | undefined;
let page: Page;
let userDataDirectory: string;
let baseUrl: string;

beforeAll(async () => {
  repository = new InMemoryUserRepository();
  repository.add(...sampleUsers(180, new Date(), 24));
  const service = new SnapshotService(repository, { cacheMs: 200, ingestMinutes: 30, latestLimit: 8 });
  server = new DashboardServer(service, { pushIntervalMs: 300 });
  const address = await server.listen(0, "127.0.0.1");
  baseUrl = `http://127.0.0.1:${address.port}`;
  userDataDirectory = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
  ({ context } = await launchTestBrowser(userDataDirectory, {
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
  }));
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (userDataDirectory) rmSync(userDataDirectory, { recursive: true, force: true });
});

it("renders live numbers, breakdowns and the chart, and updates over SSE", async () => {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  await page.goto(baseUrl);

  await page.waitForSelector('#status-pill[data-status="ok"]');
  expect(await page.textContent("#total-users")).toBe("180");
  expect(await page.textContent("#status-pill")).toBe("live");

  await page.waitForSelector('#ingest-chart[data-rendered="true"]');
  const bars = await page.$$eval("#ingest-chart rect.bar", (nodes) =>
    nodes.map((node) => Number(node.getAttribute("data-count"))),
  );
  expect(bars).toHaveLength(30);
  expect(bars.reduce((sum, count) => sum + count, 0)).toBe(180);
  const tallest = await page.$$eval("#ingest-chart rect.bar", (nodes) =>
    Math.max(...nodes.map((node) => Number(node.getAttribute("height")))),
  );
  expect(tallest).toBeGreaterThan(100);

  const genders = await page.$$eval("#by-gender li", (items) =>
    items.map((item) => [item.getAttribute("data-key"), Number(item.getAttribute("data-count"))]),
  );
  expect(genders).toEqual([
    ["female", 120],
    ["male", 60],
  ]);
  const countryTotal = await page.$$eval("#by-country li", (items) =>
    items.reduce((sum, item) => sum + Number(item.getAttribute("data-count")), 0),
  );
  expect(countryTotal).toBe(180);
  expect(await page.$$eval("#latest-users tr", (rows) => rows.length)).toBe(8);
  expect(await page.textContent("#latency")).toBe("1.50s");

  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, "dashboard.png"), fullPage: true });

  // Live: new rows appear without a reload.
  repository.add(...sampleUsers(185, new Date(), 24).slice(180));
  await page.waitForFunction(() => document.getElementById("total-users")?.textContent === "185");

  // Degraded and back.
  repository.failWith("no Cassandra host available (10.0.0.7:9042: connect ECONNREFUSED)");
  await page.waitForSelector('#status-pill[data-status="degraded"]');
  expect(await page.textContent("#banner")).toContain("no Cassandra host available");
  expect(await page.textContent("#total-users")).toBe("185");
  await page.screenshot({ path: join(artifacts, "dashboard-degraded.png"), fullPage: true });
  repository.failWith(undefined);
  await page.waitForSelector('#status-pill[data-status="ok"]');
  expect(await page.isVisible("#banner")).toBe(false);

  expect(consoleErrors).toEqual([]);
});
