import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import { mebibytes } from "../config/quantities";
import type { ImagePullPolicy, StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import type { CassandraConnection, CassandraGrantee } from "./cassandra";
import { ChartRelease } from "./chart-release";
import { ConnectionGraph } from "./connections";
import type { SchemaRegistryConnection } from "./confluent";
import type { PodsPeer } from "./grants";
import type { KafkaConnection, KafkaGrantee } from "./kafka";
import type { KubernetesObject } from "./kubernetes-object";
import { ManifestsRelease } from "./manifests-release";
import { containerResources } from "./resources/quantities";
import { sparkJobObjects, sparkJobPodLabels } from "./resources/spark-application";
import { sparkJobFlows, sparkOperatorFlows } from "./resources/spark-flows";

export interface SparkOperatorProps {
  /** Resources of the operator's controller and webhook (the controller gets at least {@link sparkControllerMinimumMemory}). */
  readonly operatorResources: StreamstackConfig["operatorResources"];
  readonly naming: Naming;
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * Memory the operator's controller needs at least: besides its Go process it runs one spark-submit JVM per submission.
 * The chart's values (kubeflow/spark-operator v2.2.1 `charts/spark-operator-chart/values.yaml`, `controller.resources`)
 * warn that this JVM is killed under a tight limit ("failed to run spark-submit ...: signal: killed") and show 300Mi.
 * Measured here: spark-submit 3.5.7 in cluster mode, resolving our three packages with Ivy, peaks at 237 MiB RSS
 * (JVM sized for a 384Mi or 512Mi container; 225 MiB for 256Mi), before the Go controller and Ivy's page cache.
 */
export const sparkControllerMinimumMemory = "512Mi";

/** The Kubeflow Spark operator, watching the apps namespace where the job runs. */
export class SparkOperator extends Construct {
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: SparkOperatorProps) {
    super(scope, id);
    const { operatorResources, naming } = props;
    const resources = containerResources(operatorResources);
    const controllerMemory =
      mebibytes(operatorResources.memory) >= mebibytes(sparkControllerMinimumMemory)
        ? operatorResources.memory
        : sparkControllerMinimumMemory;
    const controllerResources = containerResources({ ...operatorResources, memory: controllerMemory });
    const release = new ChartRelease(this, "chart", {
      name: naming.releases.sparkOperator,
      namespace: naming.namespaces.sparkOperator,
      chart: charts.sparkOperator,
      values: {
        controller: { resources: controllerResources },
        webhook: { resources },
        spark: {
          jobNamespaces: [naming.namespaces.apps],
          // The job brings its own ServiceAccount and Role, scoped to what a driver needs.
          serviceAccount: { create: false },
          rbac: { create: false },
        },
      },
      dependsOn: props.dependsOn,
    }).release;
    this.ready = [release];
    for (const flow of sparkOperatorFlows(naming)) ConnectionGraph.of(this).allow(flow);
  }
}

export interface StreamingJobProps {
  /** The `spark` section of the config. */
  readonly settings: StreamstackConfig["spark"];
  readonly naming: Naming;
  readonly kafka: KafkaConnection;
  readonly cassandra: CassandraConnection;
  /**
   * The registry whose schema ids the job resolves.
   * @default - none: every record is read with the schema the job ships
   */
  readonly schemaRegistry?: SchemaRegistryConnection;
  /** The Spark operator, which must run before the SparkApplication is created. */
  readonly operator: SparkOperator;
  /** How the driver and executors pull the Spark image. */
  readonly imagePullPolicy: ImagePullPolicy;
}

/** The PySpark streaming job as a SparkApplication, with its code, ServiceAccount, RBAC and checkpoint claim. */
export class StreamingJob extends Construct implements KafkaGrantee, CassandraGrantee {
  /** The SparkApplication as submitted, for anything that resubmits it (the Airflow DAG). */
  readonly application: KubernetesObject;
  /** The driver and executor pods (both carry the job's labels). */
  readonly pods: PodsPeer;
  readonly kafkaClient = "sparkJob";
  readonly cassandraClient = "sparkJob";
  /** The job's release (the SparkApplication exists once it is installed). */
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: StreamingJobProps) {
    super(scope, id);
    const { naming } = props;
    const namespace = naming.namespaces.apps;
    const objects = sparkJobObjects(props.settings, naming, props, props.imagePullPolicy);
    const application = objects.find((object) => object.kind === "SparkApplication");
    if (!application) throw new Error(`${this.node.path}: the job's objects hold no SparkApplication`);
    this.application = application;
    const labels = sparkJobPodLabels(naming);
    this.pods = { kind: "pods", name: naming.spark.application, namespace, labels };
    const release = new ManifestsRelease(this, "resources", {
      name: naming.releases.sparkJob,
      namespace,
      objects,
      dependsOn: [
        ...props.operator.ready,
        ...props.kafka.ready,
        ...props.cassandra.ready,
        ...(props.schemaRegistry?.ready ?? []),
      ],
    });
    this.ready = [release.release];
    for (const flow of sparkJobFlows(this.pods)) ConnectionGraph.of(this).allow(flow);
  }
}
