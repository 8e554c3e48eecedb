import { InMemoryUserRepository } from "../src/memory-repository";
import type { UserSummaryRow } from "../src/repository";
import { SnapshotService, aggregateUsers } from "../src/snapshot";
import { fixedNow, sampleUsers } from "./fixtures";

const row = (id: string, ingestedAt: string | null, extra: Partial<UserSummaryRow> = {}): UserSummaryRow => ({
  id,
  gender: "female",
  country: "Germany",
  producedAt: null,
  ingestedAt: ingestedAt === null ? null : new Date(ingestedAt),
  ...extra,
});

describe("aggregateUsers", () => {
  const now = new Date("2026-01-15T12:30:30.000Z");

  it("counts per minute over the window, oldest first, with zeros", async () => {
    const rows = [
      row("a", "2026-01-15T12:30:05.000Z"),
      row("b", "2026-01-15T12:30:29.000Z"),
      row("c", "2026-01-15T12:29:59.999Z"),
      row("d", "2026-01-15T12:27:00.000Z"),
      row("too-old", "2026-01-15T12:26:59.999Z"),
      row("never-ingested", null),
    ];
    const result = await aggregateUsers(rows, { now, ingestMinutes: 4, latestLimit: 10 });
    expect(result.totalUsers).toBe(6);
    expect(result.ingestPerMinute).toEqual([
      { minute: "2026-01-15T12:27:00.000Z", count: 1 },
      { minute: "2026-01-15T12:28:00.000Z", count: 0 },
      { minute: "2026-01-15T12:29:00.000Z", count: 1 },
      { minute: "2026-01-15T12:30:00.000Z", count: 2 },
    ]);
  });

  it("breaks down by gender and country, largest first, blanks as unknown", async () => {
    const rows = [
      row("1", null, { gender: "male", country: "Brazil" }),
      row("2", null, { gender: "female", country: "Brazil" }),
      row("3", null, { gender: "female", country: null }),
      row("4", null, { gender: " ", country: "Angola" }),
    ];
    const result = await aggregateUsers(rows, { now, ingestMinutes: 1, latestLimit: 1 });
    expect(result.byGender).toEqual([
      { key: "female", count: 2 },
      { key: "male", count: 1 },
      { key: "unknown", count: 1 },
    ]);
    expect(result.byCountry).toEqual([
      { key: "Brazil", count: 2 },
      { key: "Angola", count: 1 },
      { key: "unknown", count: 1 },
    ]);
  });

  it("keeps the latest ids newest first, bounded by the limit", async () => {
    const rows = ["12:00", "12:20", "12:10", "12:30", "12:05", "12:25"].map((time, index) =>
      row(`u${index}`, `2026-01-15T${time}:00.000Z`),
    );
    const result = await aggregateUsers(rows, { now, ingestMinutes: 1, latestLimit: 3 });
    expect(result.latestIds).toEqual(["u3", "u5", "u1"]);
  });

  it("averages end-to-end latency over the last minute", async () => {
    const rows = [
      row("a", "2026-01-15T12:30:00.000Z", { producedAt: new Date("2026-01-15T12:29:59.000Z") }),
      row("b", "2026-01-15T12:30:10.000Z", { producedAt: new Date("2026-01-15T12:30:07.000Z") }),
      row("old", "2026-01-15T12:00:00.000Z", { producedAt: new Date("2026-01-15T11:00:00.000Z") }),
    ];
    expect((await aggregateUsers(rows, { now, ingestMinutes: 1, latestLimit: 1 })).averageLatencyMs).toBe(2000);
    expect((await aggregateUsers([], { now, ingestMinutes: 1, latestLimit: 1 })).averageLatencyMs).toBeNull();
  });
});

describe("SnapshotService", () => {
  function setup(cacheMs = 5000, answerWithinMs?: number) {
    const repository = new InMemoryUserRepository();
    repository.add(...sampleUsers(40));
    let now = fixedNow.getTime();
    const scans = jest.spyOn(repository, "scanSummaries");
    const logged: string[] = [];
    const service = new SnapshotService(repository, {
      cacheMs,
      ingestMinutes: 30,
      latestLimit: 5,
      ...(answerWithinMs === undefined ? {} : { answerWithinMs }),
      clock: () => new Date(now),
      log: (line) => logged.push(line),
    });
    return { repository, service, scans, logged, advance: (ms: number) => (now += ms) };
  }

  it("serves the latest users in full, newest first", async () => {
    const { service } = setup();
    const snapshot = await service.getSnapshot();
    expect(snapshot).toMatchObject({ status: "ok", stale: false, totalUsers: 40, generatedAt: fixedNow.toISOString() });
    expect(snapshot.latestUsers.map((user) => user.id)).toEqual(
      sampleUsers(40)
        .slice(-5)
        .reverse()
        .map((user) => user.id),
    );
    expect(snapshot.latestUsers[0]).toMatchObject({
      firstName: expect.any(String),
      email: expect.stringContaining("@"),
    });
    expect(snapshot.ingestPerMinute.reduce((sum, point) => sum + point.count, 0)).toBe(40);
  });

  it("caches the scan for the cache period and shares one scan between concurrent callers", async () => {
    const { service, scans, advance } = setup(5000);
    await Promise.all([service.getSnapshot(), service.getSnapshot(), service.getSnapshot()]);
    expect(scans).toHaveBeenCalledTimes(1);
    advance(4999);
    await service.getSnapshot();
    expect(scans).toHaveBeenCalledTimes(1);
    advance(1);
    await service.getSnapshot();
    expect(scans).toHaveBeenCalledTimes(2);
  });

  it("reports degraded with a reason, keeps the last good numbers as stale, and recovers", async () => {
    const { repository, service, advance, logged } = setup(1000);
    expect((await service.getSnapshot()).status).toBe("ok");
    repository.failWith("connection refused");
    advance(1000);
    const degraded = await service.getSnapshot();
    expect(degraded).toMatchObject({
      status: "degraded",
      stale: true,
      totalUsers: 40,
      reason: "cannot read in-memory repository: connection refused",
    });
    expect(logged).toContain("degraded: cannot read in-memory repository: connection refused");
    repository.failWith(undefined);
    repository.add(...sampleUsers(41).slice(40));
    advance(1000);
    const recovered = await service.getSnapshot();
    expect(recovered).toMatchObject({ status: "ok", stale: false, totalUsers: 41 });
    expect(recovered.reason).toBeUndefined();
    expect(logged).toContain("recovered: reading in-memory repository again");
  });

  it("answers in time while the store hangs (a paused node): the last numbers, degraded and stale", async () => {
    const { repository, service, advance } = setup(1000, 50);
    expect((await service.getSnapshot()).status).toBe("ok");
    let release: () => void = () => undefined;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    jest.spyOn(repository, "scanSummaries").mockImplementation(async function* () {
      await hanging;
      yield* [];
    });
    advance(1000);
    // Resolving at all shows it: the refresh it would otherwise wait for never ends until release().
    const answered = await service.getSnapshot();
    expect(answered).toMatchObject({
      status: "degraded",
      stale: true,
      totalUsers: 40,
      reason: "in-memory repository has not answered within 50 ms",
    });
    release();
  });

  it("reports degraded with empty numbers when the store was never reachable", async () => {
    const { repository, service } = setup();
    repository.failWith("no host available");
    const snapshot = await service.getSnapshot();
    expect(snapshot).toMatchObject({
      status: "degraded",
      stale: false,
      totalUsers: 0,
      generatedAt: null,
      latestUsers: [],
    });
    expect(snapshot.ingestPerMinute).toHaveLength(30);
  });
});
