/**
 * Every pod and container the stack's charts and operators run, beyond what our values state outright, with the
 * upstream source that says so (read at the pinned tag). `npm run requests` enumerates pods from the synthesized
 * values and this table; a workload kind the stack deploys without a row here makes it fail (see requests.ts).
 */

/** Where a claim about upstream behaviour was read. */
export interface Evidence {
  readonly repository: string;
  /** Tag, or commit where the repository is read at a stored revision. */
  readonly ref: string;
  readonly path: string;
  /** What the source says, in a few words. */
  readonly says: string;
}

/** Requests of one container; "0" when the container asks for nothing (BestEffort). */
export interface Requests {
  readonly cpu: string;
  readonly memory: string;
}

export const noRequests: Requests = { cpu: "0", memory: "0Mi" };

/** `running` pods hold their requests all the time; `once` pods (Jobs, hooks) until they finish; `per-task` pods while a task runs. */
export type Lifetime = "running" | "once" | "per-task";

export interface TableContainer {
  readonly container: string;
  readonly init?: boolean;
  /**
   * Dotted path of the container's `resources` block in the chart values or the custom resource, when the stack can set
   * it; `[name=x]` selects a list item by name.
   */
  readonly resourcesPath?: string;
  /** Dotted path of a boolean switching the container on, with the chart's default. */
  readonly enabledPath?: readonly [path: string, chartDefault: boolean];
  /** What the chart or operator requests when resourcesPath is unset or empty. */
  readonly defaults: Requests;
  readonly evidence: Evidence;
}

export interface TablePod {
  readonly pod: string;
  readonly lifetime: Lifetime;
  /** Dotted path of the replica count; 1 when absent. */
  readonly replicasPath?: string;
  /** Dotted path of a boolean switching the pod on, with the chart's default. */
  readonly enabledPath?: readonly [path: string, chartDefault: boolean];
  /** Dotted path of a boolean switching the pod off (true = no pod), with the chart's default. */
  readonly disabledPath?: readonly [path: string, chartDefault: boolean];
  /** Only for these values of the chart's `executor` (Airflow). */
  readonly executors?: readonly string[];
  readonly containers: readonly TableContainer[];
}

const thisRepository = "streamstack (this repository)";

/** Claims read in one repository at one ref; `directory` prefixes every path. */
const readAt =
  (repository: string, ref: string, directory = "") =>
  (path: string, says: string): Evidence => ({ repository, ref, path: `${directory}${path}`, says });

const certManager = readAt("cert-manager/cert-manager", "v1.21.1");
// Read at 0.45.2; a claim says where 1.2.0 (the KRaft line) differs.
const strimzi = readAt("strimzi/strimzi-kafka-operator", "0.45.2");
const sparkOperator = readAt("kubeflow/spark-operator", "v2.5.2");
const k8ssandra = readAt("k8ssandra/k8ssandra-operator", "v1.32.5");
// k8ssandra-operator 1.32.5 builds on cass-operator v1.30.3 (its go.mod); the chart's cass-operator subchart is 0.64.x (appVersion 1.30.x).
const cassOperator = readAt("k8ssandra/cass-operator", "v1.30.3");
const cloudnativePg = readAt("cloudnative-pg/cloudnative-pg", "v1.30.0");
// apache/airflow is over the fetch limit; chart 1.22.0's templates are read from the vendored copy the pinned schema comes from.
const airflowChart = readAt(
  "nopega/ice-berg-platform (helm pull of apache-airflow/airflow 1.22.0)",
  "7c2867336eb7fed99b46b33da1829458f0f01d1d",
  "script/set_up_component/04_airflow_prod/chart/airflow/",
);
const kubeadm = readAt("kubernetes/kubernetes", "stored revisions of kubeadm (the values are unchanged since v1.9)");
const kind = readAt("kubernetes-sigs/kind", "v0.32.0");

/** An Airflow component of chart 1.22.0 that runs all the time. */
interface AirflowComponent {
  readonly pod: string;
  /** Its key in the chart's values (`scheduler`, `apiServer`, …). */
  readonly key: string;
  readonly container: string;
  /** Its Deployment's template, under templates/. */
  readonly template: string;
  /** Switched by `<key>.enabled` (default true); otherwise always deployed. */
  readonly switchable?: boolean;
  /** Runs the `<key>.logGroomerSidecar` sidecar (on by default). */
  readonly logGroomer?: boolean;
  /** Added to what the template says about the main container. */
  readonly note?: string;
}

/**
 * The chart lays out every long-running component alike: a wait-for-migrations init container and the main container,
 * both with `<key>.resources` ({} by default), and for some a log-groomer sidecar.
 */
function airflowComponent(component: AirflowComponent): TablePod {
  const { key, container } = component;
  const evidence = (says: string) => airflowChart(`templates/${component.template}`, says);
  const logGroomer: TableContainer = {
    container: `${container}-log-groomer`,
    enabledPath: [`${key}.logGroomerSidecar.enabled`, true],
    resourcesPath: `${key}.logGroomerSidecar.resources`,
    defaults: noRequests,
    evidence: evidence("sidecar when logGroomerSidecar.enabled (default true), resources {}"),
  };
  return {
    pod: component.pod,
    lifetime: "running",
    replicasPath: `${key}.replicas`,
    ...(component.switchable === true ? { enabledPath: [`${key}.enabled`, true] as const } : {}),
    containers: [
      {
        container: "wait-for-airflow-migrations",
        init: true,
        enabledPath: [`${key}.waitForMigrations.enabled`, true],
        resourcesPath: `${key}.resources`,
        defaults: noRequests,
        evidence: evidence(`init container with ${key}.resources`),
      },
      {
        container,
        resourcesPath: `${key}.resources`,
        defaults: noRequests,
        evidence: evidence(`resources: ${key}.resources ({})${component.note ?? ""}`),
      },
      ...(component.logGroomer === true ? [logGroomer] : []),
    ],
  };
}

/** An Airflow pod of one container, switched by `<key>.enabled` (default true), with `<key>.resources` ({} by default). */
function airflowSwitchedPod(
  pod: string,
  lifetime: Lifetime,
  key: string,
  container: string,
  evidence: Evidence,
): TablePod {
  return {
    pod,
    lifetime,
    enabledPath: [`${key}.enabled`, true],
    containers: [{ container, resourcesPath: `${key}.resources`, defaults: noRequests, evidence }],
  };
}

/** CloudNativePG's bootstrap-controller init container, in the instance pods and the initdb Job alike. */
const bootstrapController = (evidence: Evidence): TableContainer => ({
  container: "bootstrap-controller",
  init: true,
  resourcesPath: "spec.resources",
  defaults: noRequests,
  evidence,
});

/** A container Strimzi's entity operator runs when its part of spec.entityOperator is set; resources only from the spec. */
const entityOperatorContainer = (
  part: "topicOperator" | "userOperator",
  container: string,
  says: string,
): TableContainer => ({
  container,
  resourcesPath: `spec.entityOperator.${part}.resources`,
  enabledPath: [`spec.entityOperator.${part}`, false] as const,
  defaults: noRequests,
  evidence: strimzi("cluster-operator/src/main/java/io/strimzi/operator/cluster/model/EntityOperator.java", says),
});

/** Pods of the upstream charts, by chart name. */
export const upstreamChartPods: Readonly<Record<string, readonly TablePod[]>> = {
  "cert-manager": [
    {
      pod: "controller",
      lifetime: "running",
      replicasPath: "replicaCount",
      containers: [
        {
          container: "cert-manager-controller",
          resourcesPath: "resources",
          defaults: noRequests,
          evidence: certManager("deploy/charts/cert-manager/values.yaml", "resources: {}"),
        },
      ],
    },
    {
      pod: "webhook",
      lifetime: "running",
      replicasPath: "webhook.replicaCount",
      containers: [
        {
          container: "cert-manager-webhook",
          resourcesPath: "webhook.resources",
          defaults: noRequests,
          evidence: certManager("deploy/charts/cert-manager/values.yaml", "webhook.resources: {}"),
        },
      ],
    },
    {
      pod: "cainjector",
      lifetime: "running",
      replicasPath: "cainjector.replicaCount",
      enabledPath: ["cainjector.enabled", true],
      containers: [
        {
          container: "cert-manager-cainjector",
          resourcesPath: "cainjector.resources",
          defaults: noRequests,
          evidence: certManager("deploy/charts/cert-manager/values.yaml", "cainjector.resources: {}"),
        },
      ],
    },
    {
      pod: "startupapicheck Job (post-install hook)",
      lifetime: "once",
      enabledPath: ["startupapicheck.enabled", true],
      containers: [
        {
          container: "cert-manager-startupapicheck",
          resourcesPath: "startupapicheck.resources",
          defaults: noRequests,
          evidence: certManager(
            "deploy/charts/cert-manager/templates/startupapicheck-job.yaml",
            "Job when startupapicheck.enabled (default true); resources from startupapicheck.resources ({})",
          ),
        },
      ],
    },
  ],
  "strimzi-kafka-operator": [
    {
      pod: "cluster operator",
      lifetime: "running",
      replicasPath: "replicas",
      containers: [
        {
          container: "strimzi-cluster-operator",
          resourcesPath: "resources",
          defaults: { cpu: "200m", memory: "384Mi" },
          evidence: strimzi(
            "packaging/helm-charts/helm3/strimzi-kafka-operator/values.yaml",
            "resources.requests 200m / 384Mi (same in 1.2.0)",
          ),
        },
      ],
    },
  ],
  "spark-operator": [
    {
      pod: "controller",
      lifetime: "running",
      replicasPath: "controller.replicas",
      containers: [
        {
          container: "spark-operator-controller",
          resourcesPath: "controller.resources",
          defaults: noRequests,
          evidence: sparkOperator(
            "charts/spark-operator-chart/values.yaml",
            "controller.resources: {}; sidecars: [] by default",
          ),
        },
      ],
    },
    {
      pod: "webhook",
      lifetime: "running",
      replicasPath: "webhook.replicas",
      enabledPath: ["webhook.enable", true],
      containers: [
        {
          container: "spark-operator-webhook",
          resourcesPath: "webhook.resources",
          defaults: noRequests,
          evidence: sparkOperator(
            "charts/spark-operator-chart/values.yaml",
            "webhook.enable: true, webhook.resources: {}",
          ),
        },
      ],
    },
    {
      pod: "CRD upgrade hook Job",
      lifetime: "once",
      enabledPath: ["hook.upgradeCrd", false],
      containers: [
        {
          container: "spark-operator-hook",
          defaults: { cpu: "100m", memory: "64Mi" },
          evidence: sparkOperator(
            "charts/spark-operator-chart/templates/hook/job.yaml",
            "pre-install/pre-upgrade Job when hook.upgradeCrd; requests 100m / 64Mi",
          ),
        },
      ],
    },
  ],
  "k8ssandra-operator": [
    {
      pod: "k8ssandra operator",
      lifetime: "running",
      replicasPath: "replicaCount",
      containers: [
        {
          container: "k8ssandra-operator",
          resourcesPath: "resources",
          defaults: noRequests,
          evidence: k8ssandra("charts/k8ssandra-operator/values.yaml", "resources: {}"),
        },
      ],
    },
    {
      pod: "cass-operator (subchart)",
      lifetime: "running",
      replicasPath: "cass-operator.replicaCount",
      containers: [
        {
          container: "cass-operator",
          resourcesPath: "cass-operator.resources",
          defaults: noRequests,
          evidence: {
            repository: "k8ssandra/k8ssandra",
            ref: "charts/cass-operator 0.64.1 (7b5645e2; 0.64.4 is not in the stored snapshot)",
            path: "charts/cass-operator/values.yaml",
            says: "resources: {} (BestEffort unless set); one container in templates/deployment.yaml",
          },
        },
      ],
    },
    {
      pod: "CRD upgrader Job (pre-upgrade hook, upgrades only)",
      lifetime: "once",
      disabledPath: ["disableCrdUpgraderJob", false],
      containers: [
        {
          container: "crd-upgrader",
          defaults: noRequests,
          evidence: k8ssandra(
            "charts/k8ssandra-operator/templates/crd/batch_job.yaml",
            "pre-upgrade hook unless disableCrdUpgraderJob; no resources block",
          ),
        },
      ],
    },
  ],
  "cloudnative-pg": [
    {
      pod: "operator",
      lifetime: "running",
      replicasPath: "replicaCount",
      containers: [
        {
          container: "manager",
          resourcesPath: "resources",
          defaults: noRequests,
          evidence: {
            repository: "cloudnative-pg/charts",
            ref: "cloudnative-pg-v0.29.0",
            path: "charts/cloudnative-pg/values.yaml",
            says: "resources: {} (appVersion 1.30.0)",
          },
        },
      ],
    },
  ],
  airflow: [
    airflowComponent({
      pod: "scheduler",
      key: "scheduler",
      container: "scheduler",
      template: "scheduler/scheduler-deployment.yaml",
      logGroomer: true,
    }),
    airflowComponent({
      pod: "api server",
      key: "apiServer",
      container: "api-server",
      template: "api-server/api-server-deployment.yaml",
    }),
    airflowComponent({
      pod: "dag processor",
      key: "dagProcessor",
      container: "dag-processor",
      template: "dag-processor/dag-processor-deployment.yaml",
      switchable: true,
      logGroomer: true,
      note: "; on by default with Airflow 3",
    }),
    airflowComponent({
      pod: "triggerer",
      key: "triggerer",
      container: "triggerer",
      template: "triggerer/triggerer-deployment.yaml",
      switchable: true,
      logGroomer: true,
    }),
    airflowSwitchedPod(
      "statsd",
      "running",
      "statsd",
      "statsd",
      airflowChart("templates/statsd/statsd-deployment.yaml", "Deployment when statsd.enabled (default true)"),
    ),
    airflowSwitchedPod(
      "migrate-database Job",
      "once",
      "migrateDatabaseJob",
      "run-airflow-migrations",
      airflowChart(
        "templates/jobs/migrate-database-job.yaml",
        "Job when migrateDatabaseJob.enabled; resources migrateDatabaseJob.resources ({})",
      ),
    ),
    airflowSwitchedPod(
      "create-user Job",
      "once",
      "createUserJob",
      "create-user",
      airflowChart(
        "templates/jobs/create-user-job.yaml",
        "Job when createUserJob enabled; resources createUserJob.resources ({})",
      ),
    ),
    {
      pod: "task worker (KubernetesExecutor, one per running task)",
      lifetime: "per-task",
      executors: ["KubernetesExecutor", "CeleryKubernetesExecutor", "LocalKubernetesExecutor"],
      containers: [
        {
          container: "base",
          resourcesPath: "workers.resources",
          defaults: noRequests,
          evidence: airflowChart(
            "files/pod-template-file.kubernetes-helm-yaml",
            "container base: workers.kubernetes.resources | default workers.resources",
          ),
        },
      ],
    },
  ],
};

/** Containers the operators add to the pods of our custom resources, by kind and pod (as requests.ts names them). */
export const operatorAddedContainers: Readonly<
  Record<string, readonly { readonly pod: string; readonly containers: readonly TableContainer[] }[]>
> = {
  K8ssandraCluster: [
    {
      pod: "cassandra",
      containers: [
        {
          container: "server-config-init-base",
          init: true,
          defaults: noRequests,
          evidence: cassOperator(
            "pkg/reconciliation/construct_podtemplatespec.go",
            "Cassandra ≥ 4.1 uses the client image: init container server-config-init-base, no resources",
          ),
        },
        {
          container: "server-config-init",
          init: true,
          resourcesPath: "spec.cassandra.initContainers[name=server-config-init].resources",
          defaults: { cpu: "1000m", memory: "256Mi" },
          evidence: cassOperator(
            "pkg/reconciliation/defaults.go",
            "DefaultsConfigInitContainer = buildResourceRequirements(1000, 256, 1000, 384); k8ssandra-operator pkg/cassandra/datacenter.go copies initContainers[server-config-init].resources to ConfigBuilderResources",
          ),
        },
        {
          container: "server-system-logger",
          resourcesPath: "spec.cassandra.containers[name=server-system-logger].resources",
          defaults: { cpu: "100m", memory: "64Mi" },
          evidence: cassOperator(
            "pkg/reconciliation/defaults.go",
            "DefaultsLoggerContainer = buildResourceRequirements(100, 64, 0, 128); k8ssandra-operator datacenter.go copies containers[server-system-logger].resources to SystemLoggerResources",
          ),
        },
      ],
    },
  ],
  Cluster: [
    {
      pod: "instance",
      containers: [
        bootstrapController(
          cloudnativePg("pkg/specs/containers.go", "createBootstrapContainer: Resources = cluster.Spec.Resources"),
        ),
      ],
    },
    {
      pod: "initdb Job",
      containers: [
        bootstrapController(
          cloudnativePg(
            "pkg/specs/jobs.go",
            "initdb Job: init container bootstrap-controller and container initdb, both Resources = cluster.Spec.Resources",
          ),
        ),
        {
          container: "initdb",
          resourcesPath: "spec.resources",
          defaults: noRequests,
          evidence: cloudnativePg("pkg/specs/jobs.go", "Resources: cluster.Spec.Resources"),
        },
      ],
    },
  ],
  Kafka: [
    {
      pod: "entity operator",
      containers: [
        entityOperatorContainer(
          "topicOperator",
          "topic-operator",
          "adds topic-operator when spec.entityOperator.topicOperator is set (no TLS sidecar since 0.41); resources only from the spec (EntityTopicOperator.java); same in 1.2.0",
        ),
        entityOperatorContainer(
          "userOperator",
          "user-operator",
          "adds user-operator when spec.entityOperator.userOperator is set; resources only from the spec (EntityUserOperator.java); same in 1.2.0",
        ),
      ],
    },
  ],
};

/** Why no other operator-added container is counted: what each operator adds only under options we do not use. */
export const notAddedUnderOurOptions: readonly Evidence[] = [
  strimzi(
    "cluster-operator/src/main/java/io/strimzi/operator/cluster/model/KafkaCluster.java",
    "kafka-init init container only with rack awareness or node-port listeners, and with the pool's resources (1.2.0 the same)",
  ),
  k8ssandra(
    "pkg/nodeconfig/mount.go",
    "per-node-config init container (10m/16Mi) only when initial tokens are computed, i.e. num_tokens < 16; Cassandra 4+ gets num_tokens 16 (pkg/cassandra/config.go)",
  ),
  {
    repository: "k8ssandra/management-api-for-apache-cassandra",
    ref: "stored revision",
    path: "docker-entrypoint.sh",
    says: "the cassandra container also runs the Management API server JVM with MGMT_API_HEAP_SIZE (default 128m): counted inside the cassandra container's request",
  },
];

/** Task pods our DAGs start (KubernetesPodOperator), by DAG file; requests are in the DAG itself. */
export const dagTaskPods: readonly {
  readonly dagFile: string;
  readonly pod: string;
  readonly requests: Requests;
  readonly evidence: Evidence;
}[] = [
  {
    dagFile: "produce_users.py",
    pod: "produce_users task pod (KubernetesPodOperator)",
    requests: { cpu: "50m", memory: "128Mi" },
    evidence: {
      repository: thisRepository,
      ref: "working tree",
      path: "apps/dags/produce_users.py",
      says: 'container_resources requests {"cpu": "50m", "memory": "128Mi"}',
    },
  },
];

/** A pod of kind's own, on the one node. */
interface SystemPod {
  readonly pod: string;
  readonly pods: number;
  readonly requests: Requests;
  readonly evidence: Evidence;
}

const systemPod = (pod: string, requests: Requests, evidence: Evidence, pods = 1): SystemPod => ({
  pod,
  pods,
  requests,
  evidence,
});

/** kubeadm's static control-plane pods ask for CPU only (ComponentResources). */
const controlPlanePod = (pod: string, cpu: string): SystemPod =>
  systemPod(
    pod,
    { cpu, memory: "0Mi" },
    kubeadm("cmd/kubeadm/app/phases/controlplane/manifests.go", `ComponentResources("${cpu}")`),
  );

/** kind's own pods on the one node (kubeadm's control plane and add-ons, kind's CNI and storage provisioner). */
export const kindSystemPods: readonly SystemPod[] = [
  controlPlanePod("kube-apiserver", "250m"),
  controlPlanePod("kube-controller-manager", "200m"),
  controlPlanePod("kube-scheduler", "100m"),
  systemPod(
    "etcd",
    { cpu: "100m", memory: "100Mi" },
    kubeadm("cmd/kubeadm/app/phases/etcd/local.go", "requests cpu 100m, memory 100Mi"),
  ),
  systemPod(
    "coredns",
    { cpu: "100m", memory: "70Mi" },
    kubeadm("cmd/kubeadm/app/phases/addons/dns/manifests.go", "requests cpu 100m, memory 70Mi; 2 replicas"),
    2,
  ),
  systemPod(
    "kube-proxy",
    noRequests,
    kubeadm("cmd/kubeadm/app/phases/addons/proxy/manifests.go", "DaemonSet without resources"),
  ),
  systemPod(
    "kindnet",
    { cpu: "100m", memory: "50Mi" },
    kind("pkg/build/nodeimage/const_cni.go", "requests cpu 100m, memory 50Mi"),
  ),
  systemPod(
    "local-path-provisioner",
    noRequests,
    kind("pkg/build/nodeimage/const_storage.go", "Deployment without resources"),
  ),
];
