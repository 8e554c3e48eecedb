import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { endpointAddress, type Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { kafkaReadinessGate } from "./kafka-readiness";
import { ManifestsRelease } from "./manifests-release";
import { kafkaClientTrustCertificate, kafkaListenerCertificate } from "./resources/pki";
import {
  crossNamespaceWatches,
  kafkaClusterObjects,
  kafkaTopicObjects,
  kafkaUserObjects,
  strimziOperatorEnvironment,
  type KafkaClient,
} from "./resources/strimzi";
import { StrimziCrds } from "./strimzi-crds";

/** How a client reaches Kafka: everything a client chart or app needs, derived once. */
export interface KafkaConnection {
  readonly bootstrapServers: string;
  /** SCRAM mechanism over TLS, or undefined for the plain listener. */
  readonly saslMechanism?: "scram-sha-512";
  /** Secret (apps namespace) holding ca.crt for TLS, when TLS is on. */
  readonly clientTrustSecret?: string;
  /** Secret (apps namespace) Strimzi writes for a client: keys `password` and `sasl.jaas.config`; its name is the username. */
  credentialsSecret(client: KafkaClient): string | undefined;
  /** Releases a client must wait for (its KafkaUser, the topics). */
  readonly ready: readonly ITerraformDependable[];
}

export interface StrimziKafkaProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  /** Clients that will connect; each gets a KafkaUser when authentication is on. */
  readonly clients: readonly KafkaClient[];
  readonly dependsOn: readonly ITerraformDependable[];
  /** The certificate authority release, required when authentication (and so TLS) is on. */
  readonly certificateAuthority?: readonly ITerraformDependable[];
}

/** Strimzi operator of the line the Kafka mode needs, the Kafka cluster, its topics and its users. */
export class StrimziKafka extends Construct {
  readonly connection: KafkaConnection;

  constructor(scope: Construct, id: string, props: StrimziKafkaProps) {
    super(scope, id);
    const { config, naming } = props;
    const zookeeperLine = config.kafka.mode === "zookeeper";
    const secured = config.kafka.authentication !== "none";
    if (secured && !props.certificateAuthority) {
      throw new Error("kafka.authentication needs the certificate authority: keep certManager's CA in the stack");
    }

    const chart = zookeeperLine ? charts.strimziZookeeper : charts.strimziKraft;
    const clusterObjects = kafkaClusterObjects(config, naming);
    // KafkaUsers and their secrets live with the clients: the operator needs rights there for the User Operator.
    const watched = clusterObjects.filter((object) => object.kind === "Kafka").flatMap(crossNamespaceWatches);
    const crds = new StrimziCrds(this, "crds", { naming, chart, mode: config.kafka.mode, dependsOn: props.dependsOn });

    const operatorChart = new ChartRelease(this, "operator", {
      name: naming.releases.strimziOperator,
      namespace: naming.namespaces.kafka,
      chart,
      values: {
        ...(watched.length > 0 ? { watchNamespaces: watched } : {}),
        extraEnvs: strimziOperatorEnvironment(chart.version, watched),
        resources: {
          requests: { cpu: config.kafka.operatorResources.cpu, memory: config.kafka.operatorResources.memory },
          limits: { memory: config.kafka.operatorResources.memory },
        },
        // Strimzi 1.2 ships a restricted security context by default; 0.45 does not.
        ...(zookeeperLine
          ? {
              podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            }
          : {}),
      },
      dependsOn: [crds.release, ...props.dependsOn],
    });
    const operator = operatorChart.release;
    // The CRDs are the StrimziCrds release's: Helm would install crds/ once and never upgrade them.
    operator.skipCrds = true;

    const objects = [
      ...(secured ? [kafkaListenerCertificate(naming), kafkaClientTrustCertificate(naming)] : []),
      ...clusterObjects,
      ...kafkaTopicObjects(config, naming),
      ...kafkaUserObjects(config, naming, props.clients),
    ];
    const resources = new ManifestsRelease(this, "resources", {
      name: naming.releases.kafkaResources,
      namespace: naming.namespaces.kafka,
      objects,
      dependsOn: [operator, ...(props.certificateAuthority ?? [])],
    });

    this.connection = {
      bootstrapServers: endpointAddress(naming.kafka.bootstrap),
      saslMechanism: naming.kafka.saslMechanism,
      clientTrustSecret: secured ? naming.kafka.clientTrustSecret : undefined,
      credentialsSecret: (client) =>
        secured && props.clients.includes(client) ? naming.kafka.users[client] : undefined,
      // Helm's wait sees custom resources as ready at once: clients wait for the gate on their Ready conditions.
      ready: [kafkaReadinessGate(this, config, naming, objects, [resources.release]).release],
    };
  }
}

/** Values of our Confluent charts' `kafka` block for one client. */
export function confluentKafkaValues(connection: KafkaConnection, client: KafkaClient) {
  const secured = connection.saslMechanism !== undefined;
  return {
    bootstrapServers: connection.bootstrapServers,
    securityProtocol: secured ? "SASL_SSL" : "PLAINTEXT",
    saslMechanism: "SCRAM-SHA-512",
    credentialsSecret: connection.credentialsSecret(client) ?? "",
    caSecret: connection.clientTrustSecret ?? "",
  };
}
