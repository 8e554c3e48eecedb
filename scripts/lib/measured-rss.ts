import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Where `npm run measure:rss -- --write` records its figures; the kind profile's requests are set from them. */
export const measuredRssFile = join(__dirname, "..", "..", "config", "measured-rss.json");

export interface MeasuredProcess {
  /** Peak RSS after start, before any load, in MiB. */
  readonly idleRssMi: number;
  /** Peak RSS during the load window, in MiB. */
  readonly loadRssMi: number;
  /** Heap setting the process ran with (JVMs). */
  readonly heap?: string;
  readonly heapCommittedMi?: number;
  /** Committed memory outside the Java heap, in MiB. */
  readonly nonHeapCommittedMi?: number;
  readonly idleLoadAverage: string;
  readonly load: string;
  readonly loadLoadAverage: string;
}

export interface MeasuredRss {
  readonly measuredAt: string;
  readonly machine: {
    readonly cpus: number;
    readonly memoryGiB: number;
    readonly loadAverageAtStart: number;
    readonly note: string;
  };
  readonly versions: Readonly<Record<string, string>>;
  readonly method: string;
  readonly processes: Readonly<Record<string, MeasuredProcess>>;
}

export function readMeasuredRss(): MeasuredRss {
  return JSON.parse(readFileSync(measuredRssFile, "utf8")) as MeasuredRss;
}

/** Which synthesized workload each measured process stands for (release name, workload label as requests.ts prints it). */
const measuredWorkloads: readonly { readonly process: string; readonly release?: string; readonly workload: RegExp }[] =
  [
    { process: "kafka", workload: /^(Kafka\/.* brokers|KafkaNodePool\/.*)$/ },
    { process: "zookeeper", workload: /^Kafka\/.* zookeeper$/ },
    { process: "cassandra", workload: /^K8ssandraCluster\// },
    { process: "spark-job-local", workload: /^SparkApplication\/.* (driver|executors)$/ },
    { process: "producer", release: "producer", workload: /^deployment$/ },
    { process: "producer", workload: /^produce_users task pod/ },
    { process: "dashboard", release: "dashboard", workload: /^deployment$/ },
    { process: "airflow-scheduler", release: "airflow", workload: /^scheduler$/ },
    { process: "airflow-api-server", release: "airflow", workload: /^api server$/ },
    { process: "airflow-dag-processor", release: "airflow", workload: /^dag processor$/ },
    { process: "airflow-triggerer", release: "airflow", workload: /^triggerer$/ },
  ];

/** "load 812Mi, idle 700Mi" for a workload that has a measured process, else undefined. */
export function measuredRssFor(release: string, workload: string): string | undefined {
  const match = measuredWorkloads.find(
    (entry) => (entry.release === undefined || entry.release === release) && entry.workload.test(workload),
  );
  if (match === undefined) return undefined;
  let measured: MeasuredProcess | undefined;
  try {
    measured = readMeasuredRss().processes[match.process];
  } catch {
    return undefined;
  }
  if (measured === undefined) return undefined;
  const local = match.process === "spark-job-local" ? " (driver+executor in one local-mode JVM)" : "";
  return `load ${measured.loadRssMi}Mi, idle ${measured.idleRssMi}Mi${local}`;
}

/** Headroom on measured memory: requests are 25 % above the peak seen, rounded up to 64Mi. */
export const headroom = 1.25;
const roundUp64 = (mebibytes: number): number => Math.ceil(mebibytes / 64) * 64;

/**
 * The Management API server the k8ssandra image runs beside Cassandra in the same container: a JVM with
 * MGMT_API_HEAP_SIZE (default 128m, k8ssandra/management-api-for-apache-cassandra docker-entrypoint.sh) and, estimated
 * as for the other small JVMs measured here, about 64Mi outside its heap. Not measurable without the image.
 */
export const managementApiMi = 128 + headroom * 64;

/**
 * Memory a measured process needs: headroom × its peak; for a JVM whose heap is capped (-Xmx, set by our config or by
 * Strimzi as a fraction of the request), the cap itself (the heap may fill up to it) plus headroom × what lives
 * outside the heap (native memory tracking, or the resident memory beyond the committed heap if larger).
 */
export function requiredMemoryMi(measured: MeasuredProcess, heapMaxMi?: number, extraMi = 0): number {
  const peak = Math.max(measured.idleRssMi, measured.loadRssMi);
  if (heapMaxMi === undefined) return roundUp64(headroom * peak + extraMi);
  const outsideHeap = Math.max(measured.nonHeapCommittedMi ?? 0, peak - (measured.heapCommittedMi ?? 0));
  return roundUp64(heapMaxMi + headroom * outsideHeap + extraMi);
}
