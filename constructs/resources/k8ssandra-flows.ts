import type { Naming } from "../../config/naming";
import type { Flow } from "../connections";
import type { PodsPeer } from "../grants";
import { kubernetesApiFlow, pods, webhookFlow } from "./cluster-peers";

/**
 * Ports of the K8ssandra pods: both operators serve their admission webhooks on 9443 (k8ssandra-operator v1.32.5
 * charts/k8ssandra-operator/templates/deployment.yaml, cass-operator chart templates/deployment.yaml); cass-operator
 * v1.30.3 gives Cassandra pods the management API on 8080 (pkg/reconciliation/construct_service.go, "mgmt-api") and
 * internode traffic on DefaultInternodePort 7000 (7001 once internode encryption is on).
 */
export const k8ssandraPorts = {
  webhook: 9443,
  managementApi: 8080,
  internode: 7000,
  internodeTls: 7001,
  native: 9042,
} as const;

/**
 * The operators' pods as their charts label them: k8ssandra-operator's Deployment sets `control-plane:
 * k8ssandra-operator`; the cass-operator subchart's pods carry the k8ssandra-common standard labels
 * (app.kubernetes.io/name = chart name, app.kubernetes.io/instance = release).
 */
export function k8ssandraOperatorPeers(naming: Naming) {
  const namespace = naming.namespaces.cassandra;
  return {
    k8ssandraOperator: pods(namespace, "k8ssandra-operator", { "control-plane": "k8ssandra-operator" }),
    cassOperator: pods(namespace, "cass-operator", {
      "app.kubernetes.io/name": "cass-operator",
      "app.kubernetes.io/instance": naming.releases.k8ssandraOperator,
    }),
  };
}

/**
 * The operators' API calls and webhooks, their management-API calls to `cassandra` (the datacenter's pods, as
 * cass-operator labels them), and the nodes' own traffic.
 */
export function k8ssandraFlows(naming: Naming, cassandra: PodsPeer): Flow[] {
  const { k8ssandraOperator, cassOperator } = k8ssandraOperatorPeers(naming);
  return [
    kubernetesApiFlow(k8ssandraOperator, "reconcile K8ssandraClusters"),
    kubernetesApiFlow(cassOperator, "reconcile CassandraDatacenters"),
    webhookFlow(k8ssandraOperator, k8ssandraPorts.webhook, "validate K8ssandraClusters"),
    webhookFlow(cassOperator, k8ssandraPorts.webhook, "validate CassandraDatacenters"),
    {
      from: cassOperator,
      to: cassandra,
      port: k8ssandraPorts.managementApi,
      purpose: "start, decommission, probe nodes",
    },
    {
      from: k8ssandraOperator,
      to: cassandra,
      port: k8ssandraPorts.managementApi,
      purpose: "keyspaces and replication",
    },
    { from: cassandra, to: cassandra, port: k8ssandraPorts.internode, purpose: "gossip and replication" },
    { from: cassandra, to: cassandra, port: k8ssandraPorts.internodeTls, purpose: "gossip and replication over TLS" },
  ];
}
