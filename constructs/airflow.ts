import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
import { containerResources } from "./resources/quantities";
import { sparkJobObjects } from "./resources/spark-application";

const dagsDirectory = join(__dirname, "..", "apps", "dags");
const sparkApplicationFile = "spark-application.yaml";

/** The DAG files Airflow should load: every Python file beside the tests, not the tests. */
export function dagFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dagsDirectory).sort()) {
    if (name.endsWith(".py")) files[name] = readFileSync(join(dagsDirectory, name), "utf8");
  }
  return files;
}

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
    const schedulesProducer = components.enabled.has("producer") && props.kafka !== undefined && props.schemaRegistryUrl !== undefined;
    const resubmitsSparkJob = components.enabled.has("spark");

    const dagsData: Record<string, string> = dagFiles();
    const objects: KubernetesObject[] = [];
    if (resubmitsSparkJob) {
      const application = sparkJobObjects(config, naming).find((object) => object.kind === "SparkApplication");
      if (application) dagsData[sparkApplicationFile] = stringify(application, { lineWidth: 0 });
    }
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: naming.airflow.dagsConfigMap, namespace: naming.namespaces.airflow, labels: { ...partOfLabel } },
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
    if (schedulesProducer || resubmitsSparkJob) {
      const rules: object[] = [];
      if (schedulesProducer) {
        rules.push(
          { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "delete", "patch"] },
          { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
          { apiGroups: [""], resources: ["events"], verbs: ["list"] },
        );
      }
      if (resubmitsSparkJob) {
        rules.push({
          apiGroups: ["sparkoperator.k8s.io"],
          resources: ["sparkapplications", "sparkapplications/status"],
          verbs: ["create", "get", "list", "watch", "delete", "patch"],
        });
      }
      const name = "airflow-tasks";
      objects.push(
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name, namespace: apps, labels: { ...partOfLabel } }, rules },
        {
          apiVersion: "rbac.authorization.k8s.io/v1",
          kind: "RoleBinding",
          metadata: { name, namespace: apps, labels: { ...partOfLabel } },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
          subjects: [{ kind: "ServiceAccount", name: naming.airflow.workerServiceAccount, namespace: naming.namespaces.airflow }],
        },
      );
    }
    const dags = new ManifestsRelease(this, "dags", {
      name: "airflow-dags",
      namespace: naming.namespaces.airflow,
      objects,
      dependsOn: [...props.postgres.ready, ...props.dependsOn],
    });

    const resources = containerResources(config.airflow.resources);
    const env = [
      { name: "STREAMSTACK_APPS_NAMESPACE", value: apps },
      { name: "STREAMSTACK_PRODUCER_CODE_CONFIGMAP", value: naming.apps.producer.codeConfigMap },
      { name: "STREAMSTACK_PRODUCER_ENV_CONFIGMAP", value: naming.airflow.producerEnvConfigMap },
      { name: "STREAMSTACK_PRODUCER_IMAGE", value: config.apps.nodeImage },
      { name: "STREAMSTACK_PRODUCER_COUNT", value: String(config.airflow.producerRunRecords) },
      ...(props.kafka?.credentialsSecret("producer") ? [{ name: "STREAMSTACK_PRODUCER_PASSWORD_SECRET", value: props.kafka.credentialsSecret("producer") }] : []),
      ...(props.kafka?.clientTrustSecret ? [{ name: "STREAMSTACK_KAFKA_CA_SECRET", value: props.kafka.clientTrustSecret }] : []),
      { name: "STREAMSTACK_SPARK_APP_FILE", value: `${naming.airflow.dagsMountPath}/${sparkApplicationFile}` },
    ];
    new ChartRelease(this, "chart", {
      name: naming.releases.airflow,
      namespace: naming.namespaces.airflow,
      chart: charts.airflow,
      values: {
        executor: config.airflow.executor,
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
            ? { service: { type: "NodePort", ports: [{ name: "api-server", port: 8080, nodePort: config.expose.nodePorts.airflow }] } }
            : {}),
        },
        dagProcessor: { resources },
        triggerer: { resources },
        workers: { resources },
        statsd: { enabled: false },
      },
      dependsOn: [dags.release, ...props.postgres.ready, ...props.dependsOn],
      // First install runs the database migrations before anything turns ready.
      timeoutSeconds: 1200,
    });
  }
}
