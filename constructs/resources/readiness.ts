import type { Check, Target } from "../../apps/gate/src/condition";
import type { KubernetesObject } from "../kubernetes-object";

/**
 * What "ready" means for each custom resource the stack waits on, as the operator at the pinned tag writes it
 * (sources in constructs/*.upstream.md). Helm's wait treats custom resources as ready at once, so these are the
 * checks a readiness gate Job makes.
 */
interface ReadinessRule {
  /** The CRD's plural name, for the API path and the gate's Role. */
  readonly plural: string;
  readonly checks: (object: KubernetesObject) => Check[];
  readonly hint: (object: KubernetesObject) => string;
}

const readyCondition: Check = { path: "status.conditions[type=Ready].status", equals: "True" };
// Strimzi's own isReady(): the status describes the latest generation and has Ready=True (CustomResourceConditions).
const strimziReady = (): Check[] => [
  readyCondition,
  { path: "status.observedGeneration", equalsPath: "metadata.generation" },
];

function namespaceOf(object: KubernetesObject): string {
  const namespace = object.metadata.namespace;
  if (!namespace)
    throw new Error(`${object.kind}/${object.metadata.name} has no namespace; a readiness gate needs one`);
  return namespace;
}

function datacenterNames(object: KubernetesObject): string[] {
  const cassandra = (object.spec as { cassandra?: { datacenters?: { metadata?: { name?: string } }[] } } | undefined)
    ?.cassandra;
  const names = (cassandra?.datacenters ?? []).map((datacenter) => datacenter.metadata?.name ?? "");
  if (names.length === 0 || names.some((name) => name === "")) {
    throw new Error(
      `K8ssandraCluster/${object.metadata.name}: every datacenter needs metadata.name for its readiness check`,
    );
  }
  return names;
}

const rules: Readonly<Record<string, ReadinessRule>> = {
  "kafka.strimzi.io/Kafka": {
    plural: "kafkas",
    checks: strimziReady,
    hint: (o) =>
      `kubectl -n ${namespaceOf(o)} get kafka ${o.metadata.name} -o jsonpath='{.status.conditions}'; ` +
      `kubectl -n ${namespaceOf(o)} get pods; the cluster operator's log (deployment strimzi-cluster-operator)`,
  },
  "kafka.strimzi.io/KafkaTopic": {
    plural: "kafkatopics",
    checks: strimziReady,
    hint: (o) =>
      `kubectl -n ${namespaceOf(o)} describe kafkatopic ${o.metadata.name}; the topic operator's log ` +
      `(deployment <cluster>-entity-operator, container topic-operator)`,
  },
  "kafka.strimzi.io/KafkaUser": {
    plural: "kafkausers",
    checks: strimziReady,
    hint: (o) =>
      `kubectl -n ${namespaceOf(o)} describe kafkauser ${o.metadata.name}; the user operator's log ` +
      `(deployment <cluster>-entity-operator, container user-operator) and whether it watches ${namespaceOf(o)}`,
  },
  "k8ssandra.io/K8ssandraCluster": {
    plural: "k8ssandraclusters",
    // CassandraInitialized is set once, when every datacenter first became ready; the datacenter's own Ready
    // condition and progress (copied from its CassandraDatacenter) are what k8ssandra-operator's DatacenterReady reads.
    checks: (o) => [
      { path: "status.conditions[type=CassandraInitialized].status", equals: "True" },
      ...datacenterNames(o).flatMap((dc): Check[] => [
        { path: `status.datacenters.${dc}.cassandra.conditions[type=Ready].status`, equals: "True" },
        { path: `status.datacenters.${dc}.cassandra.cassandraOperatorProgress`, equals: "Ready" },
      ]),
    ],
    hint: (o) =>
      `kubectl -n ${namespaceOf(o)} get k8ssandracluster ${o.metadata.name} -o yaml; kubectl -n ${namespaceOf(o)} get ` +
      `cassandradatacenters,pods; logs of deployments k8ssandra-operator and k8ssandra-operator-cass-operator`,
  },
  "postgresql.cnpg.io/Cluster": {
    plural: "clusters",
    // CloudNativePG sets Ready=True exactly when the phase is "Cluster in healthy state".
    checks: () => [readyCondition],
    hint: (o) =>
      `kubectl -n ${namespaceOf(o)} get cluster.postgresql.cnpg.io ${o.metadata.name} -o jsonpath='{.status.phase}'; ` +
      `kubectl -n ${namespaceOf(o)} get pods,pvc; the CloudNativePG operator's log`,
  },
  "cert-manager.io/Certificate": {
    plural: "certificates",
    checks: () => [readyCondition],
    hint: (o) =>
      `kubectl -n ${namespaceOf(o)} describe certificate ${o.metadata.name}; kubectl get clusterissuers; cert-manager's log`,
  },
  "sparkoperator.k8s.io/SparkApplication": {
    plural: "sparkapplications",
    checks: () => [{ path: "status.applicationState.state", equals: "RUNNING" }],
    hint: (o) =>
      `kubectl -n ${namespaceOf(o)} describe sparkapplication ${o.metadata.name}; the driver pod's log ` +
      `(kubectl -n ${namespaceOf(o)} logs ${o.metadata.name}-driver); the spark-operator controller's log`,
  },
};

function ruleKey(object: Pick<KubernetesObject, "apiVersion" | "kind">): string {
  return `${object.apiVersion.split("/")[0]}/${object.kind}`;
}

/** Whether the stack knows how to wait for this kind of object. */
export function hasReadinessRule(object: Pick<KubernetesObject, "apiVersion" | "kind">): boolean {
  return ruleKey(object) in rules;
}

/** The CRD plural of a gated kind. */
export function pluralOf(object: Pick<KubernetesObject, "apiVersion" | "kind">): string {
  const rule = rules[ruleKey(object)];
  if (!rule) throw new Error(`no readiness rule for ${object.apiVersion} ${object.kind}`);
  return rule.plural;
}

/** The gate target for one object: its API path, its checks, and what to look at when it stays unready. */
export function readinessTarget(object: KubernetesObject): Target {
  const rule = rules[ruleKey(object)];
  if (!rule) throw new Error(`no readiness rule for ${object.apiVersion} ${object.kind}`);
  const namespace = namespaceOf(object);
  return {
    apiPath: `/apis/${object.apiVersion}/namespaces/${namespace}/${rule.plural}/${object.metadata.name}`,
    description: `${object.kind} ${namespace}/${object.metadata.name}`,
    checks: rule.checks(object),
    hint: rule.hint(object),
  };
}
