import { createHash } from "node:crypto";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import { tableSchemaCql } from "../../apps/schemas/table-schema";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { Naming } from "../../config/naming";
import type { StreamstackConfig } from "../../config/schema";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";
import { cassandraClientRoles, cassandraRolesCqlTemplate, rolesCqlShell } from "./cassandra-roles";
import type { GeneratedSecret } from "./generated-secret";
import { claimSpec, containerResources, oneShotJobResources } from "./quantities";
import { finishedJobTtlSeconds } from "./readiness-gate";

/**
 * The Cassandra superuser credentials, generated once, only in Cassandra's namespace: the operator and the schema Job
 * use them; clients get their own roles (cassandra-roles.ts).
 */
export function cassandraSuperuserSecret(naming: Naming): GeneratedSecret {
  return {
    name: naming.cassandra.superuserSecret,
    namespaces: [naming.namespaces.cassandra],
    username: `${naming.cassandra.clusterName}-superuser`,
  };
}

/** Requests of the containers cass-operator adds to each Cassandra pod; the limits keep cass-operator's defaults. */
export const cassOperatorContainers = {
  configInit: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "384Mi" } },
  logger: { requests: { cpu: "25m", memory: "64Mi" }, limits: { memory: "128Mi" } },
} as const;

export function k8ssandraClusterObject(config: Pick<StreamstackConfig, "cassandra">, naming: Naming): KubernetesObject {
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
        // heapSize is deprecated in the CRD; the operator copies it into these two fields (HandleDeprecatedJvmOptions).
        config: { jvmOptions: { heap_initial_size: cassandra.heapSize, heap_max_size: cassandra.heapSize } },
        // cass-operator v1.30.3 (pkg/reconciliation/defaults.go) requests 1000m for its config-building init container and
        // 100m for the logger sidecar unless these named entries override them (k8ssandra-operator pkg/cassandra/datacenter.go).
        initContainers: [{ name: "server-config-init", resources: cassOperatorContainers.configInit }],
        containers: [{ name: "server-system-logger", resources: cassOperatorContainers.logger }],
        softPodAntiAffinity: cassandra.size === 1,
        datacenters: [{ metadata: { name: cassandra.datacenter }, size: cassandra.size }],
      },
    },
  };
}

/** CQL creating the keyspace (replicated in the one datacenter) and the table the job writes, with its migrations. */
export function cassandraSchemaCql(config: Pick<StreamstackConfig, "cassandra">): string {
  const { keyspace, datacenter, replicationFactor } = config.cassandra;
  const createKeyspace =
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ` +
    `{'class': 'NetworkTopologyStrategy', '${datacenter}': ${replicationFactor}};`;
  const createTable = tableSchemaCql(keyspace);
  return `${createKeyspace}\n${createTable}\n`;
}

/** What shapes the schema Job: the Cassandra settings and how the cluster pulls images. */
export type SchemaJobConfig = Pick<StreamstackConfig, "cassandra"> & {
  readonly cluster: Pick<StreamstackConfig["cluster"], "imagePullPolicy">;
};

/** cqlsh comes from the official Cassandra image of the version the cluster runs. */
export function cassandraImage(config: Pick<StreamstackConfig, "cassandra">): string {
  return `cassandra:${config.cassandra.serverVersion}`;
}

/** The schema Job's time limit: it runs after the readiness gate, so Cassandra should answer within seconds. */
export const cassandraSchemaJobTimeoutSeconds = 600;

/**
 * Names of the schema Job and its ConfigMap, carrying a hash of everything that shapes its pod (the CQL, the cqlsh
 * image, the address and the time limit): a changed schema is a new Job that runs, and no change meets an immutable one.
 */
export function cassandraSchemaNames(config: SchemaJobConfig, naming: Naming) {
  const shape = {
    cql: cassandraSchemaCql(config),
    roles: cassandraRolesCqlTemplate(naming),
    image: cassandraImage(config),
    imagePullPolicy: config.cluster.imagePullPolicy,
    contactPoint: naming.cassandra.contactPoint,
    timeoutSeconds: cassandraSchemaJobTimeoutSeconds,
  };
  const hash = createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 10);
  return { job: `${naming.cassandra.schemaJob}-${hash}`, configMap: `${naming.cassandra.schemaJob}-cql-${hash}` };
}

/** Where the schema Job mounts each client role's password: `<directory>/<role>/password`. */
const rolePasswordsDirectory = "/role-passwords";

/**
 * A Job that waits for Cassandra to accept the superuser, applies the schema, then creates the client roles and
 * their grants (cassandra-roles.ts); idempotent, so a rerun is harmless.
 * A Job's pod template is immutable and a completed Job never runs again, so the Job and its ConfigMap are named
 * after a hash of the CQL: a changed schema makes Helm delete the old pair and create (and, with wait_for_jobs,
 * wait for) a new one. cqlsh comes from the official Cassandra image of the same version the cluster runs.
 */
export function cassandraSchemaJobObjects(config: SchemaJobConfig, naming: Naming): KubernetesObject[] {
  const namespace = naming.namespaces.cassandra;
  const names = cassandraSchemaNames(config, naming);
  const configMapName = names.configMap;
  const { host, port } = naming.cassandra.contactPoint;
  // Credentials are read from mounted files, not the environment, so they stay out of `kubectl describe`.
  const script = [
    "set -eu",
    'user="$(cat /credentials/username)"; password="$(cat /credentials/password)"',
    // The gate has seen the datacenter Ready; the superuser may still be being created. Bounded, with a clear failure.
    `deadline=$(( $(date +%s) + ${cassandraSchemaJobTimeoutSeconds - 60} ))`,
    `until cqlsh "${host}" ${port} -u "$user" -p "$password" -e 'DESCRIBE KEYSPACES' >/dev/null 2>&1; do`,
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    `    echo "Cassandra at ${host}:${port} did not accept the superuser within ${cassandraSchemaJobTimeoutSeconds - 60} s: check the superuser secret and the Cassandra pods' logs (namespace ${namespace})" >&2`,
    "    exit 1",
    "  fi",
    '  echo "waiting for Cassandra to accept the superuser..."; sleep 10',
    "done",
    `cqlsh "${host}" ${port} -u "$user" -p "$password" -f /schema/schema.cql`,
    'echo "schema applied"',
    ...rolesCqlShell(naming, "/schema/roles.cql.template", rolePasswordsDirectory, "/tmp/roles.cql"),
    `cqlsh "${host}" ${port} -u "$user" -p "$password" -f /tmp/roles.cql`,
    "rm -f /tmp/roles.cql",
    'echo "client roles applied"',
  ].join("\n");
  const roles = Object.values(cassandraClientRoles(naming));
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: configMapName, namespace, labels: { ...partOfLabel } },
      data: { "schema.cql": cassandraSchemaCql(config), "roles.cql.template": cassandraRolesCqlTemplate(naming) },
    } satisfies IConfigMap,
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: names.job, namespace, labels: { ...partOfLabel } },
      spec: {
        backoffLimit: 20,
        activeDeadlineSeconds: cassandraSchemaJobTimeoutSeconds,
        // A failed Job with the same CQL would otherwise stay failed, and every later deploy fail on it at once.
        ttlSecondsAfterFinished: finishedJobTtlSeconds,
        template: {
          metadata: { labels: { ...partOfLabel, "app.kubernetes.io/name": naming.cassandra.schemaJob } },
          spec: {
            restartPolicy: "OnFailure",
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 999,
              runAsGroup: 999,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "cqlsh",
                image: cassandraImage(config),
                imagePullPolicy: config.cluster.imagePullPolicy,
                command: ["bash", "-c", script],
                // cqlsh keeps its history under HOME; the root filesystem stays read-only.
                env: [{ name: "HOME", value: "/tmp" }],
                // cqlsh (Python) starts in a few CPU-seconds; the limit only caps a stuck loop.
                resources: oneShotJobResources({ cpu: "100m", memory: "256Mi" }, "1"),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [
                  { name: "schema", mountPath: "/schema", readOnly: true },
                  { name: "credentials", mountPath: "/credentials", readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                  ...roles.map(({ role }) => ({
                    name: `role-${role.replaceAll("_", "-")}`,
                    mountPath: `${rolePasswordsDirectory}/${role}`,
                    readOnly: true,
                  })),
                ],
              },
            ],
            volumes: [
              { name: "schema", configMap: { name: configMapName } },
              { name: "credentials", secret: { secretName: naming.cassandra.superuserSecret } },
              { name: "tmp", emptyDir: {} },
              ...roles.map(({ role, secret }) => ({
                name: `role-${role.replaceAll("_", "-")}`,
                secret: { secretName: secret, items: [{ key: "password", path: "password" }] },
              })),
            ],
          },
        },
      },
    } satisfies IJob,
  ];
}
