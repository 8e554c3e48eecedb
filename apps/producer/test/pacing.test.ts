import { millisecondsUntilNextRecord, nextBatchSize, recordsDueBy, waitBeforeNextBatch } from "../src/pacing";
import { ProgressMeter, formatProgress } from "../src/progress";
import { backoffDelayMs } from "../src/retry";

describe("rate pacing", () => {
  it("the k-th record is due at k / rate seconds", () => {
    expect(recordsDueBy(0, 10, undefined)).toBe(1);
    expect(recordsDueBy(99, 10, undefined)).toBe(1);
    expect(recordsDueBy(100, 10, undefined)).toBe(2);
    expect(recordsDueBy(1000, 10, undefined)).toBe(11);
    expect(recordsDueBy(1000, 10, 5)).toBe(5);
    expect(recordsDueBy(-50, 10, undefined)).toBe(1);
  });

  it("without a rate everything left is due", () => {
    expect(recordsDueBy(0, undefined, 42)).toBe(42);
    expect(nextBatchSize(0, 0, undefined, 42, 10)).toBe(10);
    expect(nextBatchSize(0, 40, undefined, 42, 10)).toBe(2);
    expect(nextBatchSize(0, 42, undefined, 42, 10)).toBe(0);
    expect(nextBatchSize(0, 1e6, undefined, undefined, 10)).toBe(10);
  });

  it("batches are capped by what is due and by the batch size", () => {
    expect(nextBatchSize(0, 0, 100, undefined, 50)).toBe(1);
    expect(nextBatchSize(250, 1, 100, undefined, 50)).toBe(25);
    expect(nextBatchSize(5000, 1, 100, undefined, 50)).toBe(50);
    expect(nextBatchSize(250, 26, 100, undefined, 50)).toBe(0);
  });

  it("waits until the next record is due, at least the linger time", () => {
    expect(millisecondsUntilNextRecord(0, 1, 10)).toBe(100);
    expect(millisecondsUntilNextRecord(150, 1, 10)).toBe(0);
    expect(millisecondsUntilNextRecord(0, 5, undefined)).toBe(0);
    expect(waitBeforeNextBatch(0, 1, 10, 20)).toBe(100);
    expect(waitBeforeNextBatch(0, 1, 1000, 20)).toBe(20);
  });

  it("a simulated --rate 200 --duration 3 run sends 600 records in about 3 s with few requests", () => {
    const rate = 200;
    const total = 600;
    let now = 0;
    let sent = 0;
    let requests = 0;
    while (sent < total) {
      const batch = nextBatchSize(now, sent, rate, total, 100);
      if (batch === 0) {
        now += waitBeforeNextBatch(now, sent, rate, 50);
        continue;
      }
      sent += batch;
      requests++;
      // A record is never sent before it is due.
      expect(sent).toBeLessThanOrEqual(recordsDueBy(now, rate, total));
    }
    expect(sent).toBe(total);
    expect(now).toBeGreaterThanOrEqual(2900);
    expect(now).toBeLessThanOrEqual(3050);
    expect(requests).toBeLessThanOrEqual(70);
  });
});

describe("progress", () => {
  it("formats totals and rates", () => {
    expect(formatProgress(500, 1000, 5000, 98.76)).toBe(
      "progress: sent 500/1000 (50.0%) records, rate 98.8/s, average 100.0/s, elapsed 5.0 s",
    );
    expect(formatProgress(30, undefined, 3000, 10)).toBe(
      "progress: sent 30 records, rate 10.0/s, average 10.0/s, elapsed 3.0 s",
    );
  });

  it("reports once per interval with the recent rate", () => {
    const meter = new ProgressMeter(0, 1000);
    expect(meter.maybeReport(500, 50, undefined)).toBeUndefined();
    expect(meter.maybeReport(1000, 100, undefined)).toContain("rate 100.0/s");
    expect(meter.maybeReport(1500, 300, undefined)).toBeUndefined();
    expect(meter.maybeReport(2000, 400, undefined)).toContain("rate 300.0/s");
  });
});

describe("backoffDelayMs", () => {
  it("doubles up to the maximum and applies jitter downwards", () => {
    expect([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelayMs(2, 100, 1000, 0.5)).toBe(300);
  });
});
