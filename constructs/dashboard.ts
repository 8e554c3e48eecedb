import { Construct } from "constructs";
import type { DashboardVariables } from "../apps/dashboard/src/config";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import type { CassandraConnection, CassandraGrantee } from "./cassandra";
import type { ContainerImage } from "./container-image";
import type { PodsPeer } from "./grants";
import { NodeApp } from "./node-app";

export interface DashboardProps {
  /** The dashboard's section of the config. */
  readonly settings: StreamstackConfig["apps"]["dashboard"];
  /** Official Node.js image the bundled dashboard runs on. */
  readonly image: ContainerImage;
  /** How services are exposed (the config's `expose` section). */
  readonly expose: StreamstackConfig["expose"];
  readonly naming: Naming;
  readonly cassandra: CassandraConnection;
}

/** Where the dashboard mounts the `password` key of its Cassandra role's secret. */
const cassandraCredentialsPath = "/etc/cassandra-credentials";

/** The live dashboard reading created_users from Cassandra. */
export class Dashboard extends Construct implements CassandraGrantee {
  readonly pods: PodsPeer;
  readonly cassandraClient = "dashboard";

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { settings, expose, naming, cassandra } = props;
    const port = naming.apps.dashboard.port;
    const app = new NodeApp(this, "app", {
      app: "dashboard",
      releaseName: naming.releases.dashboard,
      namespace: naming.namespaces.apps,
      image: props.image,
      replicas: settings.replicas,
      resources: settings.resources,
      env: {
        CASSANDRA_CONTACT_POINTS: cassandra.host,
        CASSANDRA_PORT: String(cassandra.port),
        CASSANDRA_LOCAL_DATACENTER: cassandra.localDatacenter,
        CASSANDRA_KEYSPACE: cassandra.keyspace,
        CASSANDRA_TABLE: cassandra.table,
        PORT: String(port),
        // The role name is no secret (it is the secret's `username`, set from naming); the password is a mounted file.
        CASSANDRA_USERNAME: naming.cassandra.roles.dashboard.role,
        CASSANDRA_PASSWORD_FILE: `${cassandraCredentialsPath}/password`,
      } satisfies DashboardVariables,
      secretFiles: [
        { secretName: cassandra.credentials.dashboard, mountPath: cassandraCredentialsPath, keys: ["password"] },
      ],
      service:
        expose.serviceType === "nodePort"
          ? { port, type: "NodePort", nodePort: expose.nodePorts.dashboard }
          : { port, type: "ClusterIP", nodePort: 0 },
      dependsOn: cassandra.ready,
    });
    this.pods = app.pods;
  }
}
