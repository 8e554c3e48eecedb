import { readFileSync } from "node:fs";
import { requestRows, totals, type RequestRow } from "./lib/requests";
import { synthesizeMatrix } from "./synth-matrix";

/**
 * Prints CPU and memory requests per workload and in total, read from synthesized stacks.
 * Usage: tsx scripts/resource-requests.ts [path/to/cdk.tf.json ...]   (no paths: synthesizes every profile and Kafka mode)
 */
function printStack(title: string, rows: readonly RequestRow[]): void {
  const format = (r: RequestRow) =>
    `  ${r.release.padEnd(20)} ${r.workload.padEnd(44)} ${String(r.pods).padStart(4)} × ${String(r.cpuMillicores).padStart(5)}m ${String(r.memoryMi).padStart(6)}Mi`;
  console.log(`\n${title}`);
  console.log(`  ${"release".padEnd(20)} ${"workload".padEnd(44)} pods × cpu/pod memory/pod`);
  for (const r of rows) console.log(format(r));
  const sum = totals(rows);
  console.log(`  TOTAL ${sum.pods} pods, ${(sum.cpuMillicores / 1000).toFixed(2)} CPU, ${(sum.memoryMi / 1024).toFixed(2)} GiB requested`);
}

const paths = process.argv.slice(2);
if (paths.length > 0) {
  for (const path of paths) printStack(path, requestRows(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>));
} else {
  for (const { label, stackJson } of synthesizeMatrix()) printStack(label, requestRows(stackJson));
}
