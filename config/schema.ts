import { z } from "zod";

/** Kubernetes quantity strings, kept as strings so they reach the manifests unchanged. */
const cpuQuantity = z.string().regex(/^\d+(\.\d+)?m?$/, "a CPU quantity such as 500m or 2");
const memoryQuantity = z.string().regex(/^\d+(Ki|Mi|Gi|Ti)$/, "a memory quantity such as 512Mi or 2Gi");
const dnsLabel = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/,
    "a DNS label: lowercase letters, digits and '-', starting with a letter, at most 40 characters",
  );

export const resourcesSchema = z.strictObject({
  /** CPU the scheduler reserves. */
  cpu: cpuQuantity,
  /** Memory the scheduler reserves; also the memory limit (memory is not compressible). */
  memory: memoryQuantity,
});
export type Resources = z.infer<typeof resourcesSchema>;

export const storageSchema = z.strictObject({
  /** `ephemeral` loses data with the pod (laptops); `persistent` claims a volume. */
  type: z.enum(["ephemeral", "persistent"]),
  /** Size of each volume claim (persistent only). */
  size: memoryQuantity,
  /** Storage class of the claims; empty means the cluster default. */
  storageClass: z.string(),
});
export type Storage = z.infer<typeof storageSchema>;

/** A volume claim for components that always persist (Cassandra, PostgreSQL). */
export const volumeSchema = z.strictObject({
  size: memoryQuantity,
  /** Storage class of the claims; empty means the cluster default. */
  storageClass: z.string(),
});
export type Volume = z.infer<typeof volumeSchema>;

const kafkaSchema = z.strictObject({
  enabled: z.boolean(),
  /** `zookeeper`: Strimzi 0.45.2 with Kafka 3.9; `kraft`: Strimzi 1.2.0 with Kafka 4.x and node pools. */
  mode: z.enum(["zookeeper", "kraft"]),
  /** Name of the Kafka custom resource; the operator derives service and secret names from it. */
  clusterName: dnsLabel,
  brokers: z.number().int().min(1).max(9),
  /** ZooKeeper nodes (zookeeper mode) or KRaft controllers (kraft mode). */
  controllers: z.number().int().min(1).max(5),
  brokerResources: resourcesSchema,
  controllerResources: resourcesSchema,
  /** Brokers' volumes (and, in KRaft mode on one dual-role node, that node's). */
  storage: storageSchema,
  /** Volume size of each ZooKeeper node or dedicated KRaft controller (persistent storage only): metadata, not topic data. */
  controllerStorageSize: memoryQuantity,
  /** Requests of the Strimzi cluster operator, a JVM: its chart asks 200m / 384Mi. */
  operatorResources: resourcesSchema,
  /** `none`: plain listener without authentication; `scram-sha-512`: TLS listener with SCRAM users and ACLs. */
  authentication: z.enum(["none", "scram-sha-512"]),
  topic: z.strictObject({
    partitions: z.number().int().min(1).max(256),
    replicas: z.number().int().min(1).max(9),
    retentionHours: z.number().int().min(1).max(8760),
    dlqRetentionHours: z.number().int().min(1).max(8760),
  }),
});

const schemaRegistrySchema = z.strictObject({
  enabled: z.boolean(),
  replicas: z.number().int().min(1).max(5),
  resources: resourcesSchema,
  /**
   * The read-only front (apps/registry-reader) the consumers read through, so that only the producers can register
   * schemas; it runs as many replicas as the registry. Off, the consumers reach the registry itself.
   */
  readOnlyFront: z.strictObject({ enabled: z.boolean(), resources: resourcesSchema }),
});

const controlCenterSchema = z.strictObject({
  enabled: z.boolean(),
  resources: resourcesSchema,
});

const sparkSchema = z.strictObject({
  enabled: z.boolean(),
  driverResources: resourcesSchema,
  executorResources: resourcesSchema,
  executors: z.number().int().min(1).max(20),
  /** Checkpoints on a volume claim survive a driver restart; on emptyDir they do not. */
  checkpointStorage: storageSchema,
  /** How often the streaming job starts a micro-batch (Spark's processing-time trigger) when data waits. */
  triggerInterval: z
    .string()
    .regex(/^\d+ (milliseconds?|seconds?|minutes?)$/, "a trigger interval such as '500 milliseconds' or '1 second'"),
});

const cassandraSchema = z.strictObject({
  enabled: z.boolean(),
  clusterName: dnsLabel,
  datacenter: dnsLabel,
  size: z.number().int().min(1).max(12),
  /** Cassandra version the K8ssandra operator deploys. */
  serverVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "a version such as 5.0.4"),
  resources: resourcesSchema,
  heapSize: memoryQuantity,
  storage: volumeSchema,
  keyspace: z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, "a CQL identifier"),
  replicationFactor: z.number().int().min(1).max(5),
});

const postgresSchema = z.strictObject({
  enabled: z.boolean(),
  clusterName: dnsLabel,
  instances: z.number().int().min(1).max(5),
  resources: resourcesSchema,
  storage: volumeSchema,
});

const airflowSchema = z.strictObject({
  enabled: z.boolean(),
  /** Airflow executor; KubernetesExecutor needs no Celery broker. */
  executor: z.enum(["KubernetesExecutor", "LocalExecutor"]),
  resources: resourcesSchema,
  /** How many records each scheduled producer run sends. */
  producerRunRecords: z.number().int().min(1).max(1_000_000),
});

const appsSchema = z.strictObject({
  producer: z.strictObject({
    enabled: z.boolean(),
    /** Records per second of the always-on producer; 0 deploys it scaled to zero (Airflow runs still produce). */
    ratePerSecond: z.number().min(0).max(100_000),
    resources: resourcesSchema,
    compression: z.enum(["none", "gzip"]),
  }),
  dashboard: z.strictObject({
    enabled: z.boolean(),
    replicas: z.number().int().min(1).max(10),
    resources: resourcesSchema,
  }),
  /** Official Node.js image the bundled apps run on. */
  nodeImage: z.string().min(1),
});

/** Kubernetes' default NodePort range (kube-apiserver --service-node-port-range). */
const nodePortSchema = z.number().int().min(30000).max(32767);
const exposeSchema = z.strictObject({
  /** `nodePort` suits kind with port mappings; `clusterIP` leaves exposure to an ingress of your own. */
  serviceType: z.enum(["nodePort", "clusterIP"]),
  nodePorts: z.strictObject({
    dashboard: nodePortSchema,
    controlCenter: nodePortSchema,
    airflow: nodePortSchema,
    schemaRegistry: nodePortSchema,
  }),
});

const clusterSchema = z.strictObject({
  /** Kubeconfig the providers use; empty leaves it to KUBE_CONFIG_PATH and the providers' defaults. */
  kubeconfigPath: z.string(),
  /** Kubeconfig context; empty means the current context (or KUBE_CTX). */
  context: z.string(),
  /**
   * imagePullPolicy of every container the stack defines itself. `IfNotPresent` lets kind run images loaded into its
   * nodes without a registry; `Always` makes each pod start check the registry, so a re-pushed tag is never stale.
   */
  imagePullPolicy: z.enum(["IfNotPresent", "Always"]),
});

export const configSchema = z.strictObject({
  profile: z.enum(["kind", "cloud"]),
  /** Prefix of every namespace the stack creates. */
  prefix: dnsLabel,
  cluster: clusterSchema,
  /** Requests of each Go operator pod (cert-manager, Spark operator, K8ssandra and cass-operator, CloudNativePG); Strimzi has kafka.operatorResources. */
  operatorResources: resourcesSchema,
  expose: exposeSchema,
  certManager: z.strictObject({ enabled: z.boolean() }),
  kafka: kafkaSchema,
  schemaRegistry: schemaRegistrySchema,
  controlCenter: controlCenterSchema,
  spark: sparkSchema,
  cassandra: cassandraSchema,
  postgres: postgresSchema,
  airflow: airflowSchema,
  apps: appsSchema,
});

export type StreamstackConfig = z.infer<typeof configSchema>;
export type Profile = StreamstackConfig["profile"];
export type KafkaMode = StreamstackConfig["kafka"]["mode"];
export type ImagePullPolicy = StreamstackConfig["cluster"]["imagePullPolicy"];
