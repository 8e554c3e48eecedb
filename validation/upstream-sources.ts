/**
 * Where each pinned upstream file of the schema directory comes from: repository, tag and path.
 * scripts/fetch-schemas.ts downloads them for machines without the shared folder (GitHub Actions, users).
 */
export interface UpstreamSource {
  /** Path inside the schema directory. */
  readonly file: string;
  readonly repository: string;
  readonly ref: string;
  readonly path: string;
  /** The CloudNativePG chart wraps its CRDs in a Helm if/end; the pinned file drops those two lines. */
  readonly stripHelmGuard?: boolean;
}

export const upstreamSources: readonly UpstreamSource[] = [
  { file: "cert-manager-1.21.1/Chart.yaml", repository: "cert-manager/cert-manager", ref: "v1.21.1", path: "deploy/charts/cert-manager/Chart.yaml" },
  { file: "cert-manager-1.21.1/chart-values.schema.json", repository: "cert-manager/cert-manager", ref: "v1.21.1", path: "deploy/charts/cert-manager/values.schema.json" },
  { file: "cert-manager-1.21.1/chart-values.yaml", repository: "cert-manager/cert-manager", ref: "v1.21.1", path: "deploy/charts/cert-manager/values.yaml" },
  { file: "cloudnative-pg-0.29.0/Chart.yaml", repository: "cloudnative-pg/charts", ref: "cloudnative-pg-v0.29.0", path: "charts/cloudnative-pg/Chart.yaml" },
  { file: "cloudnative-pg-0.29.0/chart-values.schema.json", repository: "cloudnative-pg/charts", ref: "cloudnative-pg-v0.29.0", path: "charts/cloudnative-pg/values.schema.json" },
  { file: "cloudnative-pg-0.29.0/chart-values.yaml", repository: "cloudnative-pg/charts", ref: "cloudnative-pg-v0.29.0", path: "charts/cloudnative-pg/values.yaml" },
  { file: "cloudnative-pg-0.29.0/crds/cloudnative-pg-crds.yaml", repository: "cloudnative-pg/charts", ref: "cloudnative-pg-v0.29.0", path: "charts/cloudnative-pg/templates/crds/crds.yaml", stripHelmGuard: true },
  { file: "k8ssandra-operator-1.32.5/Chart.yaml", repository: "k8ssandra/k8ssandra-operator", ref: "v1.32.5", path: "charts/k8ssandra-operator/Chart.yaml" },
  { file: "k8ssandra-operator-1.32.5/chart-values.yaml", repository: "k8ssandra/k8ssandra-operator", ref: "v1.32.5", path: "charts/k8ssandra-operator/values.yaml" },
  { file: "k8ssandra-operator-1.32.5/crds/k8ssandra-operator-crds.yaml", repository: "k8ssandra/k8ssandra-operator", ref: "v1.32.5", path: "charts/k8ssandra-operator/crds/k8ssandra-operator-crds.yaml" },
  { file: "spark-operator-2.5.2/Chart.yaml", repository: "kubeflow/spark-operator", ref: "v2.5.2", path: "charts/spark-operator-chart/Chart.yaml" },
  { file: "spark-operator-2.5.2/chart-values.yaml", repository: "kubeflow/spark-operator", ref: "v2.5.2", path: "charts/spark-operator-chart/values.yaml" },
  { file: "spark-operator-2.5.2/crds/sparkoperator.k8s.io_scheduledsparkapplications.yaml", repository: "kubeflow/spark-operator", ref: "v2.5.2", path: "charts/spark-operator-chart/crds/sparkoperator.k8s.io_scheduledsparkapplications.yaml" },
  { file: "spark-operator-2.5.2/crds/sparkoperator.k8s.io_sparkapplications.yaml", repository: "kubeflow/spark-operator", ref: "v2.5.2", path: "charts/spark-operator-chart/crds/sparkoperator.k8s.io_sparkapplications.yaml" },
  { file: "strimzi-0.45.2/Chart.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "0.45.2", path: "packaging/helm-charts/helm3/strimzi-kafka-operator/Chart.yaml" },
  { file: "strimzi-0.45.2/chart-values.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "0.45.2", path: "packaging/helm-charts/helm3/strimzi-kafka-operator/values.yaml" },
  { file: "strimzi-0.45.2/crds/040-Crd-kafka.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "0.45.2", path: "packaging/install/cluster-operator/040-Crd-kafka.yaml" },
  { file: "strimzi-0.45.2/crds/043-Crd-kafkatopic.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "0.45.2", path: "packaging/install/cluster-operator/043-Crd-kafkatopic.yaml" },
  { file: "strimzi-0.45.2/crds/044-Crd-kafkauser.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "0.45.2", path: "packaging/install/cluster-operator/044-Crd-kafkauser.yaml" },
  { file: "strimzi-0.45.2/crds/04A-Crd-kafkanodepool.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "0.45.2", path: "packaging/install/cluster-operator/04A-Crd-kafkanodepool.yaml" },
  { file: "strimzi-1.2.0/Chart.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "1.2.0", path: "packaging/helm-charts/helm3/strimzi-kafka-operator/Chart.yaml" },
  { file: "strimzi-1.2.0/chart-values.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "1.2.0", path: "packaging/helm-charts/helm3/strimzi-kafka-operator/values.yaml" },
  { file: "strimzi-1.2.0/crds/040-Crd-kafka.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "1.2.0", path: "packaging/install/cluster-operator/040-Crd-kafka.yaml" },
  { file: "strimzi-1.2.0/crds/043-Crd-kafkatopic.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "1.2.0", path: "packaging/install/cluster-operator/043-Crd-kafkatopic.yaml" },
  { file: "strimzi-1.2.0/crds/044-Crd-kafkauser.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "1.2.0", path: "packaging/install/cluster-operator/044-Crd-kafkauser.yaml" },
  { file: "strimzi-1.2.0/crds/045-Crd-kafkanodepool.yaml", repository: "strimzi/strimzi-kafka-operator", ref: "1.2.0", path: "packaging/install/cluster-operator/045-Crd-kafkanodepool.yaml" },
];
