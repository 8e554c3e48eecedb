import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Naming } from "../../config/naming";
import type { StreamstackConfig } from "../../config/schema";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";
import type { GeneratedSecret } from "./generated-secret";
import { claimSpec, containerResources } from "./quantities";

/** The Cassandra superuser credentials, generated once and present in the Cassandra and apps namespaces. */
export function cassandraSuperuserSecret(naming: Naming, alsoIn: readonly string[]): GeneratedSecret {
  return {
    name: naming.cassandra.superuserSecret,
    namespaces: [naming.namespaces.cassandra, ...alsoIn],
    username: `${naming.cassandra.clusterName}-superuser`,
  };
}

export function k8ssandraClusterObject(config: StreamstackConfig, naming: Naming): KubernetesObject {
  const { cassandra } = config;
  return {
    apiVersion: "k8ssandra.io/v1alpha1",
    kind: "K8ssandraCluster",
    metadata: { name: cassandra.clusterName, namespace: naming.namespaces.cassandra, labels: { ...partOfLabel } },
    spec: {
      cassandra: {
        serverVersion: cassandra.serverVersion,
        superuserSecretRef: { name: naming.cassandra.superuserSecret },
        resources: containerResources(cassandra.resources),
        storageConfig: { cassandraDataVolumeClaimSpec: claimSpec(cassandra.storage) },
        config: { jvmOptions: { heapSize: cassandra.heapSize } },
        softPodAntiAffinity: cassandra.size === 1,
        datacenters: [{ metadata: { name: cassandra.datacenter }, size: cassandra.size }],
      },
    },
  };
}

const tableDefinition = readFileSync(join(__dirname, "..", "..", "apps", "schemas", "created_users.cql"), "utf8");

/** CQL creating the keyspace (replicated in the one datacenter) and the table the job writes. */
export function cassandraSchemaCql(config: StreamstackConfig): string {
  const { keyspace, datacenter, replicationFactor } = config.cassandra;
  const createKeyspace =
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ` +
    `{'class': 'NetworkTopologyStrategy', '${datacenter}': ${replicationFactor}};`;
  const createTable = tableDefinition
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .replaceAll("{{keyspace}}", keyspace)
    .trim();
  return `${createKeyspace}\n${createTable}\n`;
}

/**
 * A Job that waits for Cassandra to accept the superuser and applies the schema; idempotent, so a rerun is harmless.
 * cqlsh comes from the official Cassandra image of the same version the cluster runs.
 */
export function cassandraSchemaJobObjects(config: StreamstackConfig, naming: Naming): KubernetesObject[] {
  const namespace = naming.namespaces.cassandra;
  const configMapName = `${naming.cassandra.schemaJob}-cql`;
  const { host, port } = naming.cassandra.contactPoint;
  // Credentials are read from mounted files, not the environment, so they stay out of `kubectl describe`.
  const script = [
    "set -eu",
    'user="$(cat /credentials/username)"; password="$(cat /credentials/password)"',
    `until cqlsh "${host}" ${port} -u "$user" -p "$password" -e 'DESCRIBE KEYSPACES' >/dev/null 2>&1; do`,
    '  echo "waiting for Cassandra to accept the superuser..."; sleep 10',
    "done",
    `cqlsh "${host}" ${port} -u "$user" -p "$password" -f /schema/schema.cql`,
    'echo "schema applied"',
  ].join("\n");
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: configMapName, namespace, labels: { ...partOfLabel } },
      data: { "schema.cql": cassandraSchemaCql(config) },
    },
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: naming.cassandra.schemaJob, namespace, labels: { ...partOfLabel } },
      spec: {
        backoffLimit: 20,
        // A new schema needs a new Job: Jobs are immutable, so the release replaces it when the CQL changes.
        ttlSecondsAfterFinished: 86400,
        template: {
          metadata: { labels: { ...partOfLabel, "app.kubernetes.io/name": naming.cassandra.schemaJob } },
          spec: {
            restartPolicy: "OnFailure",
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "cqlsh",
                image: `cassandra:${config.cassandra.serverVersion}`,
                command: ["bash", "-c", script],
                // cqlsh keeps its history under HOME; the root filesystem stays read-only.
                env: [{ name: "HOME", value: "/tmp" }],
                resources: containerResources({ cpu: "100m", memory: "256Mi" }),
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                volumeMounts: [
                  { name: "schema", mountPath: "/schema", readOnly: true },
                  { name: "credentials", mountPath: "/credentials", readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "schema", configMap: { name: configMapName } },
              { name: "credentials", secret: { secretName: naming.cassandra.superuserSecret } },
              { name: "tmp", emptyDir: {} },
            ],
          },
        },
      },
    },
  ];
}
