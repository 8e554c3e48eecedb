import { TerraformStack, type ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { resolveComponents, type ResolvedComponents } from "../config/components";
import { deriveNaming, stackName, type Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { Airflow } from "../constructs/airflow";
import { Cassandra } from "../constructs/cassandra";
import { CertManager } from "../constructs/cert-manager";
import { ControlCenter, SchemaRegistry } from "../constructs/confluent";
import { nodeImageOf } from "../constructs/container-image";
import { Dashboard } from "../constructs/dashboard";
import { StrimziKafka } from "../constructs/kafka";
import { Namespaces, type NamespaceSpec } from "../constructs/namespaces";
import { NetworkPolicies } from "../constructs/network-policies";
import { Postgres } from "../constructs/postgres";
import { Producer } from "../constructs/producer";
import { SparkOperator, StreamingJob } from "../constructs/spark";

function namespaceSpecs(naming: Naming, components: ResolvedComponents): NamespaceSpec[] {
  const on = (component: Parameters<ResolvedComponents["enabled"]["has"]>[0]) => components.enabled.has(component);
  const { namespaces } = naming;
  const specs: NamespaceSpec[] = [];
  if (on("certManager")) specs.push({ name: namespaces.certManager, podSecurity: "restricted" });
  if (on("kafka")) specs.push({ name: namespaces.kafka, podSecurity: "restricted" });
  if (on("spark")) specs.push({ name: namespaces.sparkOperator, podSecurity: "restricted" });
  if (on("cassandra")) {
    specs.push({
      name: namespaces.cassandra,
      podSecurity: "baseline",
      reason:
        "cass-operator's Cassandra pods (management API and config init containers) set no seccomp profile and keep capabilities",
    });
  }
  if (on("postgres")) specs.push({ name: namespaces.postgresOperator, podSecurity: "restricted" });
  if (on("airflow") || on("postgres")) {
    specs.push({
      name: namespaces.airflow,
      podSecurity: "baseline",
      reason:
        "the official Airflow chart's pods run with group 0 and set no seccomp profile or dropped capabilities by default",
    });
  }
  const appsComponents = [
    "schemaRegistry",
    "controlCenter",
    "spark",
    "producer",
    "dashboard",
    "kafka",
    "cassandra",
  ] as const;
  if (appsComponents.some(on)) specs.push({ name: namespaces.apps, podSecurity: "restricted" });
  return specs;
}

/** The whole pipeline: each layer's releases depend on the layer below, so one apply converges on an empty cluster. */
export class StreamstackStack extends TerraformStack {
  readonly naming: Naming;
  readonly components: ResolvedComponents;

  /** `id` defaults to streamstack-<profile>; the synth matrix names one stack per Kafka mode too. */
  constructor(scope: Construct, config: StreamstackConfig, id: string = stackName(config)) {
    super(scope, id);
    const nodeImage = nodeImageOf(config);
    const naming = deriveNaming(config);
    const components = resolveComponents(config);
    this.naming = naming;
    this.components = components;
    const on = (component: Parameters<ResolvedComponents["enabled"]["has"]>[0]) => components.enabled.has(component);

    const kubeconfig = {
      ...(config.cluster.kubeconfigPath ? { configPath: config.cluster.kubeconfigPath } : {}),
      ...(config.cluster.context ? { configContext: config.cluster.context } : {}),
    };
    new KubernetesProvider(this, "kubernetes", kubeconfig);
    new HelmProvider(this, "helm", { kubernetes: kubeconfig });

    // Layer 0: namespaces and cert-manager.
    const namespaces = new Namespaces(this, "namespaces", { namespaces: namespaceSpecs(naming, components) });
    const inNamespace = (...names: string[]): ITerraformDependable[] => names.map((name) => namespaces.get(name));
    const kafkaSecured = on("kafka") && config.kafka.authentication !== "none";
    const certManager =
      on("certManager") || kafkaSecured
        ? new CertManager(this, "cert-manager", {
            naming,
            install: on("certManager"),
            certificateAuthority: kafkaSecured,
            operatorResources: config.operatorResources,
            gateImage: nodeImage,
            dependsOn: on("certManager") ? inNamespace(naming.namespaces.certManager) : [],
          })
        : undefined;

    // Layers 1 and 2: operators and the data services they manage.
    const gateImage = nodeImage;
    const kafka = on("kafka")
      ? new StrimziKafka(this, "kafka", {
          settings: config.kafka,
          naming,
          gateImage,
          dependsOn: inNamespace(naming.namespaces.kafka, naming.namespaces.apps),
          certificateAuthority: kafkaSecured ? certManager?.ready : undefined,
        })
      : undefined;

    const cassandraCredentialsFor = on("spark") || on("dashboard") ? [naming.namespaces.apps] : [];
    const cassandra = on("cassandra")
      ? new Cassandra(this, "cassandra", {
          settings: config.cassandra,
          operatorResources: config.operatorResources,
          gateImage,
          naming,
          credentialsFor: cassandraCredentialsFor,
          imagePullPolicy: config.cluster.imagePullPolicy,
          dependsOn: [
            ...inNamespace(naming.namespaces.cassandra, ...cassandraCredentialsFor),
            ...(on("certManager") && certManager ? certManager.operatorReady : []),
          ],
        })
      : undefined;

    const postgres = on("postgres")
      ? new Postgres(this, "postgres", {
          settings: config.postgres,
          operatorResources: config.operatorResources,
          gateImage,
          naming,
          dependsOn: inNamespace(naming.namespaces.postgresOperator, naming.namespaces.airflow),
        })
      : undefined;

    const sparkOperator = on("spark")
      ? new SparkOperator(this, "spark-operator", {
          operatorResources: config.operatorResources,
          naming,
          dependsOn: inNamespace(naming.namespaces.sparkOperator, naming.namespaces.apps),
        })
      : undefined;

    // Layer 3: platform services. Each client is granted what it uses where it is wired.
    const { expose } = config;
    const schemaRegistry =
      kafka && on("schemaRegistry")
        ? new SchemaRegistry(this, "schema-registry", {
            settings: config.schemaRegistry,
            expose,
            imagePullPolicy: config.cluster.imagePullPolicy,
            readerImage: nodeImage,
            naming,
            kafka: kafka.connection,
          })
        : undefined;
    if (kafka && schemaRegistry) {
      kafka.grantTopicStore(schemaRegistry, schemaRegistry.storeTopic, schemaRegistry.storeGroup);
    }
    if (kafka && on("controlCenter")) {
      const controlCenter = new ControlCenter(this, "control-center", {
        settings: config.controlCenter,
        expose,
        imagePullPolicy: config.cluster.imagePullPolicy,
        naming,
        kafka: kafka.connection,
        schemaRegistry: schemaRegistry?.readConnection,
      });
      kafka.grantMonitor(controlCenter, controlCenter.ownPrefix);
      schemaRegistry?.grantRead(controlCenter);
    }

    // Layer 4: applications.
    const streamingJob =
      kafka && cassandra && sparkOperator
        ? new StreamingJob(this, "streaming-job", {
            settings: config.spark,
            naming,
            operator: sparkOperator,
            imagePullPolicy: config.cluster.imagePullPolicy,
            kafka: kafka.connection,
            cassandra: cassandra.connection,
            schemaRegistry: schemaRegistry?.readConnection,
          })
        : undefined;
    if (kafka && cassandra && streamingJob) {
      kafka.grantRead(streamingJob, { consumerGroupPrefix: naming.kafka.sparkGroupPrefix });
      kafka.grantWrite(streamingJob, { topic: naming.kafka.topics.deadLetters });
      cassandra.grantReadWrite(streamingJob);
      schemaRegistry?.grantRead(streamingJob);
    }
    if (kafka && schemaRegistry && on("producer")) {
      const producer = new Producer(this, "producer", {
        settings: config.apps.producer,
        image: nodeImage,
        naming,
        kafka: kafka.connection,
        schemaRegistry: schemaRegistry.connection,
      });
      kafka.grantWrite(producer, { idempotent: true });
      schemaRegistry.grantWrite(producer);
    }
    if (cassandra && on("dashboard")) {
      const dashboard = new Dashboard(this, "dashboard", {
        settings: config.apps.dashboard,
        image: nodeImage,
        expose,
        naming,
        cassandra: cassandra.connection,
      });
      cassandra.grantRead(dashboard);
    }
    if (postgres && on("airflow")) {
      const airflow = new Airflow(this, "airflow", {
        settings: config.airflow,
        expose,
        naming,
        components,
        postgres: postgres.connection,
        producerRuns:
          kafka && schemaRegistry
            ? {
                settings: config.apps.producer,
                image: nodeImage,
                kafka: kafka.connection,
                schemaRegistry: schemaRegistry.connection,
              }
            : undefined,
        streamingJob,
      });
      postgres.grantConnect(airflow, "keep Airflow's metadata");
      if (airflow.producerTasks) {
        kafka?.grantWrite(airflow.producerTasks, { idempotent: true });
        schemaRegistry?.grantWrite(airflow.producerTasks);
      }
    }

    // Last: the policies are derived from every flow the constructs above recorded.
    new NetworkPolicies(this, "network-policies", {
      releaseName: naming.releases.networkPolicies,
      namespaces: namespaces.all,
    });
  }
}
