import { Testing } from "cdktf";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { parse } from "yaml";
import { loadConfig } from "../../config/load";
import type { StreamstackConfig } from "../../config/schema";
import { deriveNaming } from "../../config/naming";
import { Cassandra } from "../../constructs/cassandra";
import { nodeImageOf } from "../../constructs/container-image";
import { CertManager } from "../../constructs/cert-manager";
import { Namespaces } from "../../constructs/namespaces";
import type { OperatorComponentProps } from "../../constructs/operator-component-props";
import { Postgres } from "../../constructs/postgres";
import { cassandraSchemaCql } from "../../constructs/resources/k8ssandra";
import { SparkOperator, StreamingJob } from "../../constructs/spark";
import { fakeCassandraConnection } from "../support/fake-connections";

// cdktf's matchers (toHaveResourceWithProperties): registered here, where they are used, not for every test file.
Testing.setupJest();

type SynthesizedRelease = { name: string; chart: string; values: string[]; depends_on?: string[] };

function releasesOf(synthesized: string): SynthesizedRelease[] {
  const stack = JSON.parse(synthesized) as { resource: { helm_release: Record<string, SynthesizedRelease> } };
  return Object.values(stack.resource.helm_release);
}

function objectsOf(release: SynthesizedRelease | undefined): {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}[] {
  return (parse(release?.values[0] ?? "{}") as { resources?: [] }).resources ?? [];
}

const kind = loadConfig({});
const cloud = loadConfig({ profile: "cloud" });

/** What every operator-backed component takes from its profile, with nothing to wait for. */
const operatorProps = (config: StreamstackConfig): OperatorComponentProps => ({
  operatorResources: config.operatorResources,
  gateImage: nodeImageOf(config),
  naming: deriveNaming(config),
  dependsOn: [],
});

describe("Namespaces", () => {
  it("labels each namespace with its Pod Security level and warns at restricted", () => {
    const synthesized = Testing.synthScope((scope) => {
      new Namespaces(scope, "ns", {
        namespaces: [
          { name: "a", podSecurity: "restricted" },
          { name: "b", podSecurity: "baseline", reason: "because" },
        ],
      });
    });
    expect(synthesized).toHaveResourceWithProperties(NamespaceV1, {
      metadata: expect.objectContaining({
        name: "b",
        labels: expect.objectContaining({
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
        }),
        annotations: { "streamstack.io/pod-security-reason": "because" },
      }),
    });
  });

  it("requires a reason for anything below restricted", () => {
    expect(() =>
      Testing.synthScope(
        (scope) => new Namespaces(scope, "ns", { namespaces: [{ name: "a", podSecurity: "baseline" }] }),
      ),
    ).toThrow(/needs a reason/);
  });
});

describe("CertManager", () => {
  it("installs the pinned chart with its CRDs and, when asked, a CA after it", () => {
    const synthesized = Testing.synthScope((scope) => {
      new CertManager(scope, "cm", { ...operatorProps(cloud), install: true, certificateAuthority: true });
    });
    expect(synthesized).toHaveResourceWithProperties(Release, {
      name: "cert-manager",
      version: "v1.21.1",
      repository: "https://charts.jetstack.io",
    });
    const releases = releasesOf(synthesized);
    const authority = releases.find((r) => r.name === "certificate-authority");
    expect(authority?.depends_on?.some((d) => d.includes("cm_operator"))).toBe(true);
    expect(objectsOf(authority).map((o) => o.kind)).toEqual(["ClusterIssuer", "Certificate", "ClusterIssuer"]);
  });
});

describe("Cassandra", () => {
  const synthesized = Testing.synthScope((scope) => {
    new Cassandra(scope, "cassandra", {
      ...operatorProps(kind),
      settings: kind.cassandra,
      credentialsFor: ["streamstack-apps"],
      imagePullPolicy: kind.cluster.imagePullPolicy,
    });
  });
  const resources = releasesOf(synthesized).find((r) => r.name === "cassandra-resources");

  it("deploys a one-datacenter K8ssandraCluster of the profile's size after the operator", () => {
    expect(synthesized).toHaveResourceWithProperties(Release, { name: "k8ssandra-operator", version: "1.32.5" });
    const cluster = objectsOf(resources).find((o) => o.kind === "K8ssandraCluster");
    expect(cluster?.spec).toHaveProperty("cassandra.datacenters", [{ metadata: { name: "dc1" }, size: 1 }]);
    expect(cluster?.spec).toHaveProperty("cassandra.superuserSecretRef.name", "streamstack-superuser");
    expect(resources?.depends_on?.some((d) => d.includes("cassandra_operator"))).toBe(true);
  });

  it("keeps the superuser in Cassandra's namespace and gives each client its own login role in the apps namespace", () => {
    const values = parse(resources?.values[0] ?? "") as { generatedSecrets: unknown[] };
    const { roles } = deriveNaming(kind).cassandra;
    expect(values.generatedSecrets).toEqual([
      { name: "streamstack-superuser", namespaces: ["streamstack-cassandra"], username: "streamstack-superuser" },
      {
        name: roles.sparkJob.secret,
        namespaces: ["streamstack-cassandra", "streamstack-apps"],
        username: roles.sparkJob.role,
      },
      {
        name: roles.dashboard.secret,
        namespaces: ["streamstack-cassandra", "streamstack-apps"],
        username: roles.dashboard.role,
      },
    ]);
  });

  it("creates keyspace and table with a Job in the cluster, after the gate on the datacenter", () => {
    expect(objectsOf(resources).map((o) => o.kind)).toEqual(["K8ssandraCluster"]);
    const schema = releasesOf(synthesized).find((r) => r.name === "cassandra-schema");
    expect(objectsOf(schema).map((o) => o.kind)).toEqual(["ConfigMap", "Job"]);
    expect(schema?.depends_on?.some((d) => d.includes("cassandra_ready"))).toBe(true);
    const cql = cassandraSchemaCql(cloud);
    expect(cql).toMatch(
      /CREATE KEYSPACE IF NOT EXISTS spark_streams WITH replication = \{'class': 'NetworkTopologyStrategy', 'dc1': 3\};/,
    );
    expect(cql).toMatch(/CREATE TABLE IF NOT EXISTS spark_streams\.created_users \(\n\s+id uuid PRIMARY KEY,/);
    expect(cql).not.toMatch(/--|\{\{/);
  });
});

describe("Postgres", () => {
  it("runs a CloudNativePG cluster whose generated owner secret carries Airflow's connection URL", () => {
    const synthesized = Testing.synthScope((scope) => {
      new Postgres(scope, "pg", { ...operatorProps(cloud), settings: cloud.postgres });
    });
    expect(synthesized).toHaveResourceWithProperties(Release, { name: "cloudnative-pg", version: "0.29.0" });
    const resources = releasesOf(synthesized).find((r) => r.name === "postgres-resources");
    const cluster = objectsOf(resources).find((o) => o.kind === "Cluster");
    expect(cluster?.spec).toMatchObject({
      instances: 3,
      bootstrap: { initdb: { secret: { name: "airflow-db-credentials" } } },
    });
    const values = parse(resources?.values[0] ?? "") as { generatedSecrets: { derivedKeys: Record<string, string> }[] };
    expect(values.generatedSecrets[0].derivedKeys.connection).toBe(
      "postgresql://{username}:{password}@airflow-db-rw.streamstack-airflow.svc:5432/airflow?sslmode=require",
    );
  });
});

describe("Spark", () => {
  it("points the operator at the apps namespace and leaves driver RBAC to the job", () => {
    const synthesized = Testing.synthScope((scope) => {
      new SparkOperator(scope, "spark", {
        operatorResources: kind.operatorResources,
        naming: deriveNaming(kind),
        dependsOn: [],
      });
    });
    const values = parse(releasesOf(synthesized)[0].values[0]) as { spark: unknown };
    expect(values.spark).toEqual({
      jobNamespaces: ["streamstack-apps"],
      serviceAccount: { create: false },
      rbac: { create: false },
    });
  });

  it.each([
    [kind, "emptyDir"],
    [cloud, "persistentVolumeClaim"],
  ])("submits the job with its code, pinned packages and checkpoints (%#)", (config, checkpointVolume) => {
    const synthesized = Testing.synthScope((scope) => {
      const naming = deriveNaming(config);
      const operator = new SparkOperator(scope, "operator", {
        operatorResources: config.operatorResources,
        naming,
        dependsOn: [],
      });
      const cassandra = fakeCassandraConnection();
      const kafka = {
        bootstrapServers: "k:9092",
        credentialsSecret: () => undefined,
        replicationFactor: 1,
        ready: [],
      };
      new StreamingJob(scope, "job", {
        settings: config.spark,
        naming,
        operator,
        kafka,
        cassandra,
        imagePullPolicy: config.cluster.imagePullPolicy,
      });
    });
    const objects = objectsOf(releasesOf(synthesized).find((r) => r.name === "streaming-job"));
    const spec = objects.find((o) => o.kind === "SparkApplication")?.spec;
    if (spec === undefined) throw new Error("the streaming-job release renders no SparkApplication with a spec");
    expect(spec).toMatchObject({
      type: "Python",
      mode: "cluster",
      mainApplicationFile: "local:///opt/streamstack/job/streaming_job.py",
    });
    const packages = (spec.deps as { packages: string[] }).packages;
    expect(packages.some((p) => p.startsWith("org.apache.spark:spark-sql-kafka-0-10_"))).toBe(true);
    expect(packages.some((p) => p.startsWith("com.datastax.spark:spark-cassandra-connector_"))).toBe(true);
    const volumes = spec.volumes as Record<string, unknown>[];
    expect(volumes.find((v) => v.name === "checkpoints")).toHaveProperty(checkpointVolume);
    expect(objects.some((o) => o.kind === "PersistentVolumeClaim")).toBe(checkpointVolume === "persistentVolumeClaim");
    const code = objects.find((o) => o.kind === "ConfigMap");
    expect(Object.keys(code?.data ?? {})).toEqual(expect.arrayContaining(["streaming_job.py", "users_created.avsc"]));
    // Passed to spark-submit as --conf (operator v2.2.1 submission.go sparkConfOption): one shuffle partition per
    // executor core, not Spark's 200.
    const executor = spec.executor as { instances: number; cores: number };
    expect((spec.sparkConf as Record<string, string>)["spark.sql.shuffle.partitions"]).toBe(
      String(executor.instances * executor.cores),
    );
    expect(executor.instances).toBe(config.spark.executors);
    // Spark's pod size is memory plus overhead: together exactly what config asks for.
    const driver = spec.driver as { memory: string; memoryOverhead: string };
    expect(Number.parseInt(driver.memory) + Number.parseInt(driver.memoryOverhead)).toBe(
      config.spark.driverResources.memory === "1Gi" ? 1024 : 2048,
    );
  });
});
