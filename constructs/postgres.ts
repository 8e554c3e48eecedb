import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ConnectionGraph } from "./connections";
import { recordFlow, type Grantee, type PodsPeer } from "./grants";
import { ManifestsRelease } from "./manifests-release";
import type { OperatorComponentProps } from "./operator-component-props";
import { ReadinessGate } from "./readiness-gate";
import { airflowDatabaseSecret, postgresClusterObject } from "./resources/cloudnative-pg";
import { cloudnativePgFlows } from "./resources/cloudnative-pg-flows";
import { containerResources } from "./resources/quantities";

/** `operatorResources` go to the CloudNativePG operator container. */
export interface PostgresProps extends OperatorComponentProps {
  /** The `postgres` section of the config. */
  readonly settings: StreamstackConfig["postgres"];
}

/** How a client reaches the database. */
export interface PostgresConnection {
  /** The read-write Service (CloudNativePG's `<cluster>-rw`), which follows the primary. */
  readonly host: string;
  readonly port: number;
  /** Secret (Airflow namespace) with key `connection`, the SQLAlchemy URL. */
  readonly connectionSecret: string;
  /** The gate on the Cluster's Ready condition: Helm's wait sees the Cluster as ready the moment it exists. */
  readonly ready: readonly ITerraformDependable[];
}

/** Image pulls, initdb and (in the cloud) the replicas' clones; the gate fails with its message after this long. */
const clusterReadySeconds = 900;

/** CloudNativePG, the PostgreSQL cluster holding Airflow's metadata, and a gate on its readiness. */
export class Postgres extends Construct {
  readonly connection: PostgresConnection;
  /** The database's instance pods, as CloudNativePG labels them (postgres.upstream.md). */
  readonly instances: PodsPeer;

  constructor(scope: Construct, id: string, props: PostgresProps) {
    super(scope, id);
    const { settings, naming } = props;
    const operator = new ChartRelease(this, "operator", {
      name: naming.releases.cloudnativePgOperator,
      namespace: naming.namespaces.postgresOperator,
      chart: charts.cloudnativePg,
      values: { resources: containerResources(props.operatorResources) },
      dependsOn: props.dependsOn,
    }).release;
    const cluster = postgresClusterObject(settings, naming);
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
      image: props.gateImage,
      dependsOn: [resources.release],
    });
    this.connection = {
      host: naming.postgres.readWrite.host,
      port: naming.postgres.readWrite.port,
      connectionSecret: naming.postgres.credentialsSecret,
      ready: [gate.release],
    };
    this.instances = {
      kind: "pods",
      name: "postgres",
      namespace: naming.namespaces.airflow,
      labels: { "cnpg.io/cluster": settings.clusterName, "cnpg.io/podRole": "instance" },
    };
    for (const flow of cloudnativePgFlows(naming, this.instances)) ConnectionGraph.of(this).allow(flow);
  }

  /** Lets `grantee` use the database (as the owner in `connectionSecret`): records the flow to the instances. */
  grantConnect(grantee: Grantee, purpose: string): void {
    recordFlow(this, grantee.pods, this.instances, this.connection.port, purpose);
  }
}
