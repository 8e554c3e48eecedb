import { loadConfig } from "../config/load";
import { mebibytes } from "../config/quantities";
import { versions } from "../config/versions";
import { engineVersions } from "../e2e/lib/versions";
import { managementApiMi, readMeasuredRss, requiredMemoryMi, type MeasuredProcess } from "../scripts/lib/measured-rss";

/**
 * The kind profile's memory requests are set from config/measured-rss.json (`npm run measure:rss -- --write`) plus
 * the headroom rule in scripts/lib/measured-rss.ts; lowering a request below it, or measuring other versions than
 * the stack runs, fails here.
 */
const measured = readMeasuredRss();
const kind = loadConfig({ profile: "kind", overrides: {} });

function process_(name: string): MeasuredProcess {
  const found = measured.processes[name];
  if (found === undefined)
    throw new Error(`config/measured-rss.json has no figures for ${name}: run npm run measure:rss -- --write`);
  return found;
}

describe("kind requests cover the measured memory plus headroom", () => {
  it("were measured on the versions the stack and the e2e run", () => {
    expect(measured.versions.kafka).toBe(engineVersions.kafka);
    expect(measured.versions.cassandra).toBe(engineVersions.cassandra);
    expect(measured.versions.airflow).toBe(versions.airflow);
    expect(Object.keys(measured.processes).sort()).toEqual(
      [
        "airflow-api-server",
        "airflow-dag-processor",
        "airflow-scheduler",
        "airflow-triggerer",
        "cassandra",
        "dashboard",
        "kafka",
        "producer",
        "spark-job-local",
        "zookeeper",
      ].sort(),
    );
  });

  it("Kafka brokers and ZooKeeper, whose heap Strimzi sets to 50 % and 75 % of the request", () => {
    const broker = mebibytes(kind.kafka.brokerResources.memory);
    expect(broker).toBeGreaterThanOrEqual(requiredMemoryMi(process_("kafka"), broker * 0.5));
    const zookeeper = mebibytes(kind.kafka.controllerResources.memory);
    expect(zookeeper).toBeGreaterThanOrEqual(requiredMemoryMi(process_("zookeeper"), zookeeper * 0.75));
  });

  it("Cassandra with its configured heap and the Management API JVM beside it", () => {
    expect(mebibytes(kind.cassandra.resources.memory)).toBeGreaterThanOrEqual(
      requiredMemoryMi(process_("cassandra"), mebibytes(kind.cassandra.heapSize), managementApiMi),
    );
  });

  it("the Spark driver and executor pods together cover the local-mode job, which runs both roles in one JVM", () => {
    const job = requiredMemoryMi(process_("spark-job-local"));
    const pods =
      mebibytes(kind.spark.driverResources.memory) +
      kind.spark.executors * mebibytes(kind.spark.executorResources.memory);
    expect(pods).toBeGreaterThanOrEqual(job);
    // Each pod alone must at least hold what the combined process held at its peak.
    expect(mebibytes(kind.spark.driverResources.memory)).toBeGreaterThanOrEqual(process_("spark-job-local").loadRssMi);
    expect(mebibytes(kind.spark.executorResources.memory)).toBeGreaterThanOrEqual(
      process_("spark-job-local").loadRssMi,
    );
  });

  it("the producer, the dashboard and every Airflow component", () => {
    expect(mebibytes(kind.apps.producer.resources.memory)).toBeGreaterThanOrEqual(
      requiredMemoryMi(process_("producer")),
    );
    expect(mebibytes(kind.apps.dashboard.resources.memory)).toBeGreaterThanOrEqual(
      requiredMemoryMi(process_("dashboard")),
    );
    for (const component of ["airflow-scheduler", "airflow-api-server", "airflow-dag-processor", "airflow-triggerer"]) {
      expect({
        component,
        request: mebibytes(kind.airflow.resources.memory) >= requiredMemoryMi(process_(component)),
      }).toEqual({ component, request: true });
    }
  });
});
