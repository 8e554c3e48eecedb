import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
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

/** The Kubeflow Spark operator, watching the apps namespace where the job runs. */
export class SparkOperator extends Construct {
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: SparkOperatorProps) {
    super(scope, id);
    const { config, naming } = props;
    const resources = containerResources(config.operatorResources);
    const release = new ChartRelease(this, "chart", {
      name: naming.releases.sparkOperator,
      namespace: naming.namespaces.sparkOperator,
      chart: charts.sparkOperator,
      values: {
        controller: { resources },
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
