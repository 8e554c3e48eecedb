import { resolveComponents } from "../config/components";
import { loadConfig } from "../config/load";
import { deepMerge } from "../config/merge";
import { deriveNaming } from "../config/naming";
import { problemsOf } from "./support/config-problems";
import { overridesFile } from "./support/overrides-file";

describe("loadConfig", () => {
  it("defaults to the kind profile in ZooKeeper mode with every component on", () => {
    const config = loadConfig({});
    expect(config.profile).toBe("kind");
    expect(config.kafka.mode).toBe("zookeeper");
    expect(resolveComponents(config).skipped.size).toBe(0);
    expect(resolveComponents(config).enabled.size).toBe(10);
  });

  it("takes the cloud profile with replication, persistence and authentication", () => {
    const config = loadConfig({ profile: "cloud" });
    expect(config.kafka).toMatchObject({
      brokers: 3,
      authentication: "scram-sha-512",
      storage: { type: "persistent" },
    });
    expect(config.cassandra).toMatchObject({ size: 3, replicationFactor: 3 });
    expect(config.spark.checkpointStorage.type).toBe("persistent");
  });

  it("merges an overrides file over the profile, objects key by key", () => {
    const file = overridesFile("kafka:\n  mode: kraft\n  topic:\n    partitions: 6\n");
    const config = loadConfig({ overridesFile: file });
    expect(config.kafka.mode).toBe("kraft");
    expect(config.kafka.topic).toEqual({ partitions: 6, replicas: 1, retentionHours: 24, dlqRetentionHours: 72 });
  });

  it.each([
    [{ profile: "prod" }, /STREAMSTACK_PROFILE: unknown profile 'prod'; allowed: kind, cloud/],
    [{ overrides: { kafka: { mode: "raft" } } }, /kafka\.mode: .*"zookeeper"\|"kraft"/],
    [{ overrides: { kafka: { brokerz: 3 } } }, /kafka\.brokerz: unknown setting; allowed at kafka: enabled, mode/],
    [{ overrides: { kafka: { brokers: "3" } } }, /kafka\.brokers: .*expected number, received string/],
    [{ overrides: { cassandra: { size: 20 } } }, /cassandra\.size: .*<=12/],
    [
      { overrides: { kafka: { topic: { replicas: 3 } } } },
      /kafka\.topic\.replicas: 3 is more than kafka\.brokers \(1\)/,
    ],
    [{ overrides: { kafka: { controllers: 2 } } }, /kafka\.controllers: ZooKeeper needs an odd number/],
    [
      { overrides: { spark: { driverResources: { cpu: "1", memory: "512Mi" } } } },
      /spark\.driverResources\.memory: at least 768Mi/,
    ],
    [
      { overrides: { expose: { nodePorts: { airflow: 30080 } } } },
      /expose\.nodePorts\.airflow: 30080 is already used by expose\.nodePorts\.dashboard/,
    ],
    [{ overrides: { profile: "cloud" } }, /profile: set the profile with STREAMSTACK_PROFILE/],
    [
      { overrides: { spark: { triggerInterval: "500ms" } } },
      /spark\.triggerInterval: a trigger interval such as '500 milliseconds' or '1 second'/,
    ],
  ])("rejects %j naming the field and the fix", (sources, message) => {
    expect(problemsOf(() => loadConfig(sources)).join("\n")).toMatch(message);
  });

  it.each(["500 milliseconds", "1 second", "2 seconds", "1 minute"])(
    "takes the trigger interval %j",
    (triggerInterval) => {
      expect(loadConfig({ overrides: { spark: { triggerInterval } } }).spark.triggerInterval).toBe(triggerInterval);
    },
  );

  it("reports a missing or malformed overrides file", () => {
    expect(problemsOf(() => loadConfig({ overridesFile: "/nonexistent/streamstack.yaml" })).join()).toMatch(
      /STREAMSTACK_CONFIG: cannot read/,
    );
    expect(problemsOf(() => loadConfig({ overridesFile: overridesFile("kafka: [1, 2") })).join()).toMatch(
      /is not valid YAML/,
    );
    expect(problemsOf(() => loadConfig({ overridesFile: overridesFile("- 1\n- 2\n") })).join()).toMatch(
      /top level must be a mapping/,
    );
  });

  it("lists every problem at once", () => {
    expect(problemsOf(() => loadConfig({ overrides: { kafka: { brokers: 0, mode: "x" } } }))).toHaveLength(2);
  });
});

describe("deepMerge", () => {
  it("merges maps and replaces lists and scalars", () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: 2 })).toEqual({ a: { b: 1, c: [3] }, d: 2 });
  });
});

describe("resolveComponents", () => {
  it("switches off what needs a switched-off component, saying why", () => {
    const { enabled, skipped } = resolveComponents(loadConfig({ overrides: { kafka: { enabled: false } } }));
    expect([...skipped.keys()].sort()).toEqual(["controlCenter", "producer", "schemaRegistry", "spark"]);
    expect(skipped.get("spark")).toBe("needs kafka, which is switched off");
    expect(enabled.has("cassandra")).toBe(true);
  });
});

describe("deriveNaming", () => {
  it("derives operator-made names the way the operators document them", () => {
    const naming = deriveNaming(loadConfig({}));
    expect(naming.kafka.bootstrap).toEqual({ host: "streamstack-kafka-bootstrap.streamstack-kafka.svc", port: 9092 });
    expect(naming.cassandra.contactPoint.host).toBe("streamstack-dc1-service.streamstack-cassandra.svc");
    expect(naming.postgres.readWrite.host).toBe("airflow-db-rw.streamstack-airflow.svc");
    const cloud = deriveNaming(loadConfig({ profile: "cloud" }));
    expect(cloud.kafka.bootstrap.port).toBe(9093);
    expect(cloud.kafka.tls).toBe(true);
  });
});
