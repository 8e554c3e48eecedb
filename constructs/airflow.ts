import { Construct } from "constructs";
import type { ResolvedComponents } from "../config/components";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ConnectionGraph } from "./connections";
import type { SchemaRegistryConnection } from "./confluent";
import type { ContainerImage } from "./container-image";
import { recordApiServerFlow, type Grantee, type PodsPeer } from "./grants";
import type { KafkaConnection, KafkaGrantee } from "./kafka";
import { partOfLabel, type KubernetesObject } from "./kubernetes-object";
import { ManifestsRelease } from "./manifests-release";
import type { PostgresConnection } from "./postgres";
import { producerEnvironment, type ProducerSettings } from "./producer";
import { dagIgnoreFileSyntax, shippedDagFiles, taskRoleRules } from "./resources/airflow-dags";
import { airflowFlows, airflowPeers } from "./resources/airflow-flows";
import { airflowGeneratedSecrets, createUserJobValues } from "./resources/airflow-secrets";
import { containerResources } from "./resources/quantities";
import type { StreamingJob } from "./spark";
import { yamlText } from "./yaml-text";
import type dagEnvironment from "../apps/dags/environment.json";

const sparkApplicationFile = "spark-application.yaml";
const producerDag = "produce_users.py";
const sparkDag = "spark_streaming_job.py";

/** The STREAMSTACK_* variables the DAG files read (apps/dags/environment.json). */
type DagVariable = keyof (typeof dagEnvironment)["variables"];

/** What the producer DAG's runs need: the same settings and connections as the always-on producer. */
export interface ProducerRuns {
  readonly settings: ProducerSettings;
  /** Official Node.js image the task pods run the bundled producer on, and how they pull it. */
  readonly image: ContainerImage;
  readonly kafka: KafkaConnection;
  readonly schemaRegistry: SchemaRegistryConnection;
}

export interface AirflowProps {
  /** The `airflow` section of the config. */
  readonly settings: StreamstackConfig["airflow"];
  /** How services are exposed (the config's `expose` section). */
  readonly expose: StreamstackConfig["expose"];
  readonly naming: Naming;
  /** Which components run, which decides the DAGs shipped. */
  readonly components: ResolvedComponents;
  readonly postgres: PostgresConnection;
  /**
   * The producer runs the producer DAG schedules.
   * @default - none: the producer DAG is not shipped
   */
  readonly producerRuns?: ProducerRuns;
  /**
   * The streaming job the Spark DAG resubmits, as it was synthesized.
   * @default - none: the Spark DAG is not shipped
   */
  readonly streamingJob?: StreamingJob;
}

/** Airflow from the official chart on our PostgreSQL, with the pipeline's DAGs and the rights they need in the apps namespace. */
export class Airflow extends Construct implements Grantee {
  /** Every pod of the release (all of them read and write the metadata database). */
  readonly pods: PodsPeer;
  /**
   * The producer pods the producer DAG starts in the apps namespace, as a Kafka client; undefined when the DAG is
   * not shipped.
   */
  readonly producerTasks?: KafkaGrantee;
  /** The pods that run tasks: KubernetesExecutor's task pods, or the scheduler with LocalExecutor. */
  readonly taskPods: PodsPeer;

  constructor(scope: Construct, id: string, props: AirflowProps) {
    super(scope, id);
    const { settings, naming, components } = props;
    const apps = naming.namespaces.apps;
    const dagsData = shippedDagFiles(components.enabled);
    const { producerRuns, streamingJob } = props;
    const schedulesProducer = producerDag in dagsData && producerRuns !== undefined;
    if (!schedulesProducer) delete dagsData[producerDag];
    const resubmitsSparkJob = sparkDag in dagsData && streamingJob !== undefined;
    if (!resubmitsSparkJob) delete dagsData[sparkDag];
    const shippedDags = Object.keys(dagsData).filter((name) => name.endsWith(".py"));

    // Task pods (the chart's pod template file) are component=worker; LocalExecutor runs tasks in the scheduler.
    const peers = airflowPeers(naming);
    this.pods = peers.all;
    const taskComponent = settings.executor === "LocalExecutor" ? "scheduler" : "worker";
    this.taskPods = {
      ...peers.all,
      name: `airflow-${taskComponent}`,
      labels: { ...peers.all.labels, component: taskComponent },
    };
    for (const flow of airflowFlows(naming, this.taskPods, settings.executor, props.expose.serviceType)) {
      ConnectionGraph.of(this).allow(flow);
    }
    if (schedulesProducer) {
      const labels = { ...partOfLabel, "app.kubernetes.io/name": naming.airflow.producerTaskApp };
      const pods: PodsPeer = { kind: "pods", name: naming.airflow.producerTaskApp, namespace: apps, labels };
      this.producerTasks = { node: this.node, pods, kafkaClient: "producer" };
    }

    const objects: KubernetesObject[] = [];
    if (streamingJob && resubmitsSparkJob) {
      dagsData[sparkApplicationFile] = yamlText(streamingJob.application, `the DAG folder's ${sparkApplicationFile}`);
    }
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: naming.airflow.dagsConfigMap,
        namespace: naming.namespaces.airflow,
        labels: { ...partOfLabel },
      },
      data: dagsData,
    });
    if (producerRuns && schedulesProducer) {
      const environment = producerEnvironment(
        producerRuns.settings,
        naming,
        producerRuns.kafka,
        producerRuns.schemaRegistry,
      );
      objects.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: naming.airflow.producerEnvConfigMap, namespace: apps, labels: { ...partOfLabel } },
        data: environment.env,
      });
    }
    if (shippedDags.length > 0) {
      recordApiServerFlow(this, this.taskPods, "run the DAGs' tasks in the apps namespace (the task Role)");
      const rules = taskRoleRules(shippedDags);
      const name = naming.airflow.taskRole;
      objects.push(
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "Role",
          metadata: { name, namespace: apps, labels: { ...partOfLabel } },
          rules,
        },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name, namespace: apps, labels: { ...partOfLabel } },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
          subjects: [
            { kind: "ServiceAccount", name: naming.airflow.workerServiceAccount, namespace: naming.namespaces.airflow },
          ],
        },
      );
    }
    // The DAGs' producer runs need Kafka and the registry; the Spark DAG resubmits the job's own application.
    const dependencies = [
      ...props.postgres.ready,
      ...(producerRuns ? [...producerRuns.kafka.ready, ...producerRuns.schemaRegistry.ready] : []),
      ...(streamingJob && resubmitsSparkJob ? streamingJob.ready : []),
    ];
    const dags = new ManifestsRelease(this, "dags", {
      name: "airflow-dags",
      namespace: naming.namespaces.airflow,
      objects,
      generatedSecrets: airflowGeneratedSecrets(naming),
      dependsOn: dependencies,
    });

    const resources = containerResources(settings.resources);
    const producerKafka = schedulesProducer ? producerRuns?.kafka : undefined;
    const producerPassword = producerKafka?.credentialsSecret("producer");
    const kafkaCa = producerKafka?.clientTrustSecret;
    const variable = (name: DagVariable, value: string) => ({ name, value });
    const env = [
      variable("STREAMSTACK_APPS_NAMESPACE", apps),
      ...(producerRuns && schedulesProducer
        ? [
            variable("STREAMSTACK_PRODUCER_CODE_CONFIGMAP", naming.apps.producer.codeConfigMap),
            variable("STREAMSTACK_PRODUCER_ENV_CONFIGMAP", naming.airflow.producerEnvConfigMap),
            variable("STREAMSTACK_PRODUCER_IMAGE", producerRuns.image.name),
            variable("STREAMSTACK_PRODUCER_IMAGE_PULL_POLICY", producerRuns.image.pullPolicy),
            variable("STREAMSTACK_PRODUCER_COUNT", String(settings.producerRunRecords)),
          ]
        : []),
      ...(producerPassword ? [variable("STREAMSTACK_PRODUCER_PASSWORD_SECRET", producerPassword)] : []),
      ...(kafkaCa ? [variable("STREAMSTACK_KAFKA_CA_SECRET", kafkaCa)] : []),
      ...(resubmitsSparkJob
        ? [variable("STREAMSTACK_SPARK_APP_FILE", `${naming.airflow.dagsMountPath}/${sparkApplicationFile}`)]
        : []),
    ];
    new ChartRelease(this, "chart", {
      name: naming.releases.airflow,
      namespace: naming.namespaces.airflow,
      chart: charts.airflow,
      values: {
        executor: settings.executor,
        // The release waits (chart-release.ts), and Helm runs post-install hooks only after the wait succeeds, while
        // every Airflow pod waits in wait-for-airflow-migrations for this Job: as a hook it would deadlock.
        // applyCustomEnv: false keeps our env out of the Job's immutable pod template (chart docs, "Installing the
        // Helm Chart with Argo CD, Flux, Rancher or Terraform").
        migrateDatabaseJob: { useHelmHooks: false, applyCustomEnv: false },
        createUserJob: createUserJobValues(naming),
        // Generated once (resources/airflow-secrets.ts); the chart would draw new ones on every upgrade.
        jwtSecretName: naming.airflow.jwtSecret,
        apiSecretKeySecretName: naming.airflow.apiSecretKeySecret,
        // Airflow pauses new DAGs by default; the pipeline's DAGs are meant to run from the first deploy.
        config: { core: { dag_ignore_file_syntax: dagIgnoreFileSyntax, dags_are_paused_at_creation: "False" } },
        // The metadata database is our CloudNativePG cluster, not the bundled Bitnami subchart.
        postgresql: { enabled: false },
        data: { metadataSecretName: props.postgres.connectionSecret },
        env,
        volumes: [{ name: "streamstack-dags", configMap: { name: naming.airflow.dagsConfigMap } }],
        volumeMounts: [{ name: "streamstack-dags", mountPath: naming.airflow.dagsMountPath, readOnly: true }],
        scheduler: { resources },
        apiServer: {
          resources,
          ...(props.expose.serviceType === "nodePort"
            ? {
                service: {
                  type: "NodePort",
                  ports: [{ name: "api-server", port: 8080, nodePort: props.expose.nodePorts.airflow }],
                },
              }
            : {}),
        },
        dagProcessor: { resources },
        // No DAG of ours defers, so the triggerer only writes its own log; the chart's default is a 100Gi volume
        // per triggerer. Task logs are as short-lived in every executor: remote logging is the durable answer.
        triggerer: { resources, persistence: { enabled: false } },
        // LocalExecutor turns the scheduler into a StatefulSet with the Celery workers' 100Gi log volume.
        workers: {
          resources,
          ...(settings.executor === "LocalExecutor" ? { celery: { persistence: { enabled: false } } } : {}),
        },
        statsd: { enabled: false },
      },
      dependsOn: [dags.release, ...dependencies],
      // First install runs the database migrations before anything turns ready.
      timeoutSeconds: 1200,
    });
  }
}
