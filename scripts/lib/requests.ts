import { mebibytes, millicores } from "../../config/quantities";
import { text as asText } from "../../validation/text";
import { assetHash, localChartsByAssetHash } from "./local-charts";
import { helmReleases, mergedValues, type JsonObject } from "./synthesized-stack";
import {
  dagTaskPods,
  kindSystemPods,
  noRequests,
  operatorAddedContainers,
  upstreamChartPods,
  type Lifetime,
  type Requests,
  type TableContainer,
  type TablePod,
} from "./workload-table";

/** One container of a pod and what it asks the scheduler for. */
export interface ContainerRequest {
  readonly container: string;
  readonly init: boolean;
  readonly cpuMillicores: number;
  readonly memoryMi: number;
  /** `values`: set by the stack; `default`: the chart's or operator's default (see workload-table.ts). */
  readonly source: "values" | "default";
}

/** What one workload of a synthesized stack asks the scheduler for. */
export interface RequestRow {
  readonly release: string;
  readonly workload: string;
  readonly pods: number;
  readonly lifetime: Lifetime;
  /** Per pod, as the scheduler reserves it: the larger of the biggest init container and the sum of the others. */
  readonly cpuMillicores: number;
  readonly memoryMi: number;
  readonly containers: readonly ContainerRequest[];
}

type Json = Record<string, unknown>;
const asJson = (value: unknown): Json =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};

/** Raised when the stack deploys something this module cannot size: every workload must be counted. */
export class UncountedWorkloadError extends Error {}

/** Kinds our manifests releases may carry that run no pod. */
export const kindsWithoutPods: ReadonlySet<string> = new Set([
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "ClusterRole",
  "ClusterRoleBinding",
  "Service",
  "PersistentVolumeClaim",
  "NetworkPolicy",
  "PodDisruptionBudget",
  "KafkaTopic",
  "KafkaUser",
  "Certificate",
  "Issuer",
  "ClusterIssuer",
]);

/** Reads a dotted path; a `[name=x]` segment picks the list item named x. */
export function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of path.split(".")) {
    const selector = /^(.+)\[name=(.+)\]$/.exec(segment);
    if (selector) {
      const list = asJson(current)[selector[1]];
      current = Array.isArray(list) ? list.find((item) => asJson(item).name === selector[2]) : undefined;
    } else {
      current = asJson(current)[segment];
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** Requests of a Kubernetes `resources` block, or of our charts' `{cpu, memory}` shorthand; undefined when it sets none. */
function requestsIn(resources: unknown): Requests | undefined {
  const block = asJson(resources);
  const requests = block.requests !== undefined ? asJson(block.requests) : block;
  if (requests.cpu === undefined && requests.memory === undefined) return undefined;
  return { cpu: asText(requests.cpu, "0"), memory: asText(requests.memory, "0Mi") };
}

function container(
  name: string,
  init: boolean,
  requests: Requests,
  source: ContainerRequest["source"],
): ContainerRequest {
  return {
    container: name,
    init,
    cpuMillicores: millicores(requests.cpu),
    memoryMi: mebibytes(requests.memory),
    source,
  };
}

function fromTable(entry: TableContainer, root: unknown): ContainerRequest | undefined {
  if (entry.enabledPath && !switchedOn(root, entry.enabledPath)) return undefined;
  const set = entry.resourcesPath === undefined ? undefined : requestsIn(valueAt(root, entry.resourcesPath));
  return container(entry.container, entry.init === true, set ?? entry.defaults, set ? "values" : "default");
}

function switchedOn(root: unknown, [path, chartDefault]: readonly [string, boolean]): boolean {
  const value = valueAt(root, path);
  if (value === undefined || value === null) return chartDefault;
  return typeof value === "boolean" ? value : true;
}

/** The scheduler's view of a pod: init containers run one at a time, before the others run together. */
function row(
  release: string,
  workload: string,
  pods: number,
  lifetime: Lifetime,
  containers: readonly ContainerRequest[],
): RequestRow {
  const sum = (key: "cpuMillicores" | "memoryMi") =>
    containers.filter((c) => !c.init).reduce((total, c) => total + c[key], 0);
  const maxInit = (key: "cpuMillicores" | "memoryMi") =>
    Math.max(0, ...containers.filter((c) => c.init).map((c) => c[key]));
  return {
    release,
    workload,
    pods,
    lifetime,
    cpuMillicores: Math.max(sum("cpuMillicores"), maxInit("cpuMillicores")),
    memoryMi: Math.max(sum("memoryMi"), maxInit("memoryMi")),
    containers,
  };
}

/** Containers the operator adds to a pod of a custom resource (workload-table.ts). */
function added(kind: string, pod: string, object: Json): ContainerRequest[] {
  const entry = (operatorAddedContainers[kind] ?? []).find((candidate) => candidate.pod === pod);
  return (entry?.containers ?? [])
    .map((c) => fromTable(c, object))
    .filter((c): c is ContainerRequest => c !== undefined);
}

function mainContainer(name: string, resources: unknown): ContainerRequest {
  const set = requestsIn(resources);
  return container(name, false, set ?? noRequests, "values");
}

/** Containers and init containers of a built-in pod template. */
function templateContainers(podSpec: Json): ContainerRequest[] {
  const list = (key: string, init: boolean) =>
    ((podSpec[key] as Json[] | undefined) ?? [])
      .map((c) => mainContainer(String(c.name), c.resources))
      .map((c) => ({ ...c, init }));
  return [...list("initContainers", true), ...list("containers", false)];
}

/** Spark sizes its pods as memory + memoryOverhead and requests coreRequest CPUs. */
function sparkPod(role: Json, name: string): ContainerRequest {
  const mi = (value: unknown) => mebibytes(asText(value, "0m").replace(/m$/, "Mi"));
  return {
    container: name,
    init: false,
    cpuMillicores: millicores(String(role.coreRequest ?? role.cores)),
    memoryMi: mi(role.memory) + mi(role.memoryOverhead),
    source: "values",
  };
}

/** Parts of a custom resource that make its operator run more pods than rows here count. */
function refuseUncounted(release: string, name: string, spec: Json, sections: readonly string[]): void {
  const present = sections.filter((section) => spec[section] !== undefined);
  if (present.length > 0) {
    throw new UncountedWorkloadError(
      `release ${release}: ${name} sets ${present.join(", ")}, whose pods scripts/lib/requests.ts does not count yet: add rows (scripts/lib/workload-table.ts) and their sizing`,
    );
  }
}

/** Requests of the custom resources and built-in objects a manifests release carries. */
function manifestRows(release: string, objects: readonly Json[]): RequestRow[] {
  const rows: RequestRow[] = [];
  for (const object of objects) {
    const spec = asJson(object.spec);
    const kind = String(object.kind);
    const name = `${kind}/${String(asJson(object.metadata).name)}`;
    switch (kind) {
      case "Kafka": {
        refuseUncounted(release, name, spec, ["kafkaExporter", "cruiseControl"]);
        const kafka = asJson(spec.kafka);
        if (kafka.replicas !== undefined)
          rows.push(
            row(release, `${name} brokers`, Number(kafka.replicas), "running", [
              mainContainer("kafka", kafka.resources),
            ]),
          );
        const zookeeper = asJson(spec.zookeeper);
        if (zookeeper.replicas !== undefined)
          rows.push(
            row(release, `${name} zookeeper`, Number(zookeeper.replicas), "running", [
              mainContainer("zookeeper", zookeeper.resources),
            ]),
          );
        const entity = added(kind, "entity operator", object);
        if (entity.length > 0) rows.push(row(release, `${name} entity operator`, 1, "running", entity));
        break;
      }
      case "KafkaNodePool":
        rows.push(row(release, name, Number(spec.replicas), "running", [mainContainer("kafka", spec.resources)]));
        break;
      case "K8ssandraCluster": {
        refuseUncounted(release, name, spec, ["stargate", "reaper", "medusa"]);
        const cassandra = asJson(spec.cassandra);
        const nodes = ((cassandra.datacenters as Json[] | undefined) ?? []).reduce(
          (sum, dc) => sum + Number(dc.size),
          0,
        );
        rows.push(
          row(release, name, nodes, "running", [
            mainContainer("cassandra", cassandra.resources),
            ...added(kind, "cassandra", object),
          ]),
        );
        break;
      }
      case "Cluster": {
        rows.push(
          row(release, `${name} instances`, Number(spec.instances), "running", [
            mainContainer("postgres", spec.resources),
            ...added(kind, "instance", object),
          ]),
        );
        if (asJson(spec.bootstrap).initdb !== undefined)
          rows.push(row(release, `${name} initdb Job`, 1, "once", added(kind, "initdb Job", object)));
        break;
      }
      case "SparkApplication": {
        rows.push(
          row(release, `${name} driver`, 1, "running", [sparkPod(asJson(spec.driver), "spark-kubernetes-driver")]),
        );
        const executor = asJson(spec.executor);
        rows.push(
          row(release, `${name} executors`, Number(executor.instances), "running", [
            sparkPod(executor, "spark-kubernetes-executor"),
          ]),
        );
        break;
      }
      case "Job":
        rows.push(row(release, name, 1, "once", templateContainers(asJson(asJson(spec.template).spec))));
        break;
      case "CronJob":
        rows.push(
          row(
            release,
            name,
            1,
            "once",
            templateContainers(asJson(asJson(asJson(asJson(spec.jobTemplate).spec).template).spec)),
          ),
        );
        break;
      case "Deployment":
      case "StatefulSet":
        rows.push(
          row(
            release,
            name,
            spec.replicas === undefined ? 1 : Number(spec.replicas),
            "running",
            templateContainers(asJson(asJson(spec.template).spec)),
          ),
        );
        break;
      case "DaemonSet":
        rows.push(row(release, name, 1, "running", templateContainers(asJson(asJson(spec.template).spec))));
        break;
      case "Pod":
        rows.push(row(release, name, 1, "running", templateContainers(spec)));
        break;
      case "ConfigMap":
        rows.push(...dagTaskRows(release, object));
        break;
      default:
        if (!kindsWithoutPods.has(kind)) {
          throw new UncountedWorkloadError(
            `release ${release} deploys ${name}, a kind scripts/lib/requests.ts cannot size: add how its pods are counted (and any containers its operator adds to scripts/lib/workload-table.ts), or list it in kindsWithoutPods if it runs none`,
          );
        }
    }
  }
  return rows;
}

/** Task pods of the DAGs a DAG ConfigMap ships. */
function dagTaskRows(release: string, configMap: Json): RequestRow[] {
  const files = Object.keys(asJson(configMap.data));
  return dagTaskPods
    .filter((task) => files.includes(task.dagFile))
    .map((task) => row(release, task.pod, 1, "per-task", [container("base", false, task.requests, "values")]));
}

function upstreamRows(release: string, chart: string, values: Json): RequestRow[] {
  const pods: readonly TablePod[] | undefined = upstreamChartPods[chart];
  if (pods === undefined) {
    throw new UncountedWorkloadError(
      `release ${release} installs chart ${chart}, which has no rows in scripts/lib/workload-table.ts (upstreamChartPods): add its pods and containers with the upstream source`,
    );
  }
  const executor = asText(values.executor);
  return pods
    .filter((pod) => (pod.enabledPath ? switchedOn(values, pod.enabledPath) : true))
    .filter((pod) => (pod.disabledPath ? !switchedOn(values, pod.disabledPath) : true))
    .filter((pod) => pod.executors === undefined || pod.executors.includes(executor))
    .map((pod) => {
      const replicas = pod.replicasPath === undefined ? undefined : valueAt(values, pod.replicasPath);
      const containers = pod.containers
        .map((c) => fromTable(c, values))
        .filter((c): c is ContainerRequest => c !== undefined);
      return row(release, pod.pod, replicas === undefined ? 1 : Number(replicas), pod.lifetime, containers);
    });
}

/** Which charts/<name> a local release ships (see local-charts.ts); undefined for a chart none of ours is. */
export function localChartName(chartPath: string, chartsDirectory?: string): string | undefined {
  const hash = assetHash(chartPath);
  return hash === undefined ? undefined : localChartsByAssetHash(chartsDirectory).get(hash);
}

/** Our charts that render one Deployment with one container sized by `resources: {cpu, memory}` and `replicas` (a test reads their templates). */
export const singleDeploymentCharts: ReadonlySet<string> = new Set(["node-app", "schema-registry", "control-center"]);

function localChartRow(release: string, values: Json): RequestRow {
  const requests = requestsIn(values.resources);
  if (requests === undefined) {
    throw new UncountedWorkloadError(
      `release ${release} uses a local chart without resources values: add how its pods are counted to scripts/lib/requests.ts`,
    );
  }
  const pods = values.replicas === undefined ? 1 : Number(values.replicas);
  return row(release, "deployment", pods, "running", [container("app", false, requests, "values")]);
}

const workloadResourceTypes =
  /^kubernetes_(deployment|stateful_set|daemon_set|daemonset|job|cron_job|pod|replication_controller)(_v\d+)?$/;

/**
 * Every workload's requests in one synthesized stack (cdk.tf.json). Throws UncountedWorkloadError for anything it
 * cannot size. chartsDirectory: the charts folder of the checkout that synthesized it (default: this one's).
 */
export function requestRows(stackJson: Json, chartsDirectory?: string): RequestRow[] {
  const resources = asJson(stackJson.resource);
  const unsized = Object.keys(resources).filter((type) => workloadResourceTypes.test(type));
  if (unsized.length > 0)
    throw new UncountedWorkloadError(
      `the stack creates ${unsized.join(", ")} outside Helm: count them in scripts/lib/requests.ts`,
    );
  const rows: RequestRow[] = [];
  for (const release of helmReleases(stackJson as JsonObject)) {
    const name = release.name;
    // A Terraform expression (`${yamlencode(...)}`) is not YAML we can read here: mergedValues leaves it out.
    const values = mergedValues(release);
    const fromExpressions = release.values.filter((text) => text.startsWith("${")).join("\n");
    if (release.repository !== undefined) {
      rows.push(...upstreamRows(name, release.chart, values));
      continue;
    }
    const chart = localChartName(release.chart, chartsDirectory);
    if (chart === "manifests") {
      if (/"(resources|generatedSecrets)"\s*=/.test(fromExpressions)) {
        throw new UncountedWorkloadError(
          `release ${name} takes its objects from a Terraform expression, which cannot be sized before apply: count them in scripts/lib/requests.ts`,
        );
      }
      rows.push(...manifestRows(name, (values.resources as Json[] | undefined) ?? []));
    } else if (chart !== undefined && singleDeploymentCharts.has(chart)) {
      rows.push(localChartRow(name, values));
    } else {
      throw new UncountedWorkloadError(
        `release ${name} uses local chart ${chart ?? release.chart}, which scripts/lib/requests.ts does not know: add how its pods are counted`,
      );
    }
  }
  return rows;
}

/** kind's own pods (control plane, CoreDNS, CNI, storage provisioner). */
export function kindSystemRows(): RequestRow[] {
  return kindSystemPods.map((pod) =>
    row("kind (kube-system)", pod.pod, pod.pods, "running", [container(pod.pod, false, pod.requests, "default")]),
  );
}

export interface Totals {
  readonly cpuMillicores: number;
  readonly memoryMi: number;
  readonly pods: number;
}

export function totals(rows: readonly RequestRow[]): Totals {
  return rows.reduce(
    (sum, r) => ({
      cpuMillicores: sum.cpuMillicores + r.pods * r.cpuMillicores,
      memoryMi: sum.memoryMi + r.pods * r.memoryMi,
      pods: sum.pods + r.pods,
    }),
    { cpuMillicores: 0, memoryMi: 0, pods: 0 },
  );
}
