import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import type { ResolvedComponents } from "../config/components";
import type { Naming } from "../config/naming";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import type { KafkaConnection } from "./kafka";
import { partOfLabel, type KubernetesObject } from "./kubernetes-object";
import { ManifestsRelease } from "./manifests-release";
import type { Postgres } from "./postgres";
import { producerEnvironment } from "./producer";
import { dagIgnoreFileSyntax, shippedDagFiles, taskRoleRules } from "./resources/airflow-dags";
import { airflowGeneratedSecrets, createUserJobValues } from "./resources/airflow-secrets";
import { containerResources } from "./resources/quantities";
import { sparkJobObjects } from "./resources/spark-application";

const sparkApplicationFile = "spark-application.yaml";
const producerDag = "produce_users.py";
const sparkDag = "spark_streaming_job.py";

/** The STREAMSTACK_* variables the DAG files read (apps/dags/environment.json). */
type DagVariable = keyof (typeof import("../apps/dags/environment.json"))["variables"];

export interface AirflowProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  readonly components: ResolvedComponents;
  readonly postgres: Postgres;
  /** Present when producer runs can be scheduled. */
  readonly kafka?: KafkaConnection;
  readonly schemaRegistryUrl?: string;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** Airflow from the official chart on our PostgreSQL, with the pipeline's DAGs and the rights they need in the apps namespace. */
export class Airflow extends Construct {
  constructor(scope: Construct, id: string, props: AirflowProps) {
    super(scope, id);
    const { config, naming, components } = props;
    const apps = naming.namespaces.apps;
    const dagsData = shippedDagFiles(components.enabled);
    const schedulesProducer =
      producerDag in dagsData && props.kafka !== undefined && props.schemaRegistryUrl !== undefined;
    if (!schedulesProducer) delete dagsData[producerDag];
    const resubmitsSparkJob = sparkDag in dagsData;
    const shippedDags = Object.keys(dagsData).filter((name) => name.endsWith(".py"));

    const objects: KubernetesObject[] = [];
    if (resubmitsSparkJob) {
      const application = sparkJobObjects(config, naming).find((object) => object.kind === "SparkApplication");
      if (application) dagsData[sparkApplicationFile] = stringify(application, { lineWidth: 0 });
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
    if (schedulesProducer && props.kafka && props.schemaRegistryUrl) {
      const environment = producerEnvironment(config, naming, props.kafka, props.schemaRegistryUrl);
      objects.push({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: naming.airflow.producerEnvConfigMap, namespace: apps, labels: { ...partOfLabel } },
        data: environment.env,
      });
    }
    if (shippedDags.length > 0) {
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
    const dags = new ManifestsRelease(this, "dags", {
      name: "airflow-dags",
      namespace: naming.namespaces.airflow,
      objects,
      generatedSecrets: airflowGeneratedSecrets(naming),
      dependsOn: [...props.postgres.ready, ...props.dependsOn],
    });

    const resources = containerResources(config.airflow.resources);
    const producerPassword = schedulesProducer ? props.kafka?.credentialsSecret("producer") : undefined;
    const kafkaCa = schedulesProducer ? props.kafka?.clientTrustSecret : undefined;
    const variable = (name: DagVariable, value: string) => ({ name, value });
    const env = [
      variable("STREAMSTACK_APPS_NAMESPACE", apps),
      ...(schedulesProducer
        ? [
            variable("STREAMSTACK_PRODUCER_CODE_CONFIGMAP", naming.apps.producer.codeConfigMap),
            variable("STREAMSTACK_PRODUCER_ENV_CONFIGMAP", naming.airflow.producerEnvConfigMap),
            variable("STREAMSTACK_PRODUCER_IMAGE", config.apps.nodeImage),
            variable("STREAMSTACK_PRODUCER_COUNT", String(config.airflow.producerRunRecords)),
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
        executor: config.airflow.executor,
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
          ...(config.expose.serviceType === "nodePort"
            ? {
                service: {
                  type: "NodePort",
                  ports: [{ name: "api-server", port: 8080, nodePort: config.expose.nodePorts.airflow }],
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
          ...(config.airflow.executor === "LocalExecutor" ? { celery: { persistence: { enabled: false } } } : {}),
        },
        statsd: { enabled: false },
      },
      dependsOn: [dags.release, ...props.postgres.ready, ...props.dependsOn],
      // First install runs the database migrations before anything turns ready.
      timeoutSeconds: 1200,
    });
  }
}
