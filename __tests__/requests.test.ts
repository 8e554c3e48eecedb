import { requestRows, totals } from "../scripts/lib/requests";
import { synthesize } from "./support/synth";

describe("resource requests read from the synthesized stack", () => {
  it("keep the whole kind stack within a 16 GiB, 4-core laptop's share for Docker (14 GiB, 4 CPUs)", () => {
    const sum = totals(requestRows(synthesize("kind").json));
    expect(sum.cpuMillicores).toBeLessThanOrEqual(4000);
    expect(sum.memoryMi).toBeLessThanOrEqual(14 * 1024);
  });

  it("count every workload the stack sizes, with the profile's numbers", () => {
    const rows = requestRows(synthesize("cloud").json);
    expect(rows.find((r) => r.workload === "Kafka/streamstack brokers")).toEqual({
      release: "kafka-resources",
      workload: "Kafka/streamstack brokers",
      pods: 3,
      cpuMillicores: 1000,
      memoryMi: 4096,
    });
    expect(rows.find((r) => r.workload === "K8ssandraCluster/streamstack")).toMatchObject({ pods: 3, cpuMillicores: 2000, memoryMi: 8192 });
    expect(rows.find((r) => r.workload === "SparkApplication/users-streaming executors")).toMatchObject({ pods: 3, memoryMi: 4096 });
    // Every release contributes at least one row: nothing is silently left out of the totals.
    const releases = new Set(rows.map((r) => r.release));
    for (const release of synthesize("cloud").releases) {
      if (release.name === "certificate-authority" || release.name === "airflow-dags") continue;
      expect(releases).toContain(release.name);
    }
  });
});
