import { loadConfig } from "../../config/load";
import { deriveNaming } from "../../config/naming";
import type { KubernetesObject } from "../../constructs/kubernetes-object";
import { gateTokenExpirationSeconds, readinessGateObjects } from "../../constructs/resources/readiness-gate";
import {
  cassandraSchemaJobObjects,
  cassandraSchemaNames,
  k8ssandraClusterObject,
} from "../../constructs/resources/k8ssandra";
import { postgresClusterObject } from "../../constructs/resources/cloudnative-pg";
import { nodeImageOf } from "../../constructs/container-image";

const kind = loadConfig({ profile: "kind" });
const naming = deriveNaming(kind);
type Json = Record<string, unknown>;
const asJson = (value: unknown) => (value ?? {}) as Json;

function gate(objects: KubernetesObject[], timeoutSeconds = 600, code = "x") {
  return readinessGateObjects({
    name: "db-ready",
    namespace: naming.namespaces.airflow,
    objects,
    timeoutSeconds,
    image: nodeImageOf(kind),
    code: { text: code, sha256: code },
  });
}

const byKind = (objects: KubernetesObject[], kindName: string) => objects.filter((object) => object.kind === kindName);

describe("readinessGateObjects", () => {
  const objects = gate([postgresClusterObject(kind.postgres, naming)]);
  const job = byKind(objects, "Job")[0];
  const pod = asJson(asJson(asJson(job.spec).template).spec);
  const container = (pod.containers as Json[])[0];

  it("runs the bundled gate on the Node.js image as an unprivileged user with no home (it writes nothing), restricted-compliant", () => {
    expect(container.image).toBe(kind.apps.nodeImage);
    expect(container.imagePullPolicy).toBe(kind.cluster.imagePullPolicy);
    expect(container.command).toEqual(["node", "/app/gate.js"]);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    // Not the admission plugin's token, which kube-apiserver extends to a year: a 10-minute one (the least the API
    // accepts), renewed by kubelet.
    expect(gateTokenExpirationSeconds).toBe(600);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.volumeMounts).toContainEqual({
      name: "api-access",
      mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
      readOnly: true,
    });
    expect(pod.volumes).toContainEqual({
      name: "api-access",
      projected: {
        sources: [
          { serviceAccountToken: { path: "token", expirationSeconds: gateTokenExpirationSeconds } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
        ],
      },
    });
    // A one-shot Job gets a CPU limit too: it has no latency to lose, and the limit bounds a runaway poll loop.
    expect(container.resources).toEqual({
      requests: { cpu: "10m", memory: "64Mi" },
      limits: { cpu: "500m", memory: "64Mi" },
    });
    expect(byKind(objects, "ConfigMap")[0]?.data).toEqual({ "gate.js": "x" });
  });

  it("has a time limit, enforced twice: by the gate and, after time for scheduling and an image pull, by the Job", () => {
    const env = Object.fromEntries(
      (container.env as { name: string; value?: string }[]).map((variable) => [variable.name, variable.value]),
    );
    expect(env.GATE_TIMEOUT_SECONDS).toBe("600");
    expect(asJson(job.spec).activeDeadlineSeconds).toBe(900);
    expect(asJson(job.spec).backoffLimit).toBe(0);
    // A failed gate must not stay failed forever: the next deploy re-creates it once it is gone.
    expect(asJson(job.spec).ttlSecondsAfterFinished).toBe(300);
    expect(JSON.parse(String(env.GATE_TARGETS))).toEqual([
      expect.objectContaining({
        apiPath: "/apis/postgresql.cnpg.io/v1/namespaces/streamstack-airflow/clusters/airflow-db",
        description: "Cluster streamstack-airflow/airflow-db",
        checks: [{ path: "status.conditions[type=Ready].status", equals: "True" }],
      }),
    ]);
  });

  it("lets its ServiceAccount only get the named objects, in each of their namespaces", () => {
    const kafkaLike = [
      { apiVersion: "kafka.strimzi.io/v1beta2", kind: "Kafka", metadata: { name: "k", namespace: "a" } },
      { apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaTopic", metadata: { name: "t1", namespace: "a" } },
      { apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaTopic", metadata: { name: "t2", namespace: "a" } },
      { apiVersion: "kafka.strimzi.io/v1beta2", kind: "KafkaUser", metadata: { name: "u", namespace: "b" } },
    ];
    const rbac = gate(kafkaLike);
    expect(byKind(rbac, "Role").map((role) => [role.metadata.namespace, role.rules])).toEqual([
      [
        "a",
        [
          { apiGroups: ["kafka.strimzi.io"], resources: ["kafkas"], resourceNames: ["k"], verbs: ["get"] },
          { apiGroups: ["kafka.strimzi.io"], resources: ["kafkatopics"], resourceNames: ["t1", "t2"], verbs: ["get"] },
        ],
      ],
      ["b", [{ apiGroups: ["kafka.strimzi.io"], resources: ["kafkausers"], resourceNames: ["u"], verbs: ["get"] }]],
    ]);
    for (const binding of byKind(rbac, "RoleBinding")) {
      expect(binding.subjects).toEqual([
        { kind: "ServiceAccount", name: "db-ready", namespace: naming.namespaces.airflow },
      ]);
    }
  });

  it("is a new Job when what it checks or runs changes, the same Job otherwise", () => {
    const name = (objects: KubernetesObject[]) => byKind(objects, "Job")[0]?.metadata.name;
    const cluster = postgresClusterObject(kind.postgres, naming);
    expect(name(gate([cluster]))).toMatch(/^db-ready-[0-9a-f]{10}$/);
    expect(name(gate([cluster]))).toBe(name(gate([cluster])));
    expect(name(gate([cluster], 601))).not.toBe(name(gate([cluster])));
    expect(name(gate([cluster], 600, "y"))).not.toBe(name(gate([cluster])));
  });

  it("hashes the whole pod template: a change to any field of it (here: resources) is a new Job", () => {
    const cluster = postgresClusterObject(kind.postgres, naming);
    const jobName = (objects: KubernetesObject[]) => byKind(objects, "Job")[0]?.metadata.name;
    const withResources = readinessGateObjects({
      name: "db-ready",
      namespace: naming.namespaces.airflow,
      objects: [cluster],
      timeoutSeconds: 600,
      image: nodeImageOf(kind),
      code: { text: "x", sha256: "x" },
      resources: { cpu: "10m", memory: "96Mi" },
    });
    expect(jobName(withResources)).toMatch(/^db-ready-[0-9a-f]{10}$/);
    expect(jobName(withResources)).not.toBe(jobName(gate([cluster])));
  });

  it("refuses objects it has no readiness rule for, and an empty gate", () => {
    expect(() =>
      gate([{ apiVersion: "kafka.strimzi.io/v1", kind: "KafkaNodePool", metadata: { name: "p", namespace: "a" } }]),
    ).toThrow("no readiness rule for kafka.strimzi.io/v1 KafkaNodePool");
    expect(() => gate([])).toThrow("readiness gate db-ready has nothing to wait for");
  });

  it("waits for every K8ssandra datacenter as k8ssandra-operator's DatacenterReady does", () => {
    const cluster = k8ssandraClusterObject(kind, naming);
    const env = asJson(
      (asJson(asJson(asJson(byKind(gate([cluster]), "Job")[0]?.spec).template).spec).containers as Json[])[0],
    );
    const targets = JSON.parse(
      String((env.env as Json[]).find((variable) => variable.name === "GATE_TARGETS")?.value),
    ) as { checks: unknown[] }[];
    expect(targets[0]?.checks).toEqual([
      { path: "status.conditions[type=CassandraInitialized].status", equals: "True" },
      { path: "status.datacenters.dc1.cassandra.conditions[type=Ready].status", equals: "True" },
      { path: "status.datacenters.dc1.cassandra.cassandraOperatorProgress", equals: "Ready" },
    ]);
  });
});

describe("the Cassandra schema Job", () => {
  const other = loadConfig({
    profile: "kind",
    overrides: { cassandra: { replicationFactor: 1, keyspace: "other_keyspace" } },
  });

  it("is named after a hash of its CQL, with its ConfigMap, so a changed schema runs a new Job", () => {
    const before = cassandraSchemaJobObjects(kind, naming);
    const after = cassandraSchemaJobObjects(other, deriveNaming(other));
    const names = (objects: KubernetesObject[]) => objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(names(before)).toEqual([
      `ConfigMap/${cassandraSchemaNames(kind, naming).configMap}`,
      `Job/${cassandraSchemaNames(kind, naming).job}`,
    ]);
    expect(names(before)[1]).toMatch(/^Job\/cassandra-schema-[0-9a-f]{10}$/);
    expect(names(after)).not.toEqual(names(before));
    // The cqlsh image is part of the pod template too: a new Cassandra version is a new Job, never an immutable edit.
    const newer = loadConfig({ profile: "kind", overrides: { cassandra: { serverVersion: "5.0.5" } } });
    expect(cassandraSchemaNames(newer, deriveNaming(newer)).job).not.toBe(cassandraSchemaNames(kind, naming).job);
    // The same CQL keeps the same names: an unchanged schema is not re-applied on every deploy.
    expect(names(cassandraSchemaJobObjects(kind, naming))).toEqual(names(before));
    const job = before.find((object) => object.kind === "Job") as KubernetesObject;
    const volumes = asJson(asJson(asJson(job.spec).template).spec).volumes as Json[];
    expect(volumes).toContainEqual({
      name: "schema",
      configMap: { name: cassandraSchemaNames(kind, naming).configMap },
    });
    expect(asJson(job.spec).activeDeadlineSeconds).toBeGreaterThan(0);
    expect(asJson(job.spec).ttlSecondsAfterFinished).toBe(300);
  });
});
