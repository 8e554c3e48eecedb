import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { endpointAddress, strimziNames, type Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ConnectionGraph } from "./connections";
import { recordFlow, type Grantee, type PodsPeer } from "./grants";
import { kafkaReadinessGate } from "./kafka-readiness";
import { ManifestsRelease } from "./manifests-release";
import type { OperatorComponentProps } from "./operator-component-props";
import { kafkaClientTrustCertificate, kafkaListenerCertificate } from "./resources/pki";
import {
  crossNamespaceWatches,
  defaultReplicationFactor,
  kafkaAccess,
  kafkaClusterObjects,
  kafkaTopicObjects,
  kafkaUserObject,
  strimziOperatorEnvironment,
  type Acl,
  type KafkaClient,
} from "./resources/strimzi";
import { strimziFlows } from "./resources/strimzi-flows";
import { StrimziCrds } from "./strimzi-crds";

/** How a client reaches Kafka: everything a client chart or app needs, derived once. */
export interface KafkaConnection {
  readonly bootstrapServers: string;
  /** SCRAM mechanism over TLS, or undefined for the plain listener. */
  readonly saslMechanism?: "scram-sha-512";
  /** Secret (apps namespace) holding ca.crt for TLS, when TLS is on. */
  readonly clientTrustSecret?: string;
  /**
   * Secret (apps namespace) Strimzi writes for a client's KafkaUser: keys `password` and `sasl.jaas.config`; its name
   * is the username. The user exists once the client is granted access ({@link StrimziKafka.grant}).
   */
  credentialsSecret(client: KafkaClient): string | undefined;
  /** The cluster's default replication factor, for clients that create topics of their own. */
  readonly replicationFactor: number;
  /** Releases a client must wait for (its KafkaUser, the topics). */
  readonly ready: readonly ITerraformDependable[];
}

/** A workload that connects to Kafka as one of the stack's clients (its KafkaUser when authentication is on). */
export interface KafkaGrantee extends Grantee {
  readonly kafkaClient: KafkaClient;
}

/** The Strimzi operator's resources are part of the `kafka` settings (kafka.operatorResources). */
export interface StrimziKafkaProps extends Omit<OperatorComponentProps, "operatorResources"> {
  /** The `kafka` section of the config. */
  readonly settings: StreamstackConfig["kafka"];
  /**
   * The certificate authority release, required when authentication (and so TLS) is on.
   * @default - none: only valid with `kafka.authentication: none`
   */
  readonly certificateAuthority?: readonly ITerraformDependable[];
}

/**
 * Strimzi operator of the line the Kafka mode needs, the Kafka cluster and its topics; clients get access (a KafkaUser
 * with ACLs, and a recorded network flow) through the grant methods, where they are wired.
 */
export class StrimziKafka extends Construct {
  readonly connection: KafkaConnection;
  /** The broker pods, as Strimzi labels them (strimzi.upstream.md). */
  readonly brokers: PodsPeer;
  private readonly settings: StreamstackConfig["kafka"];
  private readonly naming: Naming;
  /** ACLs granted so far, per KafkaUser, in grant order; the users are rendered at synthesis. */
  private readonly grantedAcls = new Map<string, Acl[]>();

  constructor(scope: Construct, id: string, props: StrimziKafkaProps) {
    super(scope, id);
    const { settings: kafka, naming } = props;
    this.settings = kafka;
    this.naming = naming;
    const zookeeperLine = kafka.mode === "zookeeper";
    const secured = kafka.authentication !== "none";
    if (secured && !props.certificateAuthority) {
      throw new Error(
        `${this.node.path}: kafka.authentication needs the certificate authority: keep certManager's CA in the stack`,
      );
    }

    const chart = zookeeperLine ? charts.strimziZookeeper : charts.strimziKraft;
    const clusterObjects = kafkaClusterObjects(kafka, naming);
    // KafkaUsers and their secrets live with the clients: the operator needs rights there for the User Operator.
    const watched = clusterObjects.filter((object) => object.kind === "Kafka").flatMap(crossNamespaceWatches);
    const crds = new StrimziCrds(this, "crds", { naming, chart, mode: kafka.mode, dependsOn: props.dependsOn });

    const operatorChart = new ChartRelease(this, "operator", {
      name: naming.releases.strimziOperator,
      namespace: naming.namespaces.kafka,
      chart,
      values: {
        ...(watched.length > 0 ? { watchNamespaces: watched } : {}),
        extraEnvs: strimziOperatorEnvironment(chart.version, watched),
        // Strimzi's own policies open every listener to all pods (listeners carry no networkPolicyPeers); the stack's
        // policies, derived from the connection graph, cover the same operator and cluster flows (strimzi-flows.ts).
        // The chart renders STRIMZI_NETWORK_POLICY_GENERATION only for a value other than its default true.
        generateNetworkPolicy: false,
        resources: {
          requests: { cpu: kafka.operatorResources.cpu, memory: kafka.operatorResources.memory },
          limits: { memory: kafka.operatorResources.memory },
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
    const graph = ConnectionGraph.of(this);
    for (const flow of strimziFlows(naming, kafka.mode)) graph.allow(flow);
    // The CRDs are the StrimziCrds release's: Helm would install crds/ once and never upgrade them.
    operator.skipCrds = true;

    const objects = () => [
      ...(secured ? [kafkaListenerCertificate(naming), kafkaClientTrustCertificate(naming)] : []),
      ...clusterObjects,
      ...kafkaTopicObjects(kafka, naming),
      // In the order naming lists the clients, so the order of the grants in the stack does not show in the output.
      ...Object.values(naming.kafka.users).flatMap((user) => {
        const acls = this.grantedAcls.get(user);
        return acls ? [kafkaUserObject(kafka, naming, user, acls)] : [];
      }),
    ];
    const resources = new ManifestsRelease(this, "resources", {
      name: naming.releases.kafkaResources,
      namespace: naming.namespaces.kafka,
      objects,
      dependsOn: [operator, ...(props.certificateAuthority ?? [])],
    });

    this.brokers = {
      kind: "pods",
      name: "kafka-broker",
      namespace: naming.namespaces.kafka,
      labels: {
        "strimzi.io/cluster": kafka.clusterName,
        "strimzi.io/kind": "Kafka",
        "strimzi.io/name": strimziNames(kafka.clusterName).kafkaComponent,
        "strimzi.io/broker-role": "true",
      },
    };
    this.connection = {
      bootstrapServers: endpointAddress(naming.kafka.bootstrap),
      saslMechanism: naming.kafka.saslMechanism,
      clientTrustSecret: secured ? naming.kafka.clientTrustSecret : undefined,
      credentialsSecret: (client) => (secured ? naming.kafka.users[client] : undefined),
      replicationFactor: defaultReplicationFactor(kafka),
      // Helm's wait sees custom resources as ready at once: clients wait for the gate on their Ready conditions.
      ready: [kafkaReadinessGate(this, props.gateImage, naming, objects, [resources.release]).release],
    };
  }

  /**
   * Lets `grantee` connect to the brokers with these ACLs: adds them to its KafkaUser (created on its first grant,
   * when authentication is on) and records the flow from its pods to the broker listener.
   */
  grant(grantee: KafkaGrantee, purpose: string, ...acls: readonly Acl[]): void {
    if (this.settings.authentication !== "none") {
      const user = this.naming.kafka.users[grantee.kafkaClient];
      const granted = this.grantedAcls.get(user) ?? [];
      const known = new Set(granted.map((acl) => JSON.stringify(acl)));
      granted.push(...acls.filter((acl) => !known.has(JSON.stringify(acl))));
      this.grantedAcls.set(user, granted);
    }
    recordFlow(this, grantee.pods, this.brokers, this.naming.kafka.bootstrap.port, purpose);
  }

  /**
   * Lets `grantee` produce to `topic`.
   * @param options.topic the topic. @default the users topic
   * @param options.idempotent whether the producer is idempotent (needs IdempotentWrite on the cluster). @default false
   */
  grantWrite(grantee: KafkaGrantee, options: { readonly topic?: string; readonly idempotent?: boolean } = {}): void {
    const topic = options.topic ?? this.naming.kafka.topics.users;
    const acls = [...kafkaAccess.write(topic), ...(options.idempotent ? kafkaAccess.idempotentWrite() : [])];
    this.grant(grantee, `produce to ${topic}`, ...acls);
  }

  /**
   * Lets `grantee` consume `topic` in groups named with `consumerGroupPrefix`.
   * @param options.topic the topic. @default the users topic
   */
  grantRead(grantee: KafkaGrantee, options: { readonly topic?: string; readonly consumerGroupPrefix: string }): void {
    const topic = options.topic ?? this.naming.kafka.topics.users;
    this.grant(grantee, `consume ${topic}`, ...kafkaAccess.read(topic, options.consumerGroupPrefix));
  }

  /** Lets `grantee` keep a store in `topic`, read back in its `group` (a Schema Registry's schemas topic). */
  grantTopicStore(grantee: KafkaGrantee, topic: string, group: string): void {
    this.grant(grantee, `keep its store in ${topic}`, ...kafkaAccess.topicStore(topic, group));
  }

  /** Lets `grantee` watch every topic and group, owning those under `ownPrefix` (Control Center). */
  grantMonitor(grantee: KafkaGrantee, ownPrefix: string): void {
    this.grant(grantee, "monitor topics and consumer groups", ...kafkaAccess.monitor(ownPrefix));
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
