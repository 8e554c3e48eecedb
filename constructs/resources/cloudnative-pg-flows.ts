import type { Naming } from "../../config/naming";
import type { Flow } from "../connections";
import type { PodsPeer } from "../grants";
import { kubernetesApiFlow, pods, webhookFlow } from "./cluster-peers";

/**
 * CloudNativePG 1.30.0 (chart 0.29.0): webhook.port 9443 (chart values.yaml), the instance manager's status port
 * StatusPort 8000 (pkg/management/url/url.go), PostgreSQL on 5432. docs/src/networking.md: "ensure the operator can
 * reach every cluster pod on ports 8000 and 5432, and that pods can connect to each other".
 */
export const cloudnativePgPorts = { webhook: 9443, status: 8000, postgres: 5432 } as const;

/**
 * The operator's pods carry the chart's selector labels (app.kubernetes.io/name = chart name, instance = release);
 * every pod of a Cluster (its instances and its initdb/join Jobs) carries `cnpg.io/cluster` (ClusterLabelName).
 */
export function cloudnativePgPeers(naming: Naming) {
  return {
    operator: pods(naming.namespaces.postgresOperator, "cloudnative-pg", {
      "app.kubernetes.io/name": "cloudnative-pg",
      "app.kubernetes.io/instance": naming.releases.cloudnativePgOperator,
    }),
    clusterPods: pods(naming.namespaces.airflow, "postgres-cluster-pods", {
      "cnpg.io/cluster": naming.postgres.clusterName,
    }),
  };
}

/** The operator's calls and webhook, and the traffic of a Cluster's pods among themselves (`instances` serve). */
export function cloudnativePgFlows(naming: Naming, instances: PodsPeer): Flow[] {
  const { operator, clusterPods } = cloudnativePgPeers(naming);
  return [
    kubernetesApiFlow(operator, "reconcile PostgreSQL clusters"),
    kubernetesApiFlow(clusterPods, "instance manager and initdb/join Jobs read their Cluster and secrets"),
    webhookFlow(operator, cloudnativePgPorts.webhook, "default and validate Clusters"),
    { from: operator, to: instances, port: cloudnativePgPorts.status, purpose: "instance status" },
    { from: operator, to: instances, port: cloudnativePgPorts.postgres, purpose: "operator's PostgreSQL checks" },
    { from: clusterPods, to: instances, port: cloudnativePgPorts.postgres, purpose: "streaming replication, clones" },
    { from: clusterPods, to: instances, port: cloudnativePgPorts.status, purpose: "instances' status calls" },
  ];
}
