import type { Naming } from "../../config/naming";
import type { StreamstackConfig } from "../../config/schema";
import type { Flow, Peer } from "../connections";
import { kubernetesApiFlow, pods } from "./cluster-peers";

/**
 * Ports Strimzi opens between its own pods (KafkaCluster.java and ZookeeperCluster.java, 0.45.2 and 1.2.0):
 * CONTROLPLANE_PORT, REPLICATION_PORT, KAFKA_AGENT_PORT, and ZooKeeper's CLIENT_TLS_PORT, CLUSTERING_PORT,
 * LEADER_ELECTION_PORT.
 */
export const strimziPorts = {
  controlPlane: 9090,
  replication: 9091,
  kafkaAgent: 8443,
  zookeeperClient: 2181,
  zookeeperClustering: 2888,
  zookeeperLeaderElection: 3888,
} as const;

/**
 * Pod sets as Strimzi labels them: the cluster operator's Deployment template (helm3 chart
 * 060-Deployment-strimzi-cluster-operator.yaml) and the operands' selector labels (strimzi.io/cluster,
 * strimzi.io/kind, strimzi.io/name = <cluster>-kafka | <cluster>-zookeeper | <cluster>-entity-operator), the same
 * selectors Strimzi's generateNetworkPolicy methods use; every KafkaNodePool's pods carry <cluster>-kafka.
 */
export function strimziPeers(naming: Naming) {
  const namespace = naming.namespaces.kafka;
  const cluster = naming.kafka.clusterName;
  const operand = (component: string): Record<string, string> => ({
    "strimzi.io/cluster": cluster,
    "strimzi.io/kind": "Kafka",
    "strimzi.io/name": `${cluster}-${component}`,
  });
  return {
    clusterOperator: pods(namespace, "strimzi-cluster-operator", { "strimzi.io/kind": "cluster-operator" }),
    kafka: pods(namespace, "kafka", operand("kafka")),
    zookeeper: pods(namespace, "zookeeper", operand("zookeeper")),
    entityOperator: pods(namespace, "entity-operator", operand("entity-operator")),
  } satisfies Record<string, Peer>;
}

/**
 * What Strimzi's operator and operands need from one another, as Strimzi's own generated policies allow it (which the
 * stack turns off, strimzi.ts), and the Kubernetes API calls of the operators.
 */
export function strimziFlows(naming: Naming, mode: StreamstackConfig["kafka"]["mode"]): Flow[] {
  const peers = strimziPeers(naming);
  const { clusterOperator, kafka, zookeeper, entityOperator } = peers;
  const flows: Flow[] = [
    kubernetesApiFlow(clusterOperator, "reconcile Strimzi resources"),
    kubernetesApiFlow(entityOperator, "reconcile KafkaTopics and KafkaUsers"),
    { from: kafka, to: kafka, port: strimziPorts.controlPlane, purpose: "control plane listener" },
    { from: kafka, to: kafka, port: strimziPorts.replication, purpose: "replication" },
    { from: clusterOperator, to: kafka, port: strimziPorts.replication, purpose: "admin client during reconciliation" },
    { from: clusterOperator, to: kafka, port: strimziPorts.kafkaAgent, purpose: "broker state during rolling updates" },
    { from: entityOperator, to: kafka, port: strimziPorts.replication, purpose: "manage topics, users and ACLs" },
  ];
  if (mode === "kraft") {
    // Strimzi 1.2.0 adds the operator to the control plane rule (it talks to the KRaft controllers when rolling).
    flows.push({
      from: clusterOperator,
      to: kafka,
      port: strimziPorts.controlPlane,
      purpose: "KRaft controller quorum",
    });
    return flows;
  }
  flows.push(
    { from: zookeeper, to: zookeeper, port: strimziPorts.zookeeperClustering, purpose: "ZooKeeper ensemble traffic" },
    {
      from: zookeeper,
      to: zookeeper,
      port: strimziPorts.zookeeperLeaderElection,
      purpose: "ZooKeeper leader election",
    },
    ...[
      { from: kafka, purpose: "broker metadata" },
      { from: zookeeper, purpose: "ZooKeeper peers' clients" },
      { from: clusterOperator, purpose: "operator's ZooKeeper admin calls" },
      { from: entityOperator, purpose: "entity operator's ZooKeeper access" },
    ].map(({ from, purpose }) => ({ from, to: zookeeper, port: strimziPorts.zookeeperClient, purpose })),
  );
  return flows;
}
