import type { Naming } from "../../config/naming";
import type { StreamstackConfig } from "../../config/schema";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";
import type { GeneratedSecret } from "./generated-secret";
import { containerResources } from "./quantities";

const databaseOwner = "airflow";
const databaseName = "airflow";

/** Owner credentials of Airflow's database, with the SQLAlchemy URL the Airflow chart reads from key `connection`. */
export function airflowDatabaseSecret(naming: Naming): GeneratedSecret {
  const { host, port } = naming.postgres.readWrite;
  return {
    name: naming.postgres.credentialsSecret,
    namespaces: [naming.namespaces.airflow],
    username: databaseOwner,
    derivedKeys: { connection: `postgresql://{username}:{password}@${host}:${port}/${databaseName}?sslmode=require` },
  };
}

export function postgresClusterObject(postgres: StreamstackConfig["postgres"], naming: Naming): KubernetesObject {
  return {
    apiVersion: "postgresql.cnpg.io/v1",
    kind: "Cluster",
    metadata: { name: postgres.clusterName, namespace: naming.namespaces.airflow, labels: { ...partOfLabel } },
    spec: {
      instances: postgres.instances,
      resources: containerResources(postgres.resources),
      storage: {
        size: postgres.storage.size,
        ...(postgres.storage.storageClass ? { storageClass: postgres.storage.storageClass } : {}),
      },
      bootstrap: {
        initdb: { database: databaseName, owner: databaseOwner, secret: { name: naming.postgres.credentialsSecret } },
      },
    },
  };
}
