import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { DashboardVariables } from "../apps/dashboard/src/config";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import type { CassandraConnection } from "./cassandra";
import { NodeApp, type SecretEnvironment } from "./node-app";

export interface DashboardProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  readonly cassandra: CassandraConnection;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** The live dashboard reading created_users from Cassandra. */
export class Dashboard extends Construct {
  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { config, naming, cassandra } = props;
    const port = naming.apps.dashboard.port;
    new NodeApp(this, "app", {
      app: "dashboard",
      releaseName: naming.releases.dashboard,
      namespace: naming.namespaces.apps,
      image: config.apps.nodeImage,
      replicas: config.apps.dashboard.replicas,
      resources: config.apps.dashboard.resources,
      env: {
        CASSANDRA_CONTACT_POINTS: cassandra.host,
        CASSANDRA_PORT: String(cassandra.port),
        CASSANDRA_LOCAL_DATACENTER: cassandra.localDatacenter,
        CASSANDRA_KEYSPACE: cassandra.keyspace,
        CASSANDRA_TABLE: cassandra.table,
        PORT: String(port),
      } satisfies DashboardVariables,
      secretEnv: [
        { name: "CASSANDRA_USERNAME", secretName: cassandra.credentialsSecret, key: "username" },
        { name: "CASSANDRA_PASSWORD", secretName: cassandra.credentialsSecret, key: "password" },
      ] satisfies (SecretEnvironment & { readonly name: keyof DashboardVariables })[],
      service:
        config.expose.serviceType === "nodePort"
          ? { port, type: "NodePort", nodePort: config.expose.nodePorts.dashboard }
          : { port, type: "ClusterIP", nodePort: 0 },
      dependsOn: [...cassandra.ready, ...props.dependsOn],
    });
  }
}
