import { readFileSync } from "node:fs";
import { Testing } from "cdktf";
import { loadConfig } from "../config/load";
import { StreamstackStack } from "../stacks/streamstack-stack";
import { dockerVm, evictionThresholdMi, kindFootprint, schedulableIn } from "./lib/kind-fit";
import { measuredRssFor } from "./lib/measured-rss";
import { requestRows, totals, type RequestRow, type Totals } from "./lib/requests";
import { synthesizeMatrix } from "./synth-matrix";

/**
 * Prints CPU and memory requests per workload and container, and in total, read from synthesized stacks; for the
 * kind profile with kind's own system pods and the Docker VM it must fit, with the measured RSS beside each request.
 * Usage: tsx scripts/resource-requests.ts [path/to/cdk.tf.json ...]   (no paths: every profile and Kafka mode)
 */
const gib = (mi: number) => `${(mi / 1024).toFixed(2)} GiB`;

function printRows(rows: readonly RequestRow[]): void {
  console.log(
    `  ${"release".padEnd(20)} ${"workload".padEnd(52)} ${"pods".padStart(4)}   cpu/pod  mem/pod  lifetime  measured RSS`,
  );
  for (const r of rows) {
    const measured = measuredRssFor(r.release, r.workload);
    console.log(
      `  ${r.release.padEnd(20)} ${r.workload.padEnd(52)} ${String(r.pods).padStart(4)} × ${`${r.cpuMillicores}m`.padStart(6)} ${`${r.memoryMi}Mi`.padStart(8)}  ${r.lifetime.padEnd(8)}  ${measured ?? ""}`,
    );
    if (r.containers.length > 1 || r.containers.some((c) => c.init || c.source === "default")) {
      for (const c of r.containers) {
        const flags = [
          c.init ? "init" : "",
          c.source === "default" ? "upstream default" : "",
          c.cpuMillicores === 0 && c.memoryMi === 0 ? "no requests (BestEffort)" : "",
        ]
          .filter(Boolean)
          .join(", ");
        console.log(
          `  ${"".padEnd(20)}   └ ${c.container.padEnd(48)}      ${`${c.cpuMillicores}m`.padStart(6)} ${`${c.memoryMi}Mi`.padStart(8)}  ${flags}`,
        );
      }
    }
  }
}

function line(label: string, sum: Totals): string {
  return `  ${label}: ${sum.pods} pods, ${(sum.cpuMillicores / 1000).toFixed(2)} CPU, ${gib(sum.memoryMi)}`;
}

function printKind(title: string, stackJson: Record<string, unknown>, vmMemoryMi: number): void {
  const footprint = kindFootprint(stackJson);
  console.log(`\n${title}`);
  printRows(footprint.rows);
  console.log(line("steady (running pods with kind's own, plus DAG task pods)", footprint.steady));
  console.log(line("everything at once (Jobs and hooks too)", footprint.everything));
  const room = schedulableIn(vmMemoryMi);
  const fits = footprint.steady.cpuMillicores <= room.cpuMillicores && footprint.steady.memoryMi <= room.memoryMi;
  const fitsAll = footprint.everything.memoryMi <= vmMemoryMi - evictionThresholdMi;
  console.log(
    `  Docker VM ${dockerVm.cpuMillicores / 1000} CPU / ${gib(vmMemoryMi)}: steady requests may take ${(room.cpuMillicores / 1000).toFixed(2)} CPU / ${gib(room.memoryMi)} (the rest is the VM's and the node's own) → ${fits ? "fits" : "DOES NOT FIT"}; everything at once ${fitsAll ? "fits" : "DOES NOT FIT"} under ${gib(vmMemoryMi - evictionThresholdMi)}`,
  );
}

function synthesizeKind(overrides: unknown): Record<string, unknown> {
  const stack = new StreamstackStack(Testing.app(), loadConfig({ profile: "kind", overrides }));
  return JSON.parse(Testing.synth(stack)) as Record<string, unknown>;
}

const paths = process.argv.slice(2);
if (paths.length > 0) {
  for (const path of paths) {
    console.log(`\n${path}`);
    const rows = requestRows(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>);
    printRows(rows);
    console.log(line("total", totals(rows)));
  }
} else {
  for (const { label, stackJson } of synthesizeMatrix()) {
    if (label.startsWith("kind")) {
      printKind(label, stackJson, dockerVm.fullMemoryMi);
    } else {
      console.log(`\n${label}`);
      const rows = requestRows(stackJson);
      printRows(rows);
      console.log(line("total", totals(rows)));
    }
  }
  const lean = { controlCenter: { enabled: false }, airflow: { enabled: false }, postgres: { enabled: false } };
  printKind(
    "kind profile, kraft mode, Control Center, Airflow and its PostgreSQL off",
    synthesizeKind({ ...lean, kafka: { mode: "kraft" } }),
    dockerVm.leanMemoryMi,
  );
  printKind(
    "kind profile, zookeeper mode, Control Center, Airflow and its PostgreSQL off",
    synthesizeKind({ ...lean, kafka: { mode: "zookeeper" } }),
    dockerVm.leanZookeeperMemoryMi,
  );
}
