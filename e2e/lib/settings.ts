/**
 * The harness's environment settings, read when a script first loads the harness: a bad value stops that script
 * (e2e, faults, soak, the benchmarks, the roles check, measure:rss) with exit 2 before it starts anything.
 */
import { profiles } from "../../config/profiles";
import { readSettings } from "../../scripts/lib/script-input";

const port = { min: 1024, max: 65_535 };

export const harnessSettings = readSettings((input) => ({
  /** Loopback ports, away from the engines' defaults so a developer's own services do not clash. */
  ports: {
    zookeeper: input.wholeNumber({ env: "E2E_ZOOKEEPER_PORT" }, 22181, port),
    kafka: input.wholeNumber({ env: "E2E_KAFKA_PORT" }, 29092, port),
    cassandraNative: input.wholeNumber({ env: "E2E_CASSANDRA_PORT" }, 29042, port),
    cassandraStorage: input.wholeNumber({ env: "E2E_CASSANDRA_STORAGE_PORT" }, 27000, port),
    schemaRegistry: input.wholeNumber({ env: "E2E_SCHEMA_REGISTRY_PORT" }, 28081, port),
    registryReader: input.wholeNumber({ env: "E2E_REGISTRY_READER_PORT" }, 28082, port),
    dashboard: input.wholeNumber({ env: "E2E_DASHBOARD_PORT" }, 28080, port),
    sparkUi: input.wholeNumber({ env: "E2E_SPARK_UI_PORT" }, 24040, port),
  },
  /** The Spark job's processing-time trigger: by default the one the kind profile deploys. */
  triggerInterval: input.matching(
    { env: "E2E_TRIGGER_INTERVAL" },
    profiles.kind.spark.triggerInterval,
    /^\d+ (milliseconds?|seconds?|minutes?)$/,
    'a Spark trigger interval: "<n> milliseconds", "<n> seconds" or "<n> minutes"',
  ),
  /** The Spark driver's heap (in local mode the executor's too). */
  sparkDriverMemory: input.matching(
    { env: "E2E_SPARK_DRIVER_MEMORY" },
    "1200m",
    /^[1-9]\d*[kmgt]$/i,
    'a JVM memory size such as "1200m" or "2g"',
  ),
}));

export const ports = harnessSettings.ports;
