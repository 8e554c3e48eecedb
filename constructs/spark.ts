import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import { mebibytes } from "../config/quantities";
import type { StreamstackConfig } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ManifestsRelease } from "./manifests-release";
import { containerResources } from "./resources/quantities";
import { sparkJobObjects } from "./resources/spark-application";

export interface SparkOperatorProps {
  readonly config: StreamstackConfig;
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
    const { config, naming } = props;
    const resources = containerResources(config.operatorResources);
    const controllerMemory =
      mebibytes(config.operatorResources.memory) >= mebibytes(sparkControllerMinimumMemory)
        ? config.operatorResources.memory
        : sparkControllerMinimumMemory;
    const controllerResources = containerResources({ ...config.operatorResources, memory: controllerMemory });
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
  }
}

export interface StreamingJobProps {
  readonly config: StreamstackConfig;
  readonly naming: Naming;
  /** Operator, Kafka topics and users, and the Cassandra schema must exist before the job starts. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/** The PySpark streaming job as a SparkApplication, with its code, ServiceAccount, RBAC and checkpoint claim. */
export class StreamingJob extends Construct {
  constructor(scope: Construct, id: string, props: StreamingJobProps) {
    super(scope, id);
    new ManifestsRelease(this, "resources", {
      name: props.naming.releases.sparkJob,
      namespace: props.naming.namespaces.apps,
      objects: sparkJobObjects(props.config, props.naming),
      dependsOn: props.dependsOn,
    });
  }
}
