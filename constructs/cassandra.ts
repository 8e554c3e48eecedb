import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { ImagePullPolicy, StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ConnectionGraph } from "./connections";
import { recordFlow, type Grantee, type PodsPeer } from "./grants";
import { partOfLabel } from "./kubernetes-object";
import { ManifestsRelease } from "./manifests-release";
import type { OperatorComponentProps } from "./operator-component-props";
import { ReadinessGate } from "./readiness-gate";
import {
  cassandraClientRoles,
  cassandraRoleSecrets,
  type CassandraClient,
  type TablePermission,
} from "./resources/cassandra-roles";
import {
  cassandraSchemaJobObjects,
  cassandraSchemaJobTimeoutSeconds,
  cassandraSuperuserSecret,
  k8ssandraClusterObject,
} from "./resources/k8ssandra";
import { k8ssandraFlows } from "./resources/k8ssandra-flows";
import { containerResources } from "./resources/quantities";

/** `operatorResources` go to the K8ssandra and cass-operator containers; `dependsOn` holds cert-manager (webhooks). */
export interface CassandraProps extends OperatorComponentProps {
  /** The `cassandra` section of the config. */
  readonly settings: StreamstackConfig["cassandra"];
  /** Namespaces besides Cassandra's where the clients run and need their roles' credentials (the apps namespace). */
  readonly credentialsFor: readonly string[];
  /** How the schema Job's cqlsh image is pulled. */
  readonly imagePullPolicy: ImagePullPolicy;
}

/** How clients reach Cassandra. */
export interface CassandraConnection {
  readonly host: string;
  readonly port: number;
  readonly localDatacenter: string;
  readonly keyspace: string;
  readonly table: string;
  /** Per client, the Secret of its own role (`username`, `password`), present in each namespace of `credentialsFor`. */
  readonly credentials: Readonly<Record<CassandraClient, string>>;
  /** What a client waits for: the schema release, which comes after the gate on the datacenter's Ready condition. */
  readonly ready: readonly ITerraformDependable[];
}

/** A workload that logs in to Cassandra with one of the client roles (resources/cassandra-roles.ts). */
export interface CassandraGrantee extends Grantee {
  readonly cassandraClient: CassandraClient;
}

/**
 * A cold start pulls the Cassandra and management-API images and bootstraps the node(s) one by one; the gate fails
 * with its message after this long.
 */
const clusterReadySeconds = 1200;

/** The K8ssandra operator, a one-datacenter K8ssandraCluster, a gate on its readiness, and the schema Job. */
export class Cassandra extends Construct {
  readonly connection: CassandraConnection;
  /** The Cassandra pods, as cass-operator labels them (cassandra.upstream.md). */
  readonly nodes: PodsPeer;
  private readonly naming: Naming;

  constructor(scope: Construct, id: string, props: CassandraProps) {
    super(scope, id);
    const { settings, naming } = props;
    this.naming = naming;
    const config = { cassandra: settings, cluster: { imagePullPolicy: props.imagePullPolicy } };
    const operator = new ChartRelease(this, "operator", {
      name: naming.releases.k8ssandraOperator,
      namespace: naming.namespaces.cassandra,
      chart: charts.k8ssandraOperator,
      values: {
        // The chart's source values say "latest"; a pinned chart should run its own release.
        image: { tag: `v${charts.k8ssandraOperator.version}` },
        resources: containerResources(props.operatorResources),
        // The pre-upgrade hook downloads the chart from the internet to apply its CRDs (k8ssandra-client
        // `helm upgrade --chartRepo k8ssandra`), which an egress-restricted cluster fails and which races our own
        // CRD handling; CRD upgrades are a documented manual step instead (cassandra.upstream.md).
        disableCrdUpgraderJob: true,
        // The cass-operator subchart runs BestEffort by default (`resources: {}`).
        "cass-operator": { resources: containerResources(props.operatorResources) },
      },
      dependsOn: props.dependsOn,
    }).release;
    const cluster = k8ssandraClusterObject(config, naming);
    const resources = new ManifestsRelease(this, "resources", {
      name: naming.releases.cassandraResources,
      namespace: naming.namespaces.cassandra,
      objects: [cluster],
      generatedSecrets: [cassandraSuperuserSecret(naming), ...cassandraRoleSecrets(naming, props.credentialsFor)],
      dependsOn: [operator],
    });
    const gate = new ReadinessGate(this, "ready", {
      name: naming.gates.cassandra,
      namespace: naming.namespaces.cassandra,
      objects: [cluster],
      timeoutSeconds: clusterReadySeconds,
      image: props.gateImage,
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
      credentials: {
        sparkJob: naming.cassandra.roles.sparkJob.secret,
        dashboard: naming.cassandra.roles.dashboard.secret,
      },
      ready: [schema.release],
    };
    this.nodes = {
      kind: "pods",
      name: "cassandra",
      namespace: naming.namespaces.cassandra,
      labels: {
        "cassandra.datastax.com/cluster": settings.clusterName,
        "cassandra.datastax.com/datacenter": settings.datacenter,
      },
    };
    for (const flow of k8ssandraFlows(naming, this.nodes)) ConnectionGraph.of(this).allow(flow);
    const schemaJob = { ...partOfLabel, "app.kubernetes.io/name": naming.cassandra.schemaJob };
    recordFlow(
      this,
      { kind: "pods", name: naming.cassandra.schemaJob, namespace: naming.namespaces.cassandra, labels: schemaJob },
      this.nodes,
      this.connection.port,
      "create the keyspace, the table and the client roles",
    );
  }

  /** Lets `grantee` read the table: checks its role may SELECT, and records the flow to the CQL port. */
  grantRead(grantee: CassandraGrantee): void {
    this.grant(grantee, ["SELECT"], "read created_users");
  }

  /** Lets `grantee` read and upsert rows: checks its role may SELECT and MODIFY, and records the flow. */
  grantReadWrite(grantee: CassandraGrantee): void {
    this.grant(grantee, ["SELECT", "MODIFY"], "upsert into created_users");
  }

  private grant(grantee: CassandraGrantee, needed: readonly TablePermission[], purpose: string): void {
    const role = cassandraClientRoles(this.naming)[grantee.cassandraClient];
    const missing = needed.filter((permission) => !role.permissions.includes(permission));
    if (missing.length > 0) {
      throw new Error(
        `${this.node.path}: ${grantee.node.path} needs ${missing.join(" and ")} on the table, which role ` +
          `${role.role} lacks: add it to the role's permissions in constructs/resources/cassandra-roles.ts`,
      );
    }
    recordFlow(this, grantee.pods, this.nodes, this.connection.port, purpose);
  }
}
