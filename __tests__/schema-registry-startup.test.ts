import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { chartsDirectory } from "../constructs/charts-directory";
import { synthesize } from "./support/synth";

/**
 * The Confluent image's `ensure` script runs `cub kafka-ready <min brokers> ${SCHEMA_REGISTRY_CUB_KAFKA_TIMEOUT:-40}`
 * before the registry starts, in seconds (confluent-docker-utils cub.py turns them into the Java check's
 * milliseconds), and the container exits when it expires. The readiness gate covers the first deploy; a registry pod
 * that restarts together with Kafka (node restart) has only this wait, so it must outlast a cold Kafka, and the
 * liveness probe must not kill the container while it legitimately waits.
 */
const chart = join(chartsDirectory, "schema-registry");
const defaults = parse(readFileSync(join(chart, "values.yaml"), "utf8")) as { kafkaReadyTimeoutSeconds: number };
const template = readFileSync(join(chart, "templates", "deployment.yaml"), "utf8");

it("waits long enough for a cold Kafka, not the image's 40 s", () => {
  expect(defaults.kafkaReadyTimeoutSeconds).toBeGreaterThanOrEqual(300);
  expect(template).toMatch(
    /- name: SCHEMA_REGISTRY_CUB_KAFKA_TIMEOUT\n\s+value: \{\{ \.Values\.kafkaReadyTimeoutSeconds \| quote \}\}/,
  );
  // The stack keeps the chart's default.
  expect(synthesize("kind").release("schema-registry").values).not.toHaveProperty("kafkaReadyTimeoutSeconds");
});

it("gives the start-up probe at least that long before liveness checks begin", () => {
  const startup =
    /startupProbe:[\s\S]*?periodSeconds: (\d+)\n\s+failureThreshold: \{\{ div \(add \.Values\.kafkaReadyTimeoutSeconds (\d+)\) (\d+) \}\}/.exec(
      template,
    );
  expect(startup).not.toBeNull();
  const [, period, extra, divisor] = (startup as RegExpExecArray).map(Number);
  expect(divisor).toBe(period);
  const window = Math.floor((defaults.kafkaReadyTimeoutSeconds + extra) / divisor) * period;
  expect(window).toBeGreaterThan(defaults.kafkaReadyTimeoutSeconds + 60);
  // Without a start-up probe, a liveness probe's initial delay would be the only grace, and far shorter.
  expect(template).not.toMatch(/livenessProbe:[\s\S]*?initialDelaySeconds/);
});
