import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ManifestsRelease } from "./manifests-release";
import { ReadinessGate } from "./readiness-gate";
import {
  cassandraSchemaJobObjects,
  cassandraSchemaJobTimeoutSeconds,
  cassandraSuperuserSecret,
  k8ssandraClusterObject,
} from "./resources/k8ssandra";
import { containerResources } from "./resources/quantities";

export interface CassandraProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  /** Namespaces besides Cassandra's that need the superuser credentials (the apps namespace). */
  readonly credentialsFor: readonly string[];
  /** cert-manager, which the operator's webhooks need. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** How clients reach Cassandra. */
export interface CassandraConnection {
  readonly host: string;
  readonly port: number;
  readonly localDatacenter: string;
  readonly keyspace: string;
  readonly table: string;
  /** Secret with username and password, present in each namespace of `credentialsFor`. */
  readonly credentialsSecret: string;
  /** What a client waits for: the schema release, which comes after the gate on the datacenter's Ready condition. */
  readonly ready: readonly ITerraformDependable[];
}

/**
 * A cold start pulls the Cassandra and management-API images and bootstraps the node(s) one by one; the gate fails
 * with its message after this long.
 */
const clusterReadySeconds = 1200;

/** The K8ssandra operator, a one-datacenter K8ssandraCluster, a gate on its readiness, and the schema Job. */
export class Cassandra extends Construct {
  readonly connection: CassandraConnection;

  constructor(scope: Construct, id: string, props: CassandraProps) {
    super(scope, id);
    const { config, naming } = props;
    const operator = new ChartRelease(this, "operator", {
      name: naming.releases.k8ssandraOperator,
      namespace: naming.namespaces.cassandra,
      chart: charts.k8ssandraOperator,
      values: {
        // The chart's source values say "latest"; a pinned chart should run its own release.
        image: { tag: `v${charts.k8ssandraOperator.version}` },
        resources: containerResources(config.operatorResources),
        // The pre-upgrade hook downloads the chart from the internet to apply its CRDs (k8ssandra-client
        // `helm upgrade --chartRepo k8ssandra`), which an egress-restricted cluster fails and which races our own
        // CRD handling; CRD upgrades are a documented manual step instead (cassandra.upstream.md).
        disableCrdUpgraderJob: true,
        // The cass-operator subchart runs BestEffort by default (`resources: {}`).
        "cass-operator": { resources: containerResources(config.operatorResources) },
      },
      dependsOn: props.dependsOn,
    }).release;
    const cluster = k8ssandraClusterObject(config, naming);
    const resources = new ManifestsRelease(this, "resources", {
      name: naming.releases.cassandraResources,
      namespace: naming.namespaces.cassandra,
      objects: [cluster],
      generatedSecrets: [cassandraSuperuserSecret(naming, props.credentialsFor)],
      dependsOn: [operator],
    });
    const gate = new ReadinessGate(this, "ready", {
      name: naming.gates.cassandra,
      namespace: naming.namespaces.cassandra,
      objects: [cluster],
      timeoutSeconds: clusterReadySeconds,
      image: config.apps.nodeImage,
      dependsOn: [resources.release],
    });
    // With wait_for_jobs, Helm returns only once the schema Job has completed.
    const schema = new ManifestsRelease(this, "schema", {
      name: naming.releases.cassandraSchema,
      namespace: naming.namespaces.cassandra,
      objects: cassandraSchemaJobObjects(config, naming),
      dependsOn: [gate.release],
      timeoutSeconds: cassandraSchemaJobTimeoutSeconds + 60,
    });
    this.connection = {
      host: naming.cassandra.contactPoint.host,
      port: naming.cassandra.contactPoint.port,
      localDatacenter: naming.cassandra.datacenter,
      keyspace: naming.cassandra.keyspace,
      table: naming.cassandra.table,
      credentialsSecret: naming.cassandra.superuserSecret,
      ready: [schema.release],
    };
  }
}
