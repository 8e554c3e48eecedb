import { Testing } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { parse } from "yaml";
import { loadConfig } from "../../config/load";
import type { Acl } from "../../constructs/resources/strimzi";
import { deriveNaming } from "../../config/naming";
import type { Construct } from "constructs";
import { StrimziKafka, type KafkaGrantee } from "../../constructs/kafka";
import type { KafkaClient } from "../../constructs/resources/strimzi";
import { nodeImageOf } from "../../constructs/container-image";

// cdktf's matchers (toHaveResourceWithProperties): registered here, where they are used, not for every test file.
Testing.setupJest();

/** A stand-in client: a construct with pods, connecting as `client`. */
function grantee(scope: Construct, client: KafkaClient): KafkaGrantee {
  const pods = { kind: "pods" as const, name: client, namespace: "streamstack-apps", labels: { app: client } };
  return { node: scope.node, pods, kafkaClient: client };
}

function kafkaOf(
  profile: "kind" | "cloud",
  mode: "zookeeper" | "kraft",
  withAuthority = profile === "cloud",
  overrides: Record<string, unknown> = {},
) {
  const config = loadConfig({ profile, overrides: { kafka: { mode, ...overrides } } });
  const naming = deriveNaming(config);
  let construct: StrimziKafka | undefined;
  const synthesized = Testing.synthScope((scope) => {
    const kafka = new StrimziKafka(scope, "kafka", {
      settings: config.kafka,
      naming,
      gateImage: nodeImageOf(config),
      dependsOn: [],
      certificateAuthority: withAuthority ? [] : undefined,
    });
    // Granted in another order than naming lists the clients: the users come out in naming's order all the same.
    kafka.grantMonitor(grantee(scope, "controlCenter"), naming.kafka.controlCenterPrefix);
    kafka.grantRead(grantee(scope, "sparkJob"), { consumerGroupPrefix: naming.kafka.sparkGroupPrefix });
    kafka.grantWrite(grantee(scope, "sparkJob"), { topic: naming.kafka.topics.deadLetters });
    kafka.grantTopicStore(grantee(scope, "schemaRegistry"), "_schemas", "schema-registry");
    kafka.grantWrite(grantee(scope, "producer"), { idempotent: true });
    construct = kafka;
  });
  const releases = Object.values(
    (JSON.parse(synthesized) as { resource: { helm_release: Record<string, { name: string; values: string[] }> } })
      .resource.helm_release,
  );
  const resources = (
    parse(releases.find((r) => r.name === "kafka-resources")?.values[0] ?? "") as {
      resources: {
        kind: string;
        apiVersion: string;
        metadata: { name: string; namespace: string };
        spec: Record<string, unknown>;
      }[];
    }
  ).resources;
  const operatorValues = parse(releases.find((r) => r.name === "strimzi-operator")?.values[0] ?? "") as {
    extraEnvs: { name: string; value: string }[];
    watchNamespaces?: string[];
  };
  return { synthesized, resources, operatorValues, connection: construct?.connection, naming };
}

describe("StrimziKafka", () => {
  it("installs Strimzi 0.45.2 and a v1beta2 Kafka with ZooKeeper by default", () => {
    const { synthesized, resources } = kafkaOf("kind", "zookeeper");
    expect(synthesized).toHaveResourceWithProperties(Release, {
      name: "strimzi-operator",
      chart: "strimzi-kafka-operator",
      version: "0.45.2",
    });
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
    const pools = resources
      .filter((r) => r.kind === "KafkaNodePool")
      .map((r) => [r.metadata.name, r.spec.replicas, r.spec.roles]);
    expect(pools).toEqual([
      ["controllers", 3, ["controller"]],
      ["brokers", 3, ["broker"]],
    ]);
  });

  it("runs one dual-role node in KRaft mode on kind", () => {
    const { resources } = kafkaOf("kind", "kraft");
    expect(resources.filter((r) => r.kind === "KafkaNodePool").map((r) => r.spec.roles)).toEqual([
      ["controller", "broker"],
    ]);
  });

  it("creates the data and dead-letter topics with the profile's settings", () => {
    const { resources } = kafkaOf("cloud", "zookeeper");
    const topics = resources.filter((r) => r.kind === "KafkaTopic").map((r) => r.spec);
    expect(topics).toEqual([
      expect.objectContaining({
        topicName: "users_created",
        partitions: 12,
        replicas: 3,
        config: expect.objectContaining({ "retention.ms": 168 * 3600000 }),
      }),
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
    const aclsOf = (user: string) =>
      (users.find((u) => u.metadata.name === user)?.spec.authorization as { acls: Acl[] } | undefined)?.acls ?? [];
    // The producer may write its topic (idempotently) and nothing else.
    expect(aclsOf("producer")).toEqual([
      { resource: { type: "topic", name: "users_created", patternType: "literal" }, operations: ["Write", "Describe"] },
      { resource: { type: "cluster" }, operations: ["IdempotentWrite"] },
    ]);
    // The job's two grants add up on its one user: read the data topic in its groups, write dead letters.
    expect(aclsOf("spark-streaming-job")).toEqual([
      { resource: { type: "topic", name: "users_created", patternType: "literal" }, operations: ["Read", "Describe"] },
      { resource: { type: "group", name: naming.kafka.sparkGroupPrefix, patternType: "prefix" }, operations: ["Read"] },
      {
        resource: { type: "topic", name: "users_created.dlq", patternType: "literal" },
        operations: ["Write", "Describe"],
      },
    ]);
    expect(connection?.bootstrapServers).toBe("streamstack-kafka-bootstrap.streamstack-kafka.svc:9093");
    expect(connection?.credentialsSecret("producer")).toBe("producer");
    expect(resources.filter((r) => r.kind === "Certificate").map((c) => c.metadata.name)).toEqual([
      "kafka-listener",
      "kafka-client-trust",
    ]);
  });

  it("runs a User Operator only with KafkaUsers, watching the apps namespace", () => {
    const entityOperator = (profile: "kind" | "cloud") =>
      kafkaOf(profile, "kraft").resources.find((r) => r.kind === "Kafka")?.spec.entityOperator;
    expect(entityOperator("kind")).not.toHaveProperty("userOperator");
    expect(entityOperator("kind")).toHaveProperty("topicOperator");
    expect(entityOperator("cloud")).toHaveProperty("userOperator.watchedNamespace", "streamstack-apps");
  });

  it("lets Strimzi 1.x keep an entity operator that watches the apps namespace", () => {
    const variable = { name: "STRIMZI_ENTITY_OPERATOR_WATCHED_NAMESPACE_ENABLED", value: "true" };
    const cloudKraft = kafkaOf("cloud", "kraft").operatorValues;
    expect(cloudKraft.extraEnvs).toContainEqual(variable);
    expect(cloudKraft.watchNamespaces).toEqual(["streamstack-apps"]);
    // Strimzi 0.45.2 does not know the variable; without users nothing watches another namespace.
    expect(kafkaOf("cloud", "zookeeper").operatorValues.extraEnvs).not.toContainEqual(variable);
    expect(kafkaOf("kind", "kraft").operatorValues.extraEnvs).not.toContainEqual(variable);
    expect(kafkaOf("kind", "kraft").operatorValues.watchNamespaces).toBeUndefined();
  });

  it("gives ZooKeeper nodes and controllers their own volume size", () => {
    const sizes = (mode: "zookeeper" | "kraft") => {
      const { resources } = kafkaOf("cloud", mode, true, { controllerStorageSize: "7Gi" });
      const kafka = resources.find((r) => r.kind === "Kafka");
      return {
        zookeeper: kafka?.spec.zookeeper,
        brokers: kafka?.spec.kafka,
        pools: resources
          .filter((r) => r.kind === "KafkaNodePool")
          .map((r) => [r.metadata.name, (r.spec.storage as { size: string }).size]),
      };
    };
    expect(sizes("zookeeper").zookeeper).toHaveProperty("storage.size", "7Gi");
    expect(sizes("zookeeper").brokers).toHaveProperty("storage.size", "100Gi");
    expect(sizes("kraft").pools).toEqual([
      ["controllers", "7Gi"],
      ["brokers", "100Gi"],
    ]);
  });

  it("installs the Strimzi CRDs from the operator's chart in a release of their own, before the operator", () => {
    const { synthesized } = kafkaOf("cloud", "kraft");
    const parsed = JSON.parse(synthesized) as {
      data: { helm_template: Record<string, Record<string, unknown>> };
      resource: {
        helm_release: Record<
          string,
          { name: string; values: string[]; depends_on?: string[]; skip_crds?: boolean; take_ownership?: boolean }
        >;
      };
    };
    const [templateId, template] = Object.entries(parsed.data.helm_template)[0] ?? [];
    expect(template).toMatchObject({
      chart: "strimzi-kafka-operator",
      version: "1.2.0",
      repository: "https://strimzi.io/charts/",
    });
    const releases = Object.entries(parsed.resource.helm_release);
    const [crdId, crdRelease] = releases.find(([, r]) => r.name === "strimzi-crds") ?? [];
    expect(crdRelease?.values[1]).toBe(
      `\${yamlencode({"customResourceDefinitions" = data.helm_template.${templateId}.crds})}`,
    );
    expect(crdRelease?.take_ownership).toBe(true);
    const operator = releases.find(([, r]) => r.name === "strimzi-operator")?.[1];
    expect(operator?.skip_crds).toBe(true);
    expect(operator?.depends_on).toContain(`helm_release.${crdId}`);
  });

  it("refuses authentication without a certificate authority", () => {
    expect(() => kafkaOf("cloud", "zookeeper", false)).toThrow(/certificate authority/);
  });
});
