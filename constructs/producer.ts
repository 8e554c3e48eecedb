import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ProducerVariables } from "../apps/producer/src/config";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import type { KafkaConnection } from "./kafka";
import { NodeApp, type SecretEnvironment } from "./node-app";

/** The environment our producer reads (apps/producer), for any pod that runs it: the release or an Airflow task. */
export function producerEnvironment(
  config: StreamstackConfig,
  naming: Naming,
  kafka: KafkaConnection,
  schemaRegistryUrl: string,
) {
  let env: ProducerVariables = {
    KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
    KAFKA_TOPIC: naming.kafka.topics.users,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    PRODUCER_SOURCE: "generator",
    PRODUCER_COMPRESSION: config.apps.producer.compression,
  };
  const secretEnv: (SecretEnvironment & { readonly name: keyof ProducerVariables })[] = [];
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
    };
    secretEnv.push({ name: "KAFKA_PASSWORD", secretName: credentials, key: "password" });
    secretFiles.push({ secretName: kafka.clientTrustSecret, mountPath: "/etc/kafka-ca", keys: ["ca.crt"] });
  }
  return { env, secretEnv, secretFiles };
}

export interface ProducerProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  readonly kafka: KafkaConnection;
  readonly schemaRegistryUrl: string;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** The always-on producer sending generated users at the configured rate (scaled to zero at rate 0). */
export class Producer extends Construct {
  constructor(scope: Construct, id: string, props: ProducerProps) {
    super(scope, id);
    const { config, naming } = props;
    const rate = config.apps.producer.ratePerSecond;
    const environment = producerEnvironment(config, naming, props.kafka, props.schemaRegistryUrl);
    new NodeApp(this, "app", {
      app: "producer",
      releaseName: naming.releases.producer,
      namespace: naming.namespaces.apps,
      image: config.apps.nodeImage,
      args: rate > 0 ? ["--rate", String(rate)] : [],
      replicas: rate > 0 ? 1 : 0,
      resources: config.apps.producer.resources,
      ...environment,
      // Each pod generates its own users: a fixed seed would replay the same ids after every restart.
      env: { ...environment.env, PRODUCER_SEED: "$(POD_NAME)" } satisfies ProducerVariables,
      dependsOn: props.dependsOn,
    });
  }
}
