import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { Naming } from "../../config/naming";
import type { ImagePullPolicy, StreamstackConfig } from "../../config/schema";
import { sparkVersions } from "../../config/versions";
import type { CassandraConnection } from "../cassandra";
import type { SchemaRegistryConnection } from "../confluent";
import type { KafkaConnection } from "../kafka";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";
import { claimSpec } from "./quantities";
import { sparkPorts } from "./spark-flows";
import { mebibytes } from "../../config/quantities";
import type sparkJobEnvironment from "../../apps/spark-job/environment.json";

const sparkJobDirectory = join(__dirname, "..", "..", "apps", "spark-job");
const schemaFile = join(__dirname, "..", "..", "apps", "schemas", "users_created.avsc");

/** The job's Python files and the Avro schema, as ConfigMap data mounted into one directory. */
export function sparkJobFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of sparkVersions.jobFiles) files[name] = readFileSync(join(sparkJobDirectory, name), "utf8");
  files[sparkVersions.schemaFile] = readFileSync(schemaFile, "utf8");
  return files;
}

/** Each executor runs one task at a time: the profiles size executors by memory, and CPU requests stay below a core. */
const executorCores = 1;

/** Spark sizes a pod as memory + overhead; we give the overhead explicitly so the pod gets exactly what config says. */
export const sparkMemoryOverheadMi = 384;

function sparkMemory(total: string): { memory: string; memoryOverhead: string } {
  return { memory: `${mebibytes(total) - sparkMemoryOverheadMi}m`, memoryOverhead: `${sparkMemoryOverheadMi}m` };
}

/** The variables job_config.py reads (apps/spark-job/environment.json), and the interpreter's module path. */
type SparkJobVariable = keyof (typeof sparkJobEnvironment)["variables"] | "PYTHONPATH";
type SparkJobEnvVar =
  | { readonly name: SparkJobVariable; readonly value: string }
  | {
      readonly name: SparkJobVariable;
      readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
    };

/** The services the job reads from and writes to, as their constructs describe them. */
export interface SparkJobConnections {
  readonly kafka: KafkaConnection;
  readonly cassandra: CassandraConnection;
  /**
   * The registry whose ids name each record's writer schema.
   * @default - none: every record is read with the schema the job ships
   */
  readonly schemaRegistry?: SchemaRegistryConnection;
}

function jobEnvironment(spark: StreamstackConfig["spark"], naming: Naming, connections: SparkJobConnections) {
  const { kafka, cassandra } = connections;
  const secretEnv = (name: SparkJobVariable, secret: string, key: string): SparkJobEnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const env: SparkJobEnvVar[] = [
    { name: "KAFKA_BOOTSTRAP_SERVERS", value: kafka.bootstrapServers },
    { name: "KAFKA_TOPIC", value: naming.kafka.topics.users },
    { name: "KAFKA_DLQ_TOPIC", value: naming.kafka.topics.deadLetters },
    { name: "KAFKA_TLS", value: String(kafka.clientTrustSecret !== undefined) },
    { name: "CASSANDRA_HOST", value: cassandra.host },
    { name: "CASSANDRA_PORT", value: String(cassandra.port) },
    { name: "CASSANDRA_LOCAL_DATACENTER", value: cassandra.localDatacenter },
    { name: "CASSANDRA_KEYSPACE", value: cassandra.keyspace },
    { name: "CASSANDRA_TABLE", value: cassandra.table },
    secretEnv("CASSANDRA_USERNAME", cassandra.credentials.sparkJob, "username"),
    secretEnv("CASSANDRA_PASSWORD", cassandra.credentials.sparkJob, "password"),
    { name: "CHECKPOINT_LOCATION", value: `${naming.spark.checkpointMountPath}/${naming.spark.application}` },
    // Applies only to a query without a checkpoint. Checkpoints are as durable as Kafka (config/load.ts): on kind both
    // live in the pod, so a restarted driver re-reads the retained topic: harmless for the table (upserts by id),
    // repeats dead letters. Offsets kept on a volume would outlive an ephemeral broker and stop the query (failOnDataLoss).
    { name: "STARTING_OFFSETS", value: "earliest" },
    { name: "TRIGGER_INTERVAL", value: spark.triggerInterval },
    { name: "AVRO_SCHEMA_PATH", value: `${naming.spark.codeMountPath}/${sparkVersions.schemaFile}` },
    { name: "PYTHONPATH", value: naming.spark.codeMountPath },
  ];
  // The job reads each record with the writer schema its Confluent id names (apps/spark-job/schema_registry.py);
  // without a registry it reads every record with the schema it ships.
  if (connections.schemaRegistry) env.push({ name: "SCHEMA_REGISTRY_URL", value: connections.schemaRegistry.url });
  const kafkaUser = kafka.credentialsSecret("sparkJob");
  if (kafka.saslMechanism && kafkaUser) {
    env.push(
      { name: "KAFKA_SASL_MECHANISM", value: kafka.saslMechanism },
      // Strimzi's user secret holds the password; the username is the KafkaUser's name.
      { name: "KAFKA_USERNAME", value: kafkaUser },
      secretEnv("KAFKA_PASSWORD", kafkaUser, "password"),
      { name: "KAFKA_TLS_CA_FILE", value: "/etc/kafka-ca/ca.crt" },
    );
  }
  return env;
}

const podSecurity = {
  podSecurityContext: { runAsNonRoot: true, runAsUser: 185, fsGroup: 185, seccompProfile: { type: "RuntimeDefault" } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
};

/** Labels of the job's objects, among them its driver and executor pods (the SparkApplication gives them both). */
export function sparkJobPodLabels(naming: Naming) {
  return { ...partOfLabel, "app.kubernetes.io/name": naming.spark.application };
}

/** The streaming SparkApplication and everything its driver needs in the apps namespace. */
export function sparkJobObjects(
  settings: StreamstackConfig["spark"],
  naming: Naming,
  connections: SparkJobConnections,
  imagePullPolicy: ImagePullPolicy,
): KubernetesObject[] {
  const namespace = naming.namespaces.apps;
  const { spark } = naming;
  const labels = sparkJobPodLabels(naming);
  const persistentCheckpoints = settings.checkpointStorage.type === "persistent";
  const env = jobEnvironment(settings, naming, connections);
  const trustSecret = connections.kafka.clientTrustSecret;
  const mounts = [{ name: "code", mountPath: spark.codeMountPath, readOnly: true }];
  const caMount = trustSecret ? [{ name: "kafka-ca", mountPath: "/etc/kafka-ca", readOnly: true }] : [];

  const objects: KubernetesObject[] = [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: spark.serviceAccount, namespace, labels },
    } satisfies IServiceAccount,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: spark.serviceAccount, namespace, labels },
      // What a Spark driver needs to run its executors (Spark on Kubernetes documentation, "RBAC").
      rules: [
        {
          apiGroups: [""],
          resources: ["pods"],
          verbs: ["create", "get", "list", "watch", "delete", "deletecollection", "patch"],
        },
        {
          apiGroups: [""],
          resources: ["services", "configmaps"],
          verbs: ["create", "get", "list", "watch", "delete", "deletecollection"],
        },
        { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "watch"] },
      ],
    } satisfies IRole,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: spark.serviceAccount, namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: spark.serviceAccount },
      subjects: [{ kind: "ServiceAccount", name: spark.serviceAccount, namespace }],
    } satisfies IRoleBinding,
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: spark.codeConfigMap, namespace, labels },
      data: sparkJobFiles(),
    } satisfies IConfigMap,
  ];
  if (persistentCheckpoints) {
    objects.push({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: spark.checkpointClaim, namespace, labels },
      spec: claimSpec(settings.checkpointStorage),
    } satisfies IPersistentVolumeClaim);
  }

  objects.push({
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name: spark.application, namespace, labels },
    spec: {
      type: "Python",
      pythonVersion: "3",
      mode: "cluster",
      image: sparkVersions.image,
      imagePullPolicy,
      sparkVersion: sparkVersions.spark,
      mainApplicationFile: `local://${spark.codeMountPath}/${sparkVersions.mainFile}`,
      deps: { packages: [...sparkVersions.packages] },
      sparkConf: {
        // The image's home is read-only for uid 185; Ivy resolves the connector packages into /tmp.
        "spark.jars.ivy": "/tmp/.ivy2",
        "spark.kubernetes.submission.waitAppCompletion": "false",
        // Executors' block managers otherwise listen on a random port, which no network policy can name.
        "spark.blockManager.port": String(sparkPorts.blockManager),
        // One shuffle partition per executor core. With Spark's default of 200, each micro-batch's per-id dedup
        // (user_records.to_table_rows) runs 200 tiny tasks on the executors' few cores.
        "spark.sql.shuffle.partitions": String(settings.executors * executorCores),
      },
      // A streaming query runs forever; the operator restarts it after a failure and it resumes from its checkpoint.
      restartPolicy: { type: "Always", onFailureRetryInterval: 10, onSubmissionFailureRetryInterval: 30 },
      volumes: [
        { name: "code", configMap: { name: spark.codeConfigMap } },
        persistentCheckpoints
          ? { name: "checkpoints", persistentVolumeClaim: { claimName: spark.checkpointClaim } }
          : { name: "checkpoints", emptyDir: {} },
        ...(trustSecret
          ? [{ name: "kafka-ca", secret: { secretName: trustSecret, items: [{ key: "ca.crt", path: "ca.crt" }] } }]
          : []),
      ],
      driver: {
        cores: 1,
        coreRequest: settings.driverResources.cpu,
        ...sparkMemory(settings.driverResources.memory),
        serviceAccount: spark.serviceAccount,
        labels,
        env,
        // Offsets and commits are written by the driver only (the query keeps no state), so only it mounts the claim.
        volumeMounts: [...mounts, { name: "checkpoints", mountPath: spark.checkpointMountPath }, ...caMount],
        ...podSecurity,
      },
      executor: {
        instances: settings.executors,
        cores: executorCores,
        coreRequest: settings.executorResources.cpu,
        ...sparkMemory(settings.executorResources.memory),
        labels,
        env,
        volumeMounts: [...mounts, ...caMount],
        ...podSecurity,
      },
    },
  });
  return objects;
}
