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
  /** Scala binary version of the image and of every package. */
  readonly scala: string;
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
    // The last release whose image runs Spark 3.5 (see sparkOperatorImageSpark): its controller runs spark-submit for
    // our Spark 3.5 job. Its reference data is 2.5.2's, standing in (see sparkOperatorReferenceStandIn).
    version: "2.2.1",
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
    // Only the chart's values.schema.json is pinned; its `default` keywords stand for values.yaml.
    referenceFolder: `airflow-chart-${dagVersions.chart}`,
  },
} as const satisfies Record<string, UpstreamChart>;

export const versions = {
  /** Kafka versions the two Strimzi lines run: 0.45.2 tops out at 3.9.2, 1.2.0 adds 4.3.1. */
  kafka: { zookeeper: "3.9.2", kraft: "4.3.1" },
  /** KRaft metadata version matching kafka.kraft. */
  kraftMetadataVersion: "4.3-IV0",
  airflow: dagVersions.airflow,
} as const;

/**
 * The Spark inside each Spark operator image, by chart version: the controller runs that Spark's spark-submit for
 * every SparkApplication, so its major.minor must be the job's. Evidence: kubeflow/spark-operator, `Dockerfile`,
 * `ARG SPARK_IMAGE` at each tag: v2.0.0–v2.0.2 spark:3.5.2, v2.1.0–v2.1.1 spark:3.5.3, v2.2.0–v2.2.1 spark:3.5.5,
 * v2.3.0–v2.4.0 spark:4.0.0, v2.5.0–v2.5.1 spark:4.0.1, v2.5.2 apache/spark:4.0.4 (chart version = release tag).
 */
export const sparkOperatorImageSpark: Readonly<Record<string, string>> = {
  "2.2.1": "3.5.5",
  "2.5.2": "4.0.4",
};

/**
 * The Spark operator's pinned reference data is chart 2.5.2's while we deploy 2.2.1. It stands in only because every
 * difference is an addition in 2.5.2, listed here from `git diff v2.2.1 v2.5.2` of kubeflow/spark-operator
 * `charts/spark-operator-chart/crds/sparkoperator.k8s.io_sparkapplications.yaml` (only `spec.suspend` and a printer
 * column) and of `charts/spark-operator-chart/values.yaml` (keys only in 2.5.2; none only in 2.2.1).
 * A test keeps us from setting any of them, so validating against 2.5.2 says what 2.2.1 would say.
 */
export const sparkOperatorReferenceStandIn = {
  referenceVersion: "2.5.2",
  deployedVersion: "2.2.1",
  sparkApplicationFieldsOnlyInReference: ["spec.suspend"],
  chartValuesOnlyInReference: [
    "hook",
    "controller.featureGates",
    "controller.revisionHistoryLimit",
    "controller.leaderElection.leaseDuration",
    "controller.leaderElection.renewDeadline",
    "controller.leaderElection.retryPeriod",
    "controller.logEncoder",
    "controller.kubeAPIQPS",
    "controller.kubeAPIBurst",
    "controller.scheduledSparkApplicationTimestampPrecision",
    "controller.hostUsers",
    "webhook.revisionHistoryLimit",
    "webhook.logEncoder",
    "webhook.kubeAPIQPS",
    "webhook.kubeAPIBurst",
    "webhook.hostUsers",
    "spark.jobNamespaceSelector",
    "prometheus.metrics.jobSubmitLatencyBuckets",
    "prometheus.metrics.labels",
  ],
} as const;

/** The Kubernetes minors an upstream component supports: from `minimum`, up to `maximum` where its project names one. */
export interface KubernetesSupport {
  readonly minimum: string;
  readonly maximum?: string;
}

/**
 * The Kubernetes versions each upstream chart supports, keyed like `charts`. Evidence read at the pinned tags:
 * - airflow 1.22.0: the chart's README.md "Requirements: Kubernetes 1.30+ cluster"; RELEASE_NOTES.rst 1.17.0 "Bump
 *   minimal Kubernetes version to 1.30 (#51515)"; its Chart.yaml declares no kubeVersion (read in the chart as
 *   vendored by nopega/ice-berg-platform@7c28673, whose Chart.yaml has the pinned sha256).
 * - strimziKraft 1.2.0: CHANGELOG.md at tag 1.2.0, 0.51.0: "From Strimzi 0.51 on, we support only Kubernetes 1.30 and newer."
 * - strimziZookeeper 0.45.2: CHANGELOG.md at tag 0.45.2, 0.44.0: "we support only Kubernetes 1.25 and newer."
 * - cloudnativePg 0.29.0 (operator 1.30.0): Chart.yaml `kubeVersion: ">=1.29.0-0"` (Helm refuses to install below
 *   it); cloudnative-pg/cloudnative-pg v1.30.0 docs/src/supported_releases.md: 1.30.x supports Kubernetes 1.34, 1.35,
 *   1.36 (tested, not supported: 1.30–1.33).
 * - certManager v1.21.1: Chart.yaml `kubeVersion: ">= 1.22.0-0"`; cert-manager/website content/docs/releases/README.md
 *   (read 2026-08-22): 1.21 supports Kubernetes 1.33 → 1.36.
 * The Spark operator (2.2.1) and K8ssandra operator (1.32.5) charts declare no kubeVersion.
 */
export const kubernetesSupport: Readonly<Partial<Record<keyof typeof charts, KubernetesSupport>>> = {
  airflow: { minimum: "1.30" },
  strimziKraft: { minimum: "1.30" },
  strimziZookeeper: { minimum: "1.25" },
  cloudnativePg: { minimum: "1.34", maximum: "1.36" },
  certManager: { minimum: "1.33", maximum: "1.36" },
};
