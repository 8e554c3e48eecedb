/**
 * Where each pinned upstream file of the schema directory comes from (repository, ref, path) and the sha256 of the
 * pinned file, as ../shared/upstream/MANIFEST.json records them. validation/upstream-fetch.ts downloads them into
 * the user's cache and checks every digest; __tests__/upstream-sources.test.ts keeps this list equal to the manifest.
 */
export interface UpstreamSource {
  /** Path inside the schema directory. */
  readonly file: string;
  /** owner/name on the public code host. */
  readonly repository: string;
  /** Tag, or a commit where the repository vendored a chart (Airflow). */
  readonly ref: string;
  readonly path: string;
  /** Of the pinned file, i.e. after stripHelmGuard where that is set. */
  readonly sha256: string;
  /**
   * The CloudNativePG chart wraps its CRDs in `{{- if .Values.crds.create }}` … `{{- end }}`; the pinned file drops
   * the first and the last line (checked: this reproduces the pinned sha256 from cloudnative-pg/charts at the tag).
   */
  readonly stripHelmGuard?: boolean;
}

// The Airflow chart 1.22.0 files come from a repository that vendored the official chart with `helm pull`
// (apache/airflow itself is too large to mirror); see README, "Schema directory".
export const upstreamSources: readonly UpstreamSource[] = [
  {
    file: "airflow-chart-1.22.0/Chart.yaml",
    repository: "nopega/ice-berg-platform",
    ref: "7c2867336eb7fed99b46b33da1829458f0f01d1d",
    path: "script/set_up_component/04_airflow_prod/chart/airflow/Chart.yaml",
    sha256: "7caafda165e0642e5595e1378c165b41307a868c9f8a2e97e635e592d36d89b2",
  },
  {
    file: "airflow-chart-1.22.0/chart-values.schema.json",
    repository: "nopega/ice-berg-platform",
    ref: "7c2867336eb7fed99b46b33da1829458f0f01d1d",
    path: "script/set_up_component/04_airflow_prod/chart/airflow/values.schema.json",
    sha256: "12eb9c2e90674b0f6a180eef5b87817ae3af83b38e2a1e60e9a1ed6b167de36a",
  },
  {
    file: "cert-manager-1.21.1/Chart.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/charts/cert-manager/Chart.yaml",
    sha256: "643e41e3c9c3f6bde5a6fbdc359adfc6222af2b42623f16fb97a97ae46c8db8d",
  },
  {
    file: "cert-manager-1.21.1/chart-values.schema.json",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/charts/cert-manager/values.schema.json",
    sha256: "47730ad9154f6cde7a081de7541f88e085ff92a5e5fd65a41a3d0223ff735bea",
  },
  {
    file: "cert-manager-1.21.1/chart-values.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/charts/cert-manager/values.yaml",
    sha256: "4d818a0facf6c8462fcd316f40bcc1c693f3a4aa0a2ad445bf4c54fa950203cf",
  },
  {
    file: "cert-manager-1.21.1/crds/acme.cert-manager.io_challenges.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/crds/acme.cert-manager.io_challenges.yaml",
    sha256: "dff7542a2ee6581e3963a076410212ad3207201b70df8a328aa50826d569161c",
  },
  {
    file: "cert-manager-1.21.1/crds/acme.cert-manager.io_orders.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/crds/acme.cert-manager.io_orders.yaml",
    sha256: "b1e9c938b9724482cc0612aac949b40e062001fc9732234c591f24cb9ffc5ca7",
  },
  {
    file: "cert-manager-1.21.1/crds/cert-manager.io_certificaterequests.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/crds/cert-manager.io_certificaterequests.yaml",
    sha256: "74cf3801ab146a1745498de5f3b619cde6f2dc89ae03755084be08129ce726c3",
  },
  {
    file: "cert-manager-1.21.1/crds/cert-manager.io_certificates.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/crds/cert-manager.io_certificates.yaml",
    sha256: "7ad91029c00ec959d54215b19d3b1a9b7e0247eaa60f987151c2b70d8661f8af",
  },
  {
    file: "cert-manager-1.21.1/crds/cert-manager.io_clusterissuers.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/crds/cert-manager.io_clusterissuers.yaml",
    sha256: "30008001b78aafb8e110af61359561104b5fafc3a4dc6ac0013245d0ee3fe4ca",
  },
  {
    file: "cert-manager-1.21.1/crds/cert-manager.io_issuers.yaml",
    repository: "cert-manager/cert-manager",
    ref: "v1.21.1",
    path: "deploy/crds/cert-manager.io_issuers.yaml",
    sha256: "05e37efb02777e0362d24269fa103c2fc11419f9c85e31854ef873e5d9e5c5cc",
  },
  {
    file: "cloudnative-pg-0.29.0/Chart.yaml",
    repository: "cloudnative-pg/charts",
    ref: "cloudnative-pg-v0.29.0",
    path: "charts/cloudnative-pg/Chart.yaml",
    sha256: "aa3a9759ec55837559f49228e2987517207458fc4d1d9f3f69ad20e9a05a62c4",
  },
  {
    file: "cloudnative-pg-0.29.0/chart-values.schema.json",
    repository: "cloudnative-pg/charts",
    ref: "cloudnative-pg-v0.29.0",
    path: "charts/cloudnative-pg/values.schema.json",
    sha256: "b9fd2c036e961aee3ff1d58b9bdbfb3bf03d5b65f9360d8cff6a79e523683418",
  },
  {
    file: "cloudnative-pg-0.29.0/chart-values.yaml",
    repository: "cloudnative-pg/charts",
    ref: "cloudnative-pg-v0.29.0",
    path: "charts/cloudnative-pg/values.yaml",
    sha256: "ace42f8958c68f4efe085963bb1c9bf190de317b3ffb330a10f67713993e7874",
  },
  {
    file: "cloudnative-pg-0.29.0/crds/cloudnative-pg-crds.yaml",
    repository: "cloudnative-pg/charts",
    ref: "cloudnative-pg-v0.29.0",
    path: "charts/cloudnative-pg/templates/crds/crds.yaml",
    sha256: "05dcffb2d71a5aa12db8193b8cf3aaebcbe5f0b8562d67ebda8b85878c054a3a",
    stripHelmGuard: true,
  },
  {
    file: "k8ssandra-operator-1.32.5/Chart.yaml",
    repository: "k8ssandra/k8ssandra-operator",
    ref: "v1.32.5",
    path: "charts/k8ssandra-operator/Chart.yaml",
    sha256: "10b86631642ac71f28f089c4e31fee0a804b68e2929d1f6dd8cb86a737328821",
  },
  {
    file: "k8ssandra-operator-1.32.5/chart-values.yaml",
    repository: "k8ssandra/k8ssandra-operator",
    ref: "v1.32.5",
    path: "charts/k8ssandra-operator/values.yaml",
    sha256: "5f2fb56c597a71f7285fad571e53db5f0ba11cf8b4f4fd3774922823ae9d3c8c",
  },
  {
    file: "k8ssandra-operator-1.32.5/crds/k8ssandra-operator-crds.yaml",
    repository: "k8ssandra/k8ssandra-operator",
    ref: "v1.32.5",
    path: "charts/k8ssandra-operator/crds/k8ssandra-operator-crds.yaml",
    sha256: "7b9a73b322e90c6df310331677bfb7cbce05da2fbac1916ae719cbce6ef1b15a",
  },
  {
    file: "spark-operator-2.5.2/Chart.yaml",
    repository: "kubeflow/spark-operator",
    ref: "v2.5.2",
    path: "charts/spark-operator-chart/Chart.yaml",
    sha256: "c20284914621c70c2fb83b76b764e8e82433e360c1bcd6af97f4a025f6acf3c6",
  },
  {
    file: "spark-operator-2.5.2/chart-values.yaml",
    repository: "kubeflow/spark-operator",
    ref: "v2.5.2",
    path: "charts/spark-operator-chart/values.yaml",
    sha256: "4cb87a38d9b13a936b6a066685c6e5107d27164db46976fc8a5b5fa3af9123c3",
  },
  {
    file: "spark-operator-2.5.2/crds/sparkoperator.k8s.io_scheduledsparkapplications.yaml",
    repository: "kubeflow/spark-operator",
    ref: "v2.5.2",
    path: "charts/spark-operator-chart/crds/sparkoperator.k8s.io_scheduledsparkapplications.yaml",
    sha256: "5dc6654b2ad9157421ddf177737795420088fbe70338e45602bacf22ce25cc99",
  },
  {
    file: "spark-operator-2.5.2/crds/sparkoperator.k8s.io_sparkapplications.yaml",
    repository: "kubeflow/spark-operator",
    ref: "v2.5.2",
    path: "charts/spark-operator-chart/crds/sparkoperator.k8s.io_sparkapplications.yaml",
    sha256: "ecd9c14fcadb9d5f8ced4c4ee31920548ea53a892e0a69c3e43aa758bfca6d94",
  },
  {
    file: "strimzi-0.45.2/Chart.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "0.45.2",
    path: "packaging/helm-charts/helm3/strimzi-kafka-operator/Chart.yaml",
    sha256: "f67b750c6de8d4c76b4e053c13916efba4c8b7c112b0eeaebb0645edb089a795",
  },
  {
    file: "strimzi-0.45.2/chart-values.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "0.45.2",
    path: "packaging/helm-charts/helm3/strimzi-kafka-operator/values.yaml",
    sha256: "b552d4d73ea58b41c01a90b844bfaa00ca5ef0f8a53070549d910b334365a928",
  },
  {
    file: "strimzi-0.45.2/crds/040-Crd-kafka.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "0.45.2",
    path: "packaging/install/cluster-operator/040-Crd-kafka.yaml",
    sha256: "d345f6c9eb72f991e1018a08f5a40bad6d4c41c2f6a7e492b43bbbf2cd4e5a72",
  },
  {
    file: "strimzi-0.45.2/crds/043-Crd-kafkatopic.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "0.45.2",
    path: "packaging/install/cluster-operator/043-Crd-kafkatopic.yaml",
    sha256: "b6ef3c460eb018c63a37c662ef4251ccd03d321ba3a6ae27c7e0e6a94eb63395",
  },
  {
    file: "strimzi-0.45.2/crds/044-Crd-kafkauser.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "0.45.2",
    path: "packaging/install/cluster-operator/044-Crd-kafkauser.yaml",
    sha256: "58df902c3122452ecd3b207fcee395fbd84aea365bdd57ca4a69416eee4e2998",
  },
  {
    file: "strimzi-0.45.2/crds/04A-Crd-kafkanodepool.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "0.45.2",
    path: "packaging/install/cluster-operator/04A-Crd-kafkanodepool.yaml",
    sha256: "7812a7bcb236217c8460258cbc9cfae6194f0eb3be8a07afc5f19cbea45ff0ab",
  },
  {
    file: "strimzi-1.2.0/Chart.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "1.2.0",
    path: "packaging/helm-charts/helm3/strimzi-kafka-operator/Chart.yaml",
    sha256: "cd2cc8cea97b221181b62796546168fa83957a5ab5b4c44427f1cbb57f787f93",
  },
  {
    file: "strimzi-1.2.0/chart-values.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "1.2.0",
    path: "packaging/helm-charts/helm3/strimzi-kafka-operator/values.yaml",
    sha256: "daad8911c0bd0a77b9dd576dcd114a114d3180ebdba767b30673e655dca3e8f9",
  },
  {
    file: "strimzi-1.2.0/crds/040-Crd-kafka.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "1.2.0",
    path: "packaging/install/cluster-operator/040-Crd-kafka.yaml",
    sha256: "b5b27fc8d52068a77cde7c40d47c068023c7b4e92fc266c45200db2d2506392a",
  },
  {
    file: "strimzi-1.2.0/crds/043-Crd-kafkatopic.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "1.2.0",
    path: "packaging/install/cluster-operator/043-Crd-kafkatopic.yaml",
    sha256: "36390f0731c699448076d4ee739e8b7f331d083e91a7fb71500aaa830ab1127e",
  },
  {
    file: "strimzi-1.2.0/crds/044-Crd-kafkauser.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "1.2.0",
    path: "packaging/install/cluster-operator/044-Crd-kafkauser.yaml",
    sha256: "c7e91b9b027a516b43dc7d369e781ee23a6ea177ae15fe0c33af6f722e26e05f",
  },
  {
    file: "strimzi-1.2.0/crds/045-Crd-kafkanodepool.yaml",
    repository: "strimzi/strimzi-kafka-operator",
    ref: "1.2.0",
    path: "packaging/install/cluster-operator/045-Crd-kafkanodepool.yaml",
    sha256: "411c1b32ef8c1a6408ac9d4fe791115a6ce2b41107204588f976a3ed19be2430",
  },
];
