import { Construct } from "constructs";
import type { ProducerVariables } from "../apps/producer/src/config";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import type { SchemaRegistryConnection } from "./confluent";
import type { ContainerImage } from "./container-image";
import type { PodsPeer } from "./grants";
import type { KafkaConnection, KafkaGrantee } from "./kafka";
import { NodeApp } from "./node-app";

/** The producer's section of the config. */
export type ProducerSettings = StreamstackConfig["apps"]["producer"];

/** The environment our producer reads (apps/producer), for any pod that runs it: the release or an Airflow task. */
export function producerEnvironment(
  settings: Pick<ProducerSettings, "compression">,
  naming: Naming,
  kafka: KafkaConnection,
  schemaRegistry: SchemaRegistryConnection,
) {
  let env: ProducerVariables = {
    KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
    KAFKA_TOPIC: naming.kafka.topics.users,
    SCHEMA_REGISTRY_URL: schemaRegistry.url,
    PRODUCER_SOURCE: "generator",
    PRODUCER_COMPRESSION: settings.compression,
  };
  const secretFiles: { secretName: string; mountPath: string; keys: string[] }[] = [];
  const credentials = kafka.credentialsSecret("producer");
  if (kafka.saslMechanism && credentials && kafka.clientTrustSecret) {
    // Strimzi names the user's secret after the user and keeps only `password` (and sasl.jaas.config) in it.
    env = {
      ...env,
      KAFKA_SASL_MECHANISM: kafka.saslMechanism,
      KAFKA_USERNAME: credentials,
      KAFKA_TLS: "true",
      KAFKA_TLS_CA_FILE: "/etc/kafka-ca/ca.crt",
      // A file, not an env var: the password stays out of the pod spec's env and `kubectl describe`. The DAG's task
      // pods mount the same key at the same path (apps/dags/produce_users.py KAFKA_USER_MOUNT_PATH).
      KAFKA_PASSWORD_FILE: "/etc/kafka-user/password",
    };
    secretFiles.push({ secretName: credentials, mountPath: "/etc/kafka-user", keys: ["password"] });
    secretFiles.push({ secretName: kafka.clientTrustSecret, mountPath: "/etc/kafka-ca", keys: ["ca.crt"] });
  }
  return { env, secretFiles };
}

export interface ProducerProps {
  readonly settings: ProducerSettings;
  /** Official Node.js image the bundled producer runs on. */
  readonly image: ContainerImage;
  readonly naming: Naming;
  readonly kafka: KafkaConnection;
  readonly schemaRegistry: SchemaRegistryConnection;
}

/** The always-on producer sending generated users at the configured rate (scaled to zero at rate 0). */
export class Producer extends Construct implements KafkaGrantee {
  readonly pods: PodsPeer;
  readonly kafkaClient = "producer";

  constructor(scope: Construct, id: string, props: ProducerProps) {
    super(scope, id);
    const { settings, naming } = props;
    const rate = settings.ratePerSecond;
    const environment = producerEnvironment(settings, naming, props.kafka, props.schemaRegistry);
    const { healthPort } = naming.apps.producer;
    const app = new NodeApp(this, "app", {
      app: "producer",
      releaseName: naming.releases.producer,
      namespace: naming.namespaces.apps,
      image: props.image,
      args: rate > 0 ? ["--rate", String(rate)] : [],
      replicas: rate > 0 ? 1 : 0,
      resources: settings.resources,
      ...environment,
      // Each pod generates its own users: a fixed seed would replay the same ids after every restart.
      env: {
        ...environment.env,
        PRODUCER_SEED: "$(POD_NAME)",
        PRODUCER_HEALTH_PORT: String(healthPort),
      } satisfies ProducerVariables,
      // The kubelet's liveness and readiness probes ask /healthz: a producer whose sends stopped completing restarts.
      service: { port: healthPort, type: "ClusterIP", nodePort: 0 },
      dependsOn: [...props.schemaRegistry.ready, ...props.kafka.ready],
    });
    this.pods = app.pods;
  }
}
