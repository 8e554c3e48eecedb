import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ManifestsRelease } from "./manifests-release";
import { ReadinessGate } from "./readiness-gate";
import { airflowDatabaseSecret, postgresClusterObject } from "./resources/cloudnative-pg";
import { containerResources } from "./resources/quantities";

export interface PostgresProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** Image pulls, initdb and (in the cloud) the replicas' clones; the gate fails with its message after this long. */
const clusterReadySeconds = 900;

/** CloudNativePG, the PostgreSQL cluster holding Airflow's metadata, and a gate on its readiness. */
export class Postgres extends Construct {
  /** Secret (Airflow namespace) with key `connection`, the SQLAlchemy URL. */
  readonly connectionSecret: string;
  /** The gate on the Cluster's Ready condition: Helm's wait sees the Cluster as ready the moment it exists. */
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { config, naming } = props;
    const operator = new ChartRelease(this, "operator", {
      name: naming.releases.cloudnativePgOperator,
      namespace: naming.namespaces.postgresOperator,
      chart: charts.cloudnativePg,
      values: { resources: containerResources(config.operatorResources) },
      dependsOn: props.dependsOn,
    }).release;
    const cluster = postgresClusterObject(config, naming);
    const resources = new ManifestsRelease(this, "resources", {
      name: naming.releases.postgresResources,
      namespace: naming.namespaces.airflow,
      objects: [cluster],
      generatedSecrets: [airflowDatabaseSecret(naming)],
      dependsOn: [operator],
    });
    const gate = new ReadinessGate(this, "ready", {
      name: naming.gates.postgres,
      namespace: naming.namespaces.airflow,
      objects: [cluster],
      timeoutSeconds: clusterReadySeconds,
      image: config.apps.nodeImage,
      dependsOn: [resources.release],
    });
    this.connectionSecret = naming.postgres.credentialsSecret;
    this.ready = [gate.release];
  }
}
