import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ManifestsRelease } from "./manifests-release";
import { airflowDatabaseSecret, postgresClusterObject } from "./resources/cloudnative-pg";
import { containerResources } from "./resources/quantities";

export interface PostgresProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** CloudNativePG and the PostgreSQL cluster holding Airflow's metadata. */
export class Postgres extends Construct {
  /** Secret (Airflow namespace) with key `connection`, the SQLAlchemy URL. */
  readonly connectionSecret: string;
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
    const cluster = new ManifestsRelease(this, "resources", {
      name: naming.releases.postgresResources,
      namespace: naming.namespaces.airflow,
      objects: [postgresClusterObject(config, naming)],
      generatedSecrets: [airflowDatabaseSecret(naming)],
      dependsOn: [operator],
    });
    this.connectionSecret = naming.postgres.credentialsSecret;
    this.ready = [cluster.release];
  }
}
