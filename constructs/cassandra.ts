import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ManifestsRelease } from "./manifests-release";
import { cassandraSchemaJobObjects, cassandraSuperuserSecret, k8ssandraClusterObject } from "./resources/k8ssandra";
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
  /** Releases a client waits for: the cluster and its schema Job. */
  readonly ready: readonly ITerraformDependable[];
}

/** The K8ssandra operator, a one-datacenter K8ssandraCluster and the Job that creates the keyspace and table. */
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
      },
      dependsOn: props.dependsOn,
    }).release;
    const cluster = new ManifestsRelease(this, "resources", {
      name: naming.releases.cassandraResources,
      namespace: naming.namespaces.cassandra,
      objects: [k8ssandraClusterObject(config, naming), ...cassandraSchemaJobObjects(config, naming)],
      generatedSecrets: [cassandraSuperuserSecret(naming, props.credentialsFor)],
      dependsOn: [operator],
    });
    this.connection = {
      host: naming.cassandra.contactPoint.host,
      port: naming.cassandra.contactPoint.port,
      localDatacenter: naming.cassandra.datacenter,
      keyspace: naming.cassandra.keyspace,
      table: naming.cassandra.table,
      credentialsSecret: naming.cassandra.superuserSecret,
      ready: [cluster.release],
    };
  }
}
