import type { StreamstackConfig } from "../../config/schema";
import type { Naming } from "../../config/naming";
import { versions } from "../../config/versions";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";
import { containerResources, hoursToMilliseconds } from "./quantities";

type KafkaConfig = StreamstackConfig["kafka"];

/**
 * Since Strimzi 1.0.1 the cluster operator deletes an entity operator whose topic or user operator watches a namespace
 * other than the Kafka resource's, unless this variable is "true" (default false; CHANGELOG 1.0.1, EntityOperatorReconciler).
 */
export const entityOperatorWatchedNamespaceVariable = "STRIMZI_ENTITY_OPERATOR_WATCHED_NAMESPACE_ENABLED";
const watchedNamespaceVariableSince = [1, 0, 1] as const;

function versionAtLeast(version: string, minimum: readonly number[]): boolean {
  const parts = version.replace(/^v/, "").split(/[.-]/).slice(0, 3).map(Number);
  for (let index = 0; index < minimum.length; index += 1) {
    const part = parts[index] ?? 0;
    const wanted = minimum[index] ?? 0;
    if (part !== wanted) return part > wanted;
  }
  return true;
}

/** The cluster operator's extra environment for a Strimzi version whose entity operator watches `crossNamespaces`. */
export function strimziOperatorEnvironment(
  strimziVersion: string,
  crossNamespaces: readonly string[],
): { name: string; value: string }[] {
  return [
    // Operands get security contexts that satisfy the restricted Pod Security Standard.
    { name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" },
    ...(crossNamespaces.length > 0 && versionAtLeast(strimziVersion, watchedNamespaceVariableSince)
      ? [{ name: entityOperatorWatchedNamespaceVariable, value: "true" }]
      : []),
  ];
}

/** Strimzi 0.45 serves v1beta2 (ZooKeeper mode); Strimzi 1.x serves only v1 (KRaft). */
export function strimziApiVersion(mode: KafkaConfig["mode"]): string {
  return mode === "zookeeper" ? "kafka.strimzi.io/v1beta2" : "kafka.strimzi.io/v1";
}

/** Storage of brokers (`size` = kafka.storage.size) or of ZooKeeper nodes and controllers (kafka.controllerStorageSize). */
function strimziStorage(kafka: KafkaConfig, size: string) {
  if (kafka.storage.type === "ephemeral") return { type: "ephemeral" };
  return {
    type: "persistent-claim",
    size,
    deleteClaim: false,
    ...(kafka.storage.storageClass ? { class: kafka.storage.storageClass } : {}),
  };
}

function listeners(kafka: KafkaConfig, naming: Naming) {
  if (kafka.authentication === "none") {
    return [{ name: naming.kafka.listenerName, port: naming.kafka.bootstrap.port, type: "internal", tls: false }];
  }
  return [
    {
      name: naming.kafka.listenerName,
      port: naming.kafka.bootstrap.port,
      type: "internal",
      tls: true,
      authentication: { type: kafka.authentication },
      // Signed by the stack's cert-manager CA, whose certificate clients in other namespaces can obtain.
      configuration: {
        brokerCertChainAndKey: {
          secretName: naming.kafka.listenerCertificateSecret,
          certificate: "tls.crt",
          key: "tls.key",
        },
      },
    },
  ];
}

/** Replicas of internal topics: the brokers' default, which clients creating topics of their own follow. */
export function defaultReplicationFactor(kafka: KafkaConfig): number {
  return Math.min(3, kafka.brokers);
}

/** Broker settings that keep the internal topics consistent with the number of brokers. */
function brokerConfig(kafka: KafkaConfig) {
  const replication = defaultReplicationFactor(kafka);
  return {
    "offsets.topic.replication.factor": replication,
    "transaction.state.log.replication.factor": replication,
    "transaction.state.log.min.isr": Math.max(1, replication - 1),
    "default.replication.factor": replication,
    "min.insync.replicas": Math.max(1, replication - 1),
    "auto.create.topics.enable": false,
  };
}

/**
 * Topics stay beside the cluster; users live with their clients in the apps namespace, so the User Operator
 * watches that namespace. Without authentication there are no KafkaUsers and no User Operator.
 */
function entityOperator(kafka: KafkaConfig, naming: Naming) {
  return {
    topicOperator: { resources: containerResources({ cpu: "50m", memory: "256Mi" }) },
    ...(kafka.authentication === "none"
      ? {}
      : {
          userOperator: {
            watchedNamespace: naming.namespaces.apps,
            resources: containerResources({ cpu: "50m", memory: "256Mi" }),
          },
        }),
  };
}

/** Namespaces other than the Kafka resource's own that its entity operator watches (topic or user operator). */
export function crossNamespaceWatches(kafka: KubernetesObject): string[] {
  const spec = (kafka.spec ?? {}) as { entityOperator?: Record<string, { watchedNamespace?: string } | undefined> };
  const operators = Object.values(spec.entityOperator ?? {});
  const watched = operators
    .map((operator) => operator?.watchedNamespace)
    .filter((namespace): namespace is string => namespace !== undefined);
  return [...new Set(watched)].filter((namespace) => namespace !== kafka.metadata.namespace);
}

function metadata(name: string, namespace: string, clusterName: string, extraLabels: Record<string, string> = {}) {
  return { name, namespace, labels: { ...partOfLabel, "strimzi.io/cluster": clusterName, ...extraLabels } };
}

/** The Kafka resource (and, in KRaft mode, its node pools). */
export function kafkaClusterObjects(kafka: KafkaConfig, naming: Naming): KubernetesObject[] {
  const namespace = naming.namespaces.kafka;
  const apiVersion = strimziApiVersion(kafka.mode);
  const authorization = kafka.authentication === "none" ? {} : { authorization: { type: "simple" } };
  const kafkaMeta = { name: kafka.clusterName, namespace, labels: { ...partOfLabel } };

  // Key order kept as the operator docs write it, so that values text (and `cdktf diff`) stays stable.
  type Part = Record<string, unknown>;
  const kafkaObject = (first: Part, storage: Part, zookeeper?: Part) => ({
    apiVersion,
    kind: "Kafka",
    metadata: kafkaMeta,
    spec: {
      kafka: {
        ...first,
        listeners: listeners(kafka, naming),
        ...authorization,
        config: brokerConfig(kafka),
        ...storage,
      },
      ...(zookeeper ? { zookeeper } : {}),
      entityOperator: entityOperator(kafka, naming),
    },
  });

  if (kafka.mode === "zookeeper") {
    return [
      kafkaObject(
        { version: versions.kafka.zookeeper, replicas: kafka.brokers },
        {
          storage: strimziStorage(kafka, kafka.storage.size),
          resources: containerResources(kafka.brokerResources),
        },
        {
          replicas: kafka.controllers,
          storage: strimziStorage(kafka, kafka.controllerStorageSize),
          resources: containerResources(kafka.controllerResources),
        },
      ),
    ];
  }

  const pool = (
    name: string,
    roles: string[],
    replicas: number,
    resources: KafkaConfig["brokerResources"],
    size: string,
  ) => ({
    apiVersion,
    kind: "KafkaNodePool",
    metadata: metadata(name, namespace, kafka.clusterName),
    spec: { replicas, roles, storage: strimziStorage(kafka, size), resources: containerResources(resources) },
  });
  // One small dual-role pool when a single node is asked for; separate controllers otherwise.
  const pools =
    kafka.brokers === 1 && kafka.controllers === 1
      ? [pool("dual-role", ["controller", "broker"], 1, kafka.brokerResources, kafka.storage.size)]
      : [
          pool(
            "controllers",
            ["controller"],
            kafka.controllers,
            kafka.controllerResources,
            kafka.controllerStorageSize,
          ),
          pool("brokers", ["broker"], kafka.brokers, kafka.brokerResources, kafka.storage.size),
        ];
  return [kafkaObject({ version: versions.kafka.kraft, metadataVersion: versions.kraftMetadataVersion }, {}), ...pools];
}

/** The data topic and its dead-letter topic. */
export function kafkaTopicObjects(kafka: KafkaConfig, naming: Naming): KubernetesObject[] {
  const topic = (resourceName: string, topicName: string, retentionHours: number, partitions: number) => ({
    apiVersion: strimziApiVersion(kafka.mode),
    kind: "KafkaTopic",
    metadata: metadata(resourceName, naming.namespaces.kafka, kafka.clusterName),
    spec: {
      topicName,
      partitions,
      replicas: kafka.topic.replicas,
      config: {
        "retention.ms": hoursToMilliseconds(retentionHours),
        "min.insync.replicas": Math.max(1, kafka.topic.replicas - 1),
      },
    },
  });
  return [
    topic("users-created", naming.kafka.topics.users, kafka.topic.retentionHours, kafka.topic.partitions),
    // Dead letters are few; one partition keeps them in order.
    topic("users-created-dlq", naming.kafka.topics.deadLetters, kafka.topic.dlqRetentionHours, 1),
  ];
}

type Operation =
  | "Read"
  | "Write"
  | "Create"
  | "Describe"
  | "DescribeConfigs"
  | "Alter"
  | "AlterConfigs"
  | "Delete"
  | "IdempotentWrite"
  | "All";

export interface Acl {
  readonly resource: {
    readonly type: "topic" | "group" | "cluster";
    readonly name?: string;
    readonly patternType?: "literal" | "prefix";
  };
  readonly operations: readonly Operation[];
}

const topicAcl = (name: string, operations: Operation[], patternType: "literal" | "prefix" = "literal"): Acl => ({
  resource: { type: "topic", name, patternType },
  operations,
});
const groupAcl = (name: string, operations: Operation[], patternType: "literal" | "prefix" = "literal"): Acl => ({
  resource: { type: "group", name, patternType },
  operations,
});
const clusterAcl = (operations: Operation[]): Acl => ({ resource: { type: "cluster" }, operations });

/** A client of the stack's Kafka; each has its own KafkaUser (naming.kafka.users) when authentication is on. */
export type KafkaClient = keyof Naming["kafka"]["users"];

/** What each kind of access needs, as named ACL lists (aws-cdk's kinesis `perms`): grants pick from these. */
export const kafkaAccess = {
  /** Produce to a topic. */
  write: (topic: string): Acl[] => [topicAcl(topic, ["Write", "Describe"])],
  /** An idempotent producer's right on the cluster. */
  idempotentWrite: (): Acl[] => [clusterAcl(["IdempotentWrite"])],
  /** Consume a topic in groups whose names start with `groupPrefix`. */
  read: (topic: string, groupPrefix: string): Acl[] => [
    topicAcl(topic, ["Read", "Describe"]),
    groupAcl(groupPrefix, ["Read"], "prefix"),
  ],
  /** Keep a store in a topic the client creates and reads back in its own group (Schema Registry's `_schemas`). */
  topicStore: (topic: string, group: string): Acl[] => [
    topicAcl(topic, ["Read", "Write", "Describe", "DescribeConfigs", "Create"]),
    groupAcl(group, ["Read", "Describe"]),
    // The registry checks the cluster's topic settings at start.
    clusterAcl(["Describe", "DescribeConfigs"]),
  ],
  /** Watch every topic and group, owning the topics and groups under `ownPrefix` (Control Center's `_confluent`). */
  monitor: (ownPrefix: string): Acl[] => [
    topicAcl("*", ["Read", "Describe", "DescribeConfigs"]),
    groupAcl("*", ["Describe"]),
    topicAcl(ownPrefix, ["All"], "prefix"),
    groupAcl(ownPrefix, ["All"], "prefix"),
    clusterAcl(["Describe", "DescribeConfigs", "Create"]),
  ],
} as const;

/** Strimzi KafkaUser `spec.quotas` (044-Crd-kafkauser.yaml, the same at 0.45.2 and 1.2.0). */
export interface KafkaUserQuotas {
  /** Bytes per second each broker accepts from the user before throttling it. */
  readonly producerByteRate?: number;
}

/**
 * Quotas per Kafka user. The producer (its release and the Airflow task share the user) is the one client whose
 * volume an outsider can drive: 1 MiB/s per broker is ~1000 generated users a second, a hundred times the default
 * rate, and throttled rather than refused, so a burst slows down instead of failing. Brokers enforce it by delaying
 * responses; the other clients keep their share.
 */
export function kafkaUserQuotas(naming: Naming): Readonly<Record<string, KafkaUserQuotas>> {
  return { [naming.kafka.users.producer]: { producerByteRate: 1024 * 1024 } };
}

/** The KafkaUser of one client with the ACLs it was granted; only with authentication on. */
export function kafkaUserObject(
  kafka: KafkaConfig,
  naming: Naming,
  user: string,
  acls: readonly Acl[],
): KubernetesObject {
  const quotas = kafkaUserQuotas(naming)[user];
  return {
    apiVersion: strimziApiVersion(kafka.mode),
    kind: "KafkaUser",
    metadata: metadata(user, naming.namespaces.apps, kafka.clusterName),
    spec: {
      authentication: { type: kafka.authentication },
      authorization: { type: "simple", acls },
      ...(quotas ? { quotas } : {}),
    },
  };
}
