import { loadProducerConfig } from "../src/config";
import { HealthState, stuckAfterMs } from "../src/health";

const limitMs = 1_000;

/** A health state on a clock the test moves by hand, started at 0. */
function healthAt() {
  const clock = { now: 0 };
  const state = new HealthState(limitMs, () => clock.now);
  return { clock, state };
}

describe("HealthState", () => {
  it("is healthy while starting within the limit, then says what it is stuck on", () => {
    const { clock, state } = healthAt();
    expect(state.verdict()).toEqual({ healthy: true });
    clock.now = limitMs;
    expect(state.verdict()).toEqual({ healthy: true });
    clock.now = limitMs + 1;
    expect(state.verdict()).toEqual({
      healthy: false,
      reason: "still registering the schema or connecting to Kafka after 1.0 s (limit 1.0 s)",
    });
  });

  it("starting → sending and acknowledged → stale → unhealthy, and healthy again on the next acknowledgement", () => {
    const { clock, state } = healthAt();
    clock.now = 900;
    state.connected();
    state.recordsDue();
    state.batchHandedOver();
    clock.now = 1_500;
    state.batchAcknowledged();
    state.recordsDue();
    state.batchHandedOver();
    // Measured from the last acknowledgement, not from the start or the connect.
    clock.now = 2_500;
    expect(state.verdict()).toEqual({ healthy: true });
    clock.now = 2_501;
    expect(state.verdict()).toEqual({
      healthy: false,
      reason: "no acknowledgement from Kafka for 1.0 s with a batch in flight (limit 1.0 s)",
    });
    state.batchAcknowledged();
    expect(state.verdict()).toEqual({ healthy: true });
  });

  it("counts a connect that is never followed by an acknowledgement", () => {
    const { clock, state } = healthAt();
    state.connected();
    state.recordsDue();
    state.batchHandedOver();
    clock.now = limitMs + 1;
    expect(state.verdict().healthy).toBe(false);
  });

  it("blames the source when records are due but no batch reaches Kafka", () => {
    const { clock, state } = healthAt();
    state.connected();
    state.recordsDue();
    clock.now = 5_000;
    expect(state.verdict()).toEqual({
      healthy: false,
      reason: "no batch handed to Kafka for 5.0 s while records are due; the record source may be stuck (limit 1.0 s)",
    });
  });

  it("stays healthy while idle at a slow rate, and counts a wait from when records become due again", () => {
    const { clock, state } = healthAt();
    state.connected();
    state.recordsDue();
    state.batchHandedOver();
    state.batchAcknowledged();
    state.nothingDue();
    clock.now = 60_000;
    expect(state.verdict()).toEqual({ healthy: true });
    state.recordsDue();
    state.batchHandedOver();
    clock.now = 60_000 + limitMs;
    expect(state.verdict()).toEqual({ healthy: true });
    clock.now = 60_000 + limitMs + 1;
    expect(state.verdict().healthy).toBe(false);
  });

  it("is not idle while a batch is still in flight, even when nothing more is due", () => {
    const { clock, state } = healthAt();
    state.connected();
    state.recordsDue();
    state.batchHandedOver();
    state.nothingDue();
    clock.now = limitMs + 1;
    expect(state.verdict()).toMatchObject({ healthy: false, reason: expect.stringContaining("batch in flight") });
  });

  it("is healthy once finished, however long ago the last acknowledgement was", () => {
    const { clock, state } = healthAt();
    state.connected();
    state.recordsDue();
    state.batchHandedOver();
    state.batchAcknowledged();
    state.finished();
    clock.now = 10 * limitMs;
    expect(state.verdict()).toEqual({ healthy: true });
  });
});

describe("stuckAfterMs", () => {
  const minimal = { KAFKA_BOOTSTRAP_SERVERS: "kafka:9092", SCHEMA_REGISTRY_URL: "http://registry:8081" };
  const limitFor = (overrides: Record<string, string> = {}): number =>
    stuckAfterMs(loadProducerConfig({ ...minimal, ...overrides }, []).environment);

  it("outlasts every kafkajs retry of one send: 15 × (10 s + 30 s) + 1.2 × 0.3 s + 13 × 30 s with the defaults", () => {
    expect(limitFor()).toBe(990_360);
  });

  it("outlasts the broker-restart ride-out the retry settings are chosen for (retry-budget.test.ts)", () => {
    expect(limitFor()).toBeGreaterThan(160_000);
  });

  it("adds the longest RandomUser page fetch when that is the source: 6 × 10 s + 5 × 15 s", () => {
    expect(limitFor({ PRODUCER_SOURCE: "randomuser" }) - limitFor()).toBe(135_000);
  });

  it("follows the settings, but never below 30 s", () => {
    expect(limitFor({ KAFKA_REQUEST_TIMEOUT_MS: "60000" }) - limitFor()).toBe(15 * 30_000);
    expect(
      limitFor({
        KAFKA_RETRIES: "1",
        KAFKA_CONNECTION_TIMEOUT_MS: "100",
        KAFKA_REQUEST_TIMEOUT_MS: "100",
        KAFKA_RETRY_INITIAL_MS: "100",
        KAFKA_RETRY_MAX_MS: "100",
      }),
    ).toBe(30_000);
  });
});
