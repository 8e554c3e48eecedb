import { topicValueSubject } from "../apps/shared/schema-subject";
import type { StreamstackConfig } from "./schema";

/** The stack's name for a profile: separate state per profile. */
export function stackName(config: StreamstackConfig): string {
  return `streamstack-${config.profile}`;
}

/** A TCP endpoint inside the cluster. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export function endpointAddress(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}

function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc`;
}

export const ports = {
  kafkaPlain: 9092,
  kafkaTls: 9093,
  schemaRegistry: 8081,
  controlCenter: 9021,
  cassandraNative: 9042,
  postgres: 5432,
  dashboard: 8080,
  airflowApi: 8080,
  /** The producer's /healthz, for the kubelet's probes only (no flow reaches it). */
  producerHealth: 8080,
} as const;

/** Names Strimzi derives from a Kafka resource (documented in the Strimzi "Configuring" guide). */
export function strimziNames(clusterName: string) {
  return {
    /** `strimzi.io/name` of the Kafka pods (KafkaResources.kafkaComponentName). */
    kafkaComponent: `${clusterName}-kafka`,
    bootstrapService: `${clusterName}-kafka-bootstrap`,
    brokersService: `${clusterName}-kafka-brokers`,
  };
}

/** Names cass-operator and K8ssandra derive from a K8ssandraCluster and its datacenter. */
export function k8ssandraNames(clusterName: string, datacenter: string) {
  return {
    cqlService: `${clusterName}-${datacenter}-service`,
    superuserSecret: `${clusterName}-superuser`,
  };
}

/** Names CloudNativePG derives from a Cluster. */
/** Names CloudNativePG derives from a Cluster. */
export function cloudnativePgNames(clusterName: string) {
  return { readWriteService: `${clusterName}-rw` };
}

/** Every name, address, port and secret the stack uses, derived once from the config. */
export function deriveNaming(config: StreamstackConfig) {
  const prefix = config.prefix;
  // Kafka clients share the apps namespace: Strimzi writes KafkaUser secrets into one watched namespace,
  // and secrets cannot be referenced across namespaces.
  const namespaces = {
    certManager: "cert-manager",
    kafka: `${prefix}-kafka`,
    sparkOperator: `${prefix}-spark`,
    cassandra: `${prefix}-cassandra`,
    postgresOperator: `${prefix}-cnpg`,
    airflow: `${prefix}-airflow`,
    apps: `${prefix}-apps`,
  } as const;

  const kafkaTls = config.kafka.authentication !== "none";
  const strimzi = strimziNames(config.kafka.clusterName);
  const kafkaBootstrap: Endpoint = {
    host: serviceHost(strimzi.bootstrapService, namespaces.kafka),
    port: kafkaTls ? ports.kafkaTls : ports.kafkaPlain,
  };

  const k8ssandra = k8ssandraNames(config.cassandra.clusterName, config.cassandra.datacenter);
  const postgres = cloudnativePgNames(config.postgres.clusterName);
  const topics = { users: "users_created", deadLetters: "users_created.dlq" } as const;
  const registryService = "schema-registry";
  const registryReaderService = "schema-registry-reader";

  return {
    namespaces,
    releases: {
      certManager: "cert-manager",
      strimziOperator: "strimzi-operator",
      strimziCrds: "strimzi-crds",
      kafkaResources: "kafka-resources",
      sparkOperator: "spark-operator",
      sparkJob: "streaming-job",
      k8ssandraOperator: "k8ssandra-operator",
      cassandraResources: "cassandra-resources",
      /** The keyspace/table Job, after the Cassandra gate (its Job is named after a hash of its CQL). */
      cassandraSchema: "cassandra-schema",
      certificateAuthority: "certificate-authority",
      cloudnativePgOperator: "cloudnative-pg",
      postgresResources: "postgres-resources",
      airflow: "airflow",
      producer: "producer",
      dashboard: "dashboard",
      /** One per namespace: its default-deny and allow policies (constructs/network-policies.ts). */
      networkPolicies: "network-policies",
    },
    /** Readiness gates: one release (and Job) per custom-resource-backed service that consumers wait on. */
    gates: {
      kafka: "kafka-ready",
      cassandra: "cassandra-ready",
      postgres: "postgres-ready",
      certificateAuthority: "certificate-authority-ready",
    },
    kafka: {
      clusterName: config.kafka.clusterName,
      bootstrap: kafkaBootstrap,
      tls: kafkaTls,
      saslMechanism: config.kafka.authentication === "none" ? undefined : config.kafka.authentication,
      listenerName: kafkaTls ? "tls" : "plain",
      /** Secret in the apps namespace whose ca.crt verifies the brokers (issued by the stack's cert-manager CA). */
      clientTrustSecret: "kafka-client-trust",
      /** Secret in the Kafka namespace with the listener's certificate, from the same CA. */
      listenerCertificateSecret: "kafka-listener-tls",
      brokersService: strimzi.brokersService,
      topics,
      /** Where the producer registers the users topic's value schema. */
      schemaSubject: topicValueSubject(topics.users),
      /** KafkaUser names; Strimzi stores each user's credentials in a Secret of the same name. */
      users: {
        producer: "producer",
        sparkJob: "spark-streaming-job",
        schemaRegistry: "schema-registry",
        controlCenter: "control-center",
      },
      /** Internal topics and groups the clients own, for least-privilege ACLs. */
      schemaRegistryTopic: "_schemas",
      schemaRegistryGroup: "schema-registry",
      controlCenterPrefix: "_confluent",
      sparkGroupPrefix: "spark-kafka-",
    },
    schemaRegistry: {
      service: registryService,
      port: ports.schemaRegistry,
      url: `http://${serviceHost(registryService, namespaces.apps)}:${ports.schemaRegistry}`,
      /**
       * The read-only front the consumers use where schemaRegistry.readOnlyFront is on (apps/registry-reader); then
       * only the producers (the Deployment and the Airflow tasks) reach the registry itself.
       */
      reader: {
        service: registryReaderService,
        port: ports.schemaRegistry,
        url: `http://${serviceHost(registryReaderService, namespaces.apps)}:${ports.schemaRegistry}`,
      },
    },
    controlCenter: { service: "control-center" },
    cassandra: {
      clusterName: config.cassandra.clusterName,
      datacenter: config.cassandra.datacenter,
      contactPoint: {
        host: serviceHost(k8ssandra.cqlService, namespaces.cassandra),
        port: ports.cassandraNative,
      } as Endpoint,
      superuserSecret: k8ssandra.superuserSecret,
      /** Login roles of the clients (CQL role name = the secret's `username`); the superuser is the schema Job's only. */
      roles: {
        sparkJob: { role: "spark_job", secret: "cassandra-spark-job" },
        dashboard: { role: "dashboard", secret: "cassandra-dashboard" },
      },
      keyspace: config.cassandra.keyspace,
      table: "created_users",
      schemaJob: "cassandra-schema",
    },
    // The PostgreSQL cluster lives beside Airflow so Airflow can read its app secret.
    postgres: {
      clusterName: config.postgres.clusterName,
      readWrite: { host: serviceHost(postgres.readWriteService, namespaces.airflow), port: ports.postgres } as Endpoint,
      /** Owner credentials and connection URL of the Airflow database (generated, see generated-secret.ts). */
      credentialsSecret: "airflow-db-credentials",
    },
    spark: {
      application: "users-streaming",
      serviceAccount: "users-streaming-driver",
      codeConfigMap: "users-streaming-code",
      checkpointClaim: "users-streaming-checkpoints",
      checkpointMountPath: "/checkpoints",
      codeMountPath: "/opt/streamstack/job",
    },
    pki: {
      selfSignedIssuer: "streamstack-selfsigned",
      caCertificate: "streamstack-ca",
      caIssuer: "streamstack-ca",
    },
    airflow: {
      /** ServiceAccount the chart gives KubernetesExecutor task pods (release name + "-worker"). */
      workerServiceAccount: "airflow-worker",
      dagsConfigMap: "streamstack-dags",
      dagsMountPath: "/opt/airflow/dags/streamstack",
      producerEnvConfigMap: "airflow-producer-env",
      /** `app.kubernetes.io/name` of the producer pods the DAG starts (apps/dags/produce_users.py sets it). */
      producerTaskApp: "streamstack-producer",
      /** Role in the apps namespace holding exactly what the shipped DAGs call. */
      taskRole: "airflow-tasks",
      /** Generated once (generated-secret.ts), never by the chart, whose randAlphaNum would change them on every upgrade. */
      jwtSecret: "airflow-jwt-secret",
      apiSecretKeySecret: "airflow-api-secret-key",
      /** The web UI's admin user: key `username`, key `password` (generated). */
      adminCredentialsSecret: "airflow-admin",
    },
    apps: {
      // node-app names the code ConfigMap after the release.
      producer: { codeConfigMap: "producer-code", healthPort: ports.producerHealth },
      dashboard: { port: ports.dashboard },
    },
  } as const;
}

export type Naming = ReturnType<typeof deriveNaming>;
