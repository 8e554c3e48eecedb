import { Testing } from "cdktf";
import { parse } from "yaml";
import { resolveComponents } from "../../config/components";
import { loadConfig } from "../../config/load";
import { deriveNaming } from "../../config/naming";
import type { StreamstackConfig } from "../../config/schema";
import { Airflow } from "../../constructs/airflow";
import { ControlCenter, SchemaRegistry } from "../../constructs/confluent";
import { Dashboard } from "../../constructs/dashboard";
import type { KafkaConnection } from "../../constructs/kafka";
import { Postgres } from "../../constructs/postgres";
import { Producer } from "../../constructs/producer";
import { SparkOperator, StreamingJob } from "../../constructs/spark";
import { fakeCassandraConnection } from "../support/fake-connections";
import { nodeImageOf } from "../../constructs/container-image";

type Values = Record<string, unknown>;

function valuesOf(synthesized: string, releaseName: string): Values {
  const releases = Object.values(
    (JSON.parse(synthesized) as { resource: { helm_release: Record<string, { name: string; values: string[] }> } })
      .resource.helm_release,
  );
  const release = releases.find((r) => r.name === releaseName);
  if (!release) throw new Error(`no release ${releaseName}`);
  return parse(release.values[0]) as Values;
}

function connection(secured: boolean): KafkaConnection {
  return {
    bootstrapServers: secured ? "k-kafka-bootstrap.ns.svc:9093" : "k-kafka-bootstrap.ns.svc:9092",
    saslMechanism: secured ? "scram-sha-512" : undefined,
    clientTrustSecret: secured ? "kafka-client-trust" : undefined,
    credentialsSecret: (client) => (secured ? `user-${client}` : undefined),
    replicationFactor: secured ? 3 : 1,
    ready: [],
  };
}

const registry = { url: "http://sr:8081", ready: [] };
const kind = loadConfig({});
const cloud = loadConfig({ profile: "cloud" });

describe("SchemaRegistry and ControlCenter", () => {
  it.each([
    [kind, false, "PLAINTEXT", "NodePort"],
    [cloud, true, "SASL_SSL", "ClusterIP"],
  ] as [StreamstackConfig, boolean, string, string][])(
    "connect with the client's credentials (%#)",
    (config, secured, protocol, serviceType) => {
      const naming = deriveNaming(config);
      const synthesized = Testing.synthScope((scope) => {
        const { expose } = config;
        const registry = new SchemaRegistry(scope, "sr", {
          settings: config.schemaRegistry,
          expose,
          imagePullPolicy: config.cluster.imagePullPolicy,
          readerImage: nodeImageOf(config),
          naming,
          kafka: connection(secured),
        });
        new ControlCenter(scope, "cc", {
          settings: config.controlCenter,
          expose,
          imagePullPolicy: config.cluster.imagePullPolicy,
          naming,
          kafka: connection(secured),
          schemaRegistry: registry.readConnection,
        });
      });
      const registry = valuesOf(synthesized, "schema-registry");
      expect(registry.kafka).toEqual({
        bootstrapServers: connection(secured).bootstrapServers,
        securityProtocol: protocol,
        saslMechanism: "SCRAM-SHA-512",
        credentialsSecret: secured ? "user-schemaRegistry" : "",
        caSecret: secured ? "kafka-client-trust" : "",
      });
      const controlCenter = valuesOf(synthesized, "control-center");
      if (config.schemaRegistry.readOnlyFront.enabled) {
        // Nothing outside the cluster reaches the registry itself: a NodePort would serve the read-only front.
        expect(registry.service).toMatchObject({ type: "ClusterIP" });
        const reader = valuesOf(synthesized, "schema-registry-reader");
        expect(reader.service).toMatchObject({ type: serviceType, port: 8081 });
        expect(reader.env).toEqual({
          REGISTRY_READER_UPSTREAM: "http://schema-registry.streamstack-apps.svc:8081",
          REGISTRY_READER_PORT: "8081",
        });
        expect(controlCenter.schemaRegistryUrl).toBe("http://schema-registry-reader.streamstack-apps.svc:8081");
      } else {
        expect(registry.service).toMatchObject({ type: serviceType });
        expect(controlCenter.schemaRegistryUrl).toBe("http://schema-registry.streamstack-apps.svc:8081");
      }
      // The Kafka connection's replication factor, not one Control Center works out for itself.
      expect(controlCenter.replicationFactor).toBe(secured ? 3 : 1);
      expect((controlCenter.kafka as Values).credentialsSecret).toBe(secured ? "user-controlCenter" : "");
    },
  );
});

describe("Producer and Dashboard", () => {
  it("ship the bundled code and the wiring as values of the node-app chart", () => {
    const naming = deriveNaming(cloud);
    const synthesized = Testing.synthScope((scope) => {
      new Producer(scope, "producer", {
        settings: cloud.apps.producer,
        image: nodeImageOf(cloud),
        naming,
        kafka: connection(true),
        schemaRegistry: registry,
      });
      new Dashboard(scope, "dashboard", {
        settings: cloud.apps.dashboard,
        image: nodeImageOf(cloud),
        expose: cloud.expose,
        naming,
        cassandra: {
          host: "c-dc1-service.ns.svc",
          port: 9042,
          localDatacenter: "dc1",
          keyspace: "ks",
          table: "t",
          credentials: { sparkJob: "c-spark-job", dashboard: "c-dashboard" },
          ready: [],
        },
      });
    });
    const producer = valuesOf(synthesized, "producer");
    expect(String(producer.code).length).toBeGreaterThan(10_000);
    expect(producer.args).toEqual(["--rate", "20"]);
    expect(producer.env).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: "k-kafka-bootstrap.ns.svc:9093",
      SCHEMA_REGISTRY_URL: "http://sr:8081",
      KAFKA_TLS: "true",
    });
    expect(producer.env).toMatchObject({ KAFKA_USERNAME: "user-producer", KAFKA_SASL_MECHANISM: "scram-sha-512" });
    expect(producer).not.toHaveProperty("secretEnv");
    expect(producer.env).toMatchObject({ KAFKA_PASSWORD_FILE: "/etc/kafka-user/password" });
    // Only ca.crt: the trust secret is a cert-manager Certificate whose tls.key the producer must not see.
    expect(producer.secretFiles).toEqual([
      { secretName: "user-producer", mountPath: "/etc/kafka-user", keys: ["password"] },
      { secretName: "kafka-client-trust", mountPath: "/etc/kafka-ca", keys: ["ca.crt"] },
    ]);
    const dashboard = valuesOf(synthesized, "dashboard");
    expect(dashboard.env).toMatchObject({
      CASSANDRA_CONTACT_POINTS: "c-dc1-service.ns.svc",
      CASSANDRA_LOCAL_DATACENTER: "dc1",
      PORT: "8080",
    });
    expect(dashboard.service).toEqual({ port: 8080, type: "ClusterIP", nodePort: 0, healthPath: "/healthz" });
  });

  it("scales the always-on producer to zero at rate 0", () => {
    const config = loadConfig({ overrides: { apps: { producer: { ratePerSecond: 0 } } } });
    const synthesized = Testing.synthScope((scope) => {
      new Producer(scope, "producer", {
        settings: config.apps.producer,
        image: nodeImageOf(config),
        naming: deriveNaming(config),
        kafka: connection(false),
        schemaRegistry: registry,
      });
    });
    expect(valuesOf(synthesized, "producer")).toMatchObject({ replicas: 0, args: [] });
  });
});

describe("Airflow", () => {
  it("uses the CloudNativePG database, mounts the DAGs and lets tasks act in the apps namespace", () => {
    const naming = deriveNaming(kind);
    let streamingJob: StreamingJob | undefined;
    const synthesized = Testing.synthScope((scope) => {
      const postgres = new Postgres(scope, "pg", {
        settings: kind.postgres,
        operatorResources: kind.operatorResources,
        gateImage: nodeImageOf(kind),
        naming,
        dependsOn: [],
      });
      const cassandra = fakeCassandraConnection();
      const operator = new SparkOperator(scope, "spark", {
        operatorResources: kind.operatorResources,
        naming,
        dependsOn: [],
      });
      streamingJob = new StreamingJob(scope, "job", {
        settings: kind.spark,
        naming,
        operator,
        kafka: connection(false),
        cassandra,
        imagePullPolicy: kind.cluster.imagePullPolicy,
      });
      new Airflow(scope, "airflow", {
        settings: kind.airflow,
        expose: kind.expose,
        naming,
        components: resolveComponents(kind),
        postgres: postgres.connection,
        producerRuns: {
          settings: kind.apps.producer,
          image: nodeImageOf(kind),
          kafka: connection(false),
          schemaRegistry: registry,
        },
        streamingJob,
      });
    });
    const values = valuesOf(synthesized, "airflow");
    expect(values).toMatchObject({
      executor: "KubernetesExecutor",
      postgresql: { enabled: false },
      data: { metadataSecretName: "airflow-db-credentials" },
    });
    const dags = valuesOf(synthesized, "airflow-dags").resources as {
      kind: string;
      metadata: { name: string };
      data?: Record<string, string>;
      subjects?: unknown[];
    }[];
    const dagConfigMap = dags.find((o) => o.metadata.name === "streamstack-dags");
    expect(Object.keys(dagConfigMap?.data ?? {})).toContain("spark-application.yaml");
    // The DAG resubmits exactly the application the job's release submitted.
    expect(parse(dagConfigMap?.data?.["spark-application.yaml"] ?? "")).toEqual(streamingJob?.application);
    expect(dags.find((o) => o.kind === "RoleBinding")?.subjects).toEqual([
      { kind: "ServiceAccount", name: "airflow-worker", namespace: "streamstack-airflow" },
    ]);
  });
});
