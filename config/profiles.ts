import type { Profile, StreamstackConfig } from "./schema";

const kind: StreamstackConfig = {
  profile: "kind",
  prefix: "streamstack",
  // kind names the context of cluster "streamstack" kind-streamstack (kind/cluster.yaml).
  cluster: { kubeconfigPath: "~/.kube/config", context: "kind-streamstack", imagePullPolicy: "IfNotPresent" },
  // Go operators idle at tens of MiB (cert-manager's chart suggests 10m / 32Mi); they cannot run here to measure.
  operatorResources: { cpu: "25m", memory: "128Mi" },
  expose: {
    serviceType: "nodePort",
    // Must match the port mappings in kind/cluster.yaml.
    nodePorts: { dashboard: 30080, controlCenter: 30021, airflow: 30088, schemaRegistry: 30081 },
  },
  certManager: { enabled: true },
  kafka: {
    enabled: true,
    mode: "zookeeper",
    clusterName: "streamstack",
    brokers: 1,
    controllers: 1,
    // Memory from config/measured-rss.json and the rule in scripts/lib/measured-rss.ts (__tests__/measured-requests.test.ts).
    brokerResources: { cpu: "200m", memory: "576Mi" },
    controllerResources: { cpu: "50m", memory: "448Mi" },
    storage: { type: "ephemeral", size: "5Gi", storageClass: "" },
    controllerStorageSize: "1Gi",
    operatorResources: { cpu: "50m", memory: "384Mi" },
    authentication: "none",
    topic: { partitions: 3, replicas: 1, retentionHours: 24, dlqRetentionHours: 72 },
  },
  schemaRegistry: {
    enabled: true,
    replicas: 1,
    resources: { cpu: "50m", memory: "512Mi" },
    // Off on kind: its 128Mi would take the everything-on stack past the 12 GiB Docker VM the README asks for. The
    // Spark job and Control Center then reach the registry itself, so any of them could register a schema.
    readOnlyFront: { enabled: false, resources: { cpu: "10m", memory: "128Mi" } },
  },
  controlCenter: { enabled: true, resources: { cpu: "250m", memory: "1536Mi" } },
  spark: {
    enabled: true,
    driverResources: { cpu: "200m", memory: "1Gi" },
    executorResources: { cpu: "200m", memory: "1Gi" },
    executors: 1,
    checkpointStorage: { type: "ephemeral", size: "1Gi", storageClass: "" },
    // A record waits at most one interval for its micro-batch, then the batch's own time (npm run bench:latency);
    // shorter intervals keep the job busier with small batches at low rates.
    triggerInterval: "1 second",
  },
  cassandra: {
    enabled: true,
    clusterName: "streamstack",
    datacenter: "dc1",
    size: 1,
    serverVersion: "5.0.4",
    resources: { cpu: "250m", memory: "1664Mi" },
    heapSize: "768Mi",
    storage: { size: "5Gi", storageClass: "" },
    keyspace: "spark_streams",
    replicationFactor: 1,
  },
  postgres: {
    enabled: true,
    clusterName: "airflow-db",
    instances: 1,
    resources: { cpu: "50m", memory: "256Mi" },
    storage: { size: "1Gi", storageClass: "" },
  },
  airflow: {
    enabled: true,
    executor: "KubernetesExecutor",
    resources: { cpu: "50m", memory: "320Mi" },
    producerRunRecords: 100,
  },
  apps: {
    producer: { enabled: true, ratePerSecond: 2, resources: { cpu: "25m", memory: "128Mi" }, compression: "gzip" },
    dashboard: { enabled: true, replicas: 1, resources: { cpu: "25m", memory: "128Mi" } },
    nodeImage: "node:22.23-bookworm-slim",
  },
};

const cloud: StreamstackConfig = {
  ...kind,
  profile: "cloud",
  cluster: { kubeconfigPath: "", context: "", imagePullPolicy: "Always" },
  operatorResources: { cpu: "100m", memory: "384Mi" },
  expose: { ...kind.expose, serviceType: "clusterIP" },
  kafka: {
    ...kind.kafka,
    brokers: 3,
    controllers: 3,
    brokerResources: { cpu: "1", memory: "4Gi" },
    controllerResources: { cpu: "500m", memory: "1Gi" },
    storage: { type: "persistent", size: "100Gi", storageClass: "" },
    // The Strimzi chart's own default.
    operatorResources: { cpu: "200m", memory: "384Mi" },
    // ZooKeeper nodes and KRaft controllers keep cluster metadata, not topic data: a fraction of a broker's volume.
    controllerStorageSize: "20Gi",
    authentication: "scram-sha-512",
    topic: { partitions: 12, replicas: 3, retentionHours: 168, dlqRetentionHours: 336 },
  },
  schemaRegistry: {
    enabled: true,
    replicas: 2,
    resources: { cpu: "250m", memory: "1Gi" },
    // 1.5 × the 52 MiB it peaked at under 200 reads (its bundle on Node.js 20, the machine's; the image runs 22),
    // rounded up to 64Mi as for the other apps; the soak measured 45 MiB at 2,000 records/s.
    readOnlyFront: { enabled: true, resources: { cpu: "50m", memory: "128Mi" } },
  },
  controlCenter: { enabled: true, resources: { cpu: "1", memory: "4Gi" } },
  spark: {
    ...kind.spark,
    driverResources: { cpu: "1", memory: "2Gi" },
    executorResources: { cpu: "1", memory: "4Gi" },
    executors: 3,
    checkpointStorage: { type: "persistent", size: "10Gi", storageClass: "" },
  },
  cassandra: {
    ...kind.cassandra,
    size: 3,
    resources: { cpu: "2", memory: "8Gi" },
    heapSize: "4Gi",
    storage: { size: "200Gi", storageClass: "" },
    replicationFactor: 3,
  },
  postgres: {
    ...kind.postgres,
    instances: 3,
    resources: { cpu: "500m", memory: "1Gi" },
    storage: { size: "20Gi", storageClass: "" },
  },
  airflow: { ...kind.airflow, resources: { cpu: "500m", memory: "1Gi" }, producerRunRecords: 1000 },
  apps: {
    ...kind.apps,
    producer: { ...kind.apps.producer, ratePerSecond: 20, resources: { cpu: "200m", memory: "256Mi" } },
    dashboard: { ...kind.apps.dashboard, replicas: 2, resources: { cpu: "200m", memory: "256Mi" } },
  },
};

export const profiles: Readonly<Record<Profile, StreamstackConfig>> = { kind, cloud };
