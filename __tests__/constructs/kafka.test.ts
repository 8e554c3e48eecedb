import { Testing } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { parse } from "yaml";
import { loadConfig } from "../../config/load";
import { deriveNaming } from "../../config/naming";
import { StrimziKafka } from "../../constructs/kafka";
import { clientAcls } from "../../constructs/resources/strimzi";

function kafkaOf(profile: "kind" | "cloud", mode: "zookeeper" | "kraft", withAuthority = profile === "cloud") {
  const config = loadConfig({ profile, overrides: { kafka: { mode } } });
  const naming = deriveNaming(config);
  let construct: StrimziKafka | undefined;
  const synthesized = Testing.synthScope((scope) => {
    construct = new StrimziKafka(scope, "kafka", {
      config,
      naming,
      clients: ["producer", "sparkJob", "schemaRegistry", "controlCenter"],
      dependsOn: [],
      certificateAuthority: withAuthority ? [] : undefined,
    });
  });
  const releases = Object.values(JSON.parse(synthesized).resource.helm_release as Record<string, { name: string; values: string[] }>);
  const resources = (parse(releases.find((r) => r.name === "kafka-resources")?.values[0] ?? "") as { resources: { kind: string; apiVersion: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> }[] }).resources;
  return { synthesized, resources, connection: construct?.connection, naming };
}

describe("StrimziKafka", () => {
  it("installs Strimzi 0.45.2 and a v1beta2 Kafka with ZooKeeper by default", () => {
    const { synthesized, resources } = kafkaOf("kind", "zookeeper");
    expect(synthesized).toHaveResourceWithProperties(Release, { name: "strimzi-operator", chart: "strimzi-kafka-operator", version: "0.45.2" });
    const kafka = resources.find((r) => r.kind === "Kafka");
    expect(kafka?.apiVersion).toBe("kafka.strimzi.io/v1beta2");
    expect(kafka?.spec).toHaveProperty("zookeeper.replicas", 1);
    expect(resources.some((r) => r.kind === "KafkaNodePool")).toBe(false);
  });

  it("installs Strimzi 1.2.0 with a v1 Kafka and node pools in KRaft mode", () => {
    const { synthesized, resources } = kafkaOf("cloud", "kraft");
    expect(synthesized).toHaveResourceWithProperties(Release, { name: "strimzi-operator", version: "1.2.0" });
    const kafka = resources.find((r) => r.kind === "Kafka");
    expect(kafka?.apiVersion).toBe("kafka.strimzi.io/v1");
    expect(kafka?.spec).not.toHaveProperty("zookeeper");
    const pools = resources.filter((r) => r.kind === "KafkaNodePool").map((r) => [r.metadata.name, r.spec.replicas, r.spec.roles]);
    expect(pools).toEqual([
      ["controllers", 3, ["controller"]],
      ["brokers", 3, ["broker"]],
    ]);
  });

  it("runs one dual-role node in KRaft mode on kind", () => {
    const { resources } = kafkaOf("kind", "kraft");
    expect(resources.filter((r) => r.kind === "KafkaNodePool").map((r) => r.spec.roles)).toEqual([["controller", "broker"]]);
  });

  it("creates the data and dead-letter topics with the profile's settings", () => {
    const { resources } = kafkaOf("cloud", "zookeeper");
    const topics = resources.filter((r) => r.kind === "KafkaTopic").map((r) => r.spec);
    expect(topics).toEqual([
      expect.objectContaining({ topicName: "users_created", partitions: 12, replicas: 3, config: expect.objectContaining({ "retention.ms": 168 * 3600000 }) }),
      expect.objectContaining({ topicName: "users_created.dlq", partitions: 1, replicas: 3 }),
    ]);
  });

  it("uses a plain listener without users on kind", () => {
    const { resources, connection } = kafkaOf("kind", "zookeeper");
    expect(resources.some((r) => r.kind === "KafkaUser")).toBe(false);
    expect(connection?.bootstrapServers).toBe("streamstack-kafka-bootstrap.streamstack-kafka.svc:9092");
    expect(connection?.credentialsSecret("producer")).toBeUndefined();
  });

  it("uses TLS with SCRAM users holding least-privilege ACLs in the cloud profile", () => {
    const { resources, connection, naming } = kafkaOf("cloud", "zookeeper");
    const users = resources.filter((r) => r.kind === "KafkaUser");
    expect(users.map((u) => [u.metadata.name, u.metadata.namespace])).toEqual([
      ["producer", "streamstack-apps"],
      ["spark-streaming-job", "streamstack-apps"],
      ["schema-registry", "streamstack-apps"],
      ["control-center", "streamstack-apps"],
    ]);
    expect(users.find((u) => u.metadata.name === "producer")?.spec.authorization).toEqual({ type: "simple", acls: clientAcls(naming).producer });
    // The producer may write its topic and nothing else.
    expect(clientAcls(naming).producer.flatMap((acl) => acl.operations)).not.toContain("Read");
    expect(clientAcls(naming).sparkJob.find((acl) => acl.resource.name === "users_created")?.operations).toEqual(["Read", "Describe"]);
    expect(connection?.bootstrapServers).toBe("streamstack-kafka-bootstrap.streamstack-kafka.svc:9093");
    expect(connection?.credentialsSecret("producer")).toBe("producer");
    expect(resources.filter((r) => r.kind === "Certificate").map((c) => c.metadata.name)).toEqual(["kafka-listener", "kafka-client-trust"]);
  });

  it("refuses authentication without a certificate authority", () => {
    expect(() => kafkaOf("cloud", "zookeeper", false)).toThrow(/certificate authority/);
  });
});
