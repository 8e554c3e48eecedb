import { parse } from "yaml";
import { mebibytes, millicores } from "../../config/quantities";

/** What one workload of a synthesized stack asks the scheduler for. */
export interface RequestRow {
  readonly release: string;
  readonly workload: string;
  readonly pods: number;
  /** Per pod. */
  readonly cpuMillicores: number;
  readonly memoryMi: number;
}

type Json = Record<string, unknown>;
const asJson = (value: unknown): Json => (value && typeof value === "object" ? (value as Json) : {});

function requestsOf(resources: unknown): { cpuMillicores: number; memoryMi: number } {
  const requests = asJson(asJson(resources).requests);
  return {
    cpuMillicores: requests.cpu === undefined ? 0 : millicores(String(requests.cpu)),
    memoryMi: requests.memory === undefined ? 0 : mebibytes(String(requests.memory)),
  };
}

function row(release: string, workload: string, pods: number, resources: unknown): RequestRow {
  return { release, workload, pods, ...requestsOf(resources) };
}

/** Requests of the custom resources and built-in objects a manifests release carries. */
function manifestRows(release: string, objects: Json[]): RequestRow[] {
  const rows: RequestRow[] = [];
  for (const object of objects) {
    const spec = asJson(object.spec);
    const name = `${String(object.kind)}/${String(asJson(object.metadata).name)}`;
    switch (object.kind) {
      case "Kafka": {
        const kafka = asJson(spec.kafka);
        if (kafka.replicas !== undefined) rows.push(row(release, `${name} brokers`, Number(kafka.replicas), kafka.resources));
        const zookeeper = asJson(spec.zookeeper);
        if (zookeeper.replicas !== undefined) rows.push(row(release, `${name} zookeeper`, Number(zookeeper.replicas), zookeeper.resources));
        const entity = asJson(spec.entityOperator);
        const topic = requestsOf(asJson(entity.topicOperator).resources);
        const user = requestsOf(asJson(entity.userOperator).resources);
        rows.push({ release, workload: `${name} entity operator`, pods: 1, cpuMillicores: topic.cpuMillicores + user.cpuMillicores, memoryMi: topic.memoryMi + user.memoryMi });
        break;
      }
      case "KafkaNodePool":
        rows.push(row(release, name, Number(spec.replicas), spec.resources));
        break;
      case "K8ssandraCluster": {
        const cassandra = asJson(spec.cassandra);
        const nodes = (cassandra.datacenters as Json[]).reduce((sum, dc) => sum + Number(dc.size), 0);
        rows.push(row(release, name, nodes, cassandra.resources));
        break;
      }
      case "Cluster":
        rows.push(row(release, name, Number(spec.instances), spec.resources));
        break;
      case "SparkApplication": {
        // Spark sizes pods as memory + memoryOverhead and requests coreRequest CPUs.
        const sparkPod = (role: Json) => ({
          cpuMillicores: millicores(String(role.coreRequest ?? role.cores)),
          memoryMi: mebibytes(String(role.memory).replace(/m$/, "Mi")) + mebibytes(String(role.memoryOverhead ?? "0m").replace(/m$/, "Mi")),
        });
        rows.push({ release, workload: `${name} driver`, pods: 1, ...sparkPod(asJson(spec.driver)) });
        const executor = asJson(spec.executor);
        rows.push({ release, workload: `${name} executors`, pods: Number(executor.instances), ...sparkPod(executor) });
        break;
      }
      case "Job": {
        const containers = asJson(asJson(asJson(spec.template).spec)).containers as Json[];
        for (const container of containers) rows.push(row(release, `${name} (runs once)`, 1, container.resources));
        break;
      }
    }
  }
  return rows;
}

/** Paths of `resources` blocks in the upstream charts' values we set, with how many pods each sizes. */
const upstreamWorkloads: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  "cert-manager": [["controller", "resources"], ["webhook", "webhook.resources"], ["cainjector", "cainjector.resources"]],
  "strimzi-kafka-operator": [["operator", "resources"]],
  "spark-operator": [["controller", "controller.resources"], ["webhook", "webhook.resources"]],
  "k8ssandra-operator": [["operator", "resources"]],
  "cloudnative-pg": [["operator", "resources"]],
  airflow: [["scheduler", "scheduler.resources"], ["api server", "apiServer.resources"], ["dag processor", "dagProcessor.resources"], ["triggerer", "triggerer.resources"]],
};

function at(values: Json, path: string): unknown {
  return path.split(".").reduce<unknown>((current, key) => asJson(current)[key], values);
}

/** Every workload's requests in one synthesized stack (cdk.tf.json). */
export function requestRows(stackJson: Json): RequestRow[] {
  const releases = asJson(asJson(stackJson.resource).helm_release);
  const rows: RequestRow[] = [];
  for (const raw of Object.values(releases).map(asJson)) {
    const name = String(raw.name);
    const values = asJson(parse(String((raw.values as string[])[0] ?? "{}")));
    if (raw.repository !== undefined) {
      for (const [workload, path] of upstreamWorkloads[String(raw.chart)] ?? []) rows.push(row(name, workload, 1, at(values, path)));
      continue;
    }
    if (Array.isArray(values.resources)) {
      rows.push(...manifestRows(name, values.resources as Json[]));
      continue;
    }
    const resources = asJson(values.resources);
    const perPod = { cpuMillicores: millicores(String(resources.cpu)), memoryMi: mebibytes(String(resources.memory)) };
    const pods = values.replicas === undefined ? 1 : Number(values.replicas);
    rows.push({ release: name, workload: "deployment", pods, ...perPod });
  }
  return rows;
}

export function totals(rows: readonly RequestRow[]): { cpuMillicores: number; memoryMi: number; pods: number } {
  return rows.reduce(
    (sum, r) => ({ cpuMillicores: sum.cpuMillicores + r.pods * r.cpuMillicores, memoryMi: sum.memoryMi + r.pods * r.memoryMi, pods: sum.pods + r.pods }),
    { cpuMillicores: 0, memoryMi: 0, pods: 0 },
  );
}
