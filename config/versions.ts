import { readFileSync } from "node:fs";
import { join } from "node:path";

/** An upstream chart release: where Helm fetches it and which pinned reference data describes it. */
export interface UpstreamChart {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  /** Folder under the schema directory (STREAMSTACK_SCHEMAS) with this chart's CRDs and default values; undefined when none is pinned. */
  readonly referenceFolder?: string;
}

interface DagVersions {
  readonly chart: string;
  readonly airflow: string;
}

interface SparkVersions {
  readonly spark: string;
  readonly packages: readonly string[];
  readonly image: string;
  /** The job's entry file and every file it imports, all under apps/spark-job. */
  readonly mainFile: string;
  readonly jobFiles: readonly string[];
  /** Avro schema file name the job expects beside it. */
  readonly schemaFile: string;
}

const appsDirectory = join(__dirname, "..", "apps");

function readJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(join(appsDirectory, relativePath), "utf8")) as T;
}

// The DAG tests and the Spark job tests run the same versions the stack deploys: one file each.
const dagVersions = readJson<DagVersions>("dags/versions.json");
export const sparkVersions = readJson<SparkVersions>("spark-job/versions.json");

export const charts = {
  certManager: {
    repository: "https://charts.jetstack.io",
    chart: "cert-manager",
    version: "v1.21.1",
    referenceFolder: "cert-manager-1.21.1",
  },
  strimziZookeeper: {
    repository: "https://strimzi.io/charts/",
    chart: "strimzi-kafka-operator",
    version: "0.45.2",
    referenceFolder: "strimzi-0.45.2",
  },
  strimziKraft: {
    repository: "https://strimzi.io/charts/",
    chart: "strimzi-kafka-operator",
    version: "1.2.0",
    referenceFolder: "strimzi-1.2.0",
  },
  sparkOperator: {
    repository: "https://kubeflow.github.io/spark-operator",
    chart: "spark-operator",
    version: "2.5.2",
    referenceFolder: "spark-operator-2.5.2",
  },
  k8ssandraOperator: {
    repository: "https://helm.k8ssandra.io/stable",
    chart: "k8ssandra-operator",
    version: "1.32.5",
    referenceFolder: "k8ssandra-operator-1.32.5",
  },
  cloudnativePg: {
    repository: "https://cloudnative-pg.github.io/charts",
    chart: "cloudnative-pg",
    version: "0.29.0",
    referenceFolder: "cloudnative-pg-0.29.0",
  },
  airflow: {
    repository: "https://airflow.apache.org",
    chart: "airflow",
    version: dagVersions.chart,
    // Not in the pinned set we are given; checked when a user puts the chart's values.schema.json there.
    referenceFolder: `airflow-${dagVersions.chart}`,
  },
} as const satisfies Record<string, UpstreamChart>;

export const versions = {
  /** Kafka versions the two Strimzi lines run: 0.45.2 tops out at 3.9.2, 1.2.0 adds 4.3.1. */
  kafka: { zookeeper: "3.9.2", kraft: "4.3.1" },
  /** KRaft metadata version matching kafka.kraft. */
  kraftMetadataVersion: "4.3-IV0",
  airflow: dagVersions.airflow,
} as const;
