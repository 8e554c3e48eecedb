import { loadProducerConfig } from "../src/config";

/**
 * The least time kafkajs 2.2.4 waits before giving up (node_modules/kafkajs/src/retry/index.js): the first wait is
 * initialRetryTime, each later one min(previous ± factor 0.2, times multiplier 2, maxRetryTime), one per retry.
 */
function minimumRetryWaitMs(retries: number, initialMs: number, maxMs: number): number {
  let total = 0;
  let wait = initialMs * 0.8;
  for (let retry = 0; retry < retries; retry += 1) {
    total += wait;
    wait = Math.min(wait * 0.8 * 2, maxMs);
  }
  return total;
}

describe("Kafka retry budget", () => {
  it("rides out a broker restart: the defaults keep retrying for at least two minutes", () => {
    // The fault suite's kafka-broker-kill saw a broker down 46 s on a loaded machine; the old default (8) gave up
    // after about 38 s and the producer exited 1 mid-run.
    const { environment } = loadProducerConfig(
      { KAFKA_BOOTSTRAP_SERVERS: "kafka:9092", SCHEMA_REGISTRY_URL: "http://registry:8081" },
      [],
    );
    const budget = minimumRetryWaitMs(
      environment.KAFKA_RETRIES,
      environment.KAFKA_RETRY_INITIAL_MS,
      environment.KAFKA_RETRY_MAX_MS,
    );
    expect(budget).toBeGreaterThanOrEqual(120_000);
    // Still bounded: a run against a cluster that is gone fails within ten minutes.
    expect(budget).toBeLessThan(600_000);
  });
});
