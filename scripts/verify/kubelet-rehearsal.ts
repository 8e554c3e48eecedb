/**
 * Kubelet layout rehearsal over every stack's emitted objects (the helm-rendered manifests verify.ts
 * wrote as objects-<stack>.yaml): each workload's ConfigMap/Secret volumes laid out as kubelet does, the
 * paths its containers name under them checked, and the consumers we ship started from the layout
 * (node bundles, the Spark driver's main file and imports with the job's venv). See
 * __tests__/support/kubelet-rehearsal.ts; jest runs the same rehearsal on the kind stack.
 *
 *   npx tsx scripts/verify/kubelet-rehearsal.ts --work <verify work directory>
 */
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { rehearse, sparkVenvPython } from "../../__tests__/support/kubelet-rehearsal";
import { workloadPods } from "../../__tests__/support/workload-pods";
import { readWork } from "./step-directories";

const repoRoot = resolve(__dirname, "..", "..");

async function main(): Promise<void> {
  const work = readWork("usage: npx tsx scripts/verify/kubelet-rehearsal.ts --work <verify work directory>");
  const stacks = readdirSync(work)
    .filter((file) => /^objects-.+\.yaml$/.test(file))
    .map((file) => file.slice("objects-".length, -".yaml".length))
    .sort();
  if (stacks.length === 0) throw new Error(`no objects-<stack>.yaml in ${work}: run scripts/verify/verify.ts first`);
  const venv = sparkVenvPython(repoRoot);
  if (!venv.python) throw new Error(`the Spark job's venv is needed to start the driver: ${venv.reason ?? ""}`);
  let passed = 0;
  let failed = 0;
  for (const stack of stacks) {
    const started = Date.now();
    const objects = parseAllDocuments(readFileSync(join(work, `objects-${stack}.yaml`), "utf8")).map(
      (document) => document.toJS() as unknown,
    );
    const pods = workloadPods(objects);
    const outcomes = await rehearse(pods, objects, { runConsumers: true, sparkPython: venv.python });
    const failures = outcomes.filter((outcome) => !outcome.ok);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failures.length) {
      failed += 1;
      console.log(
        `[kubelet-rehearsal] FAIL ${stack}: ${failures.length} of ${outcomes.length} containers cannot start from their laid-out volumes (${seconds}s)`,
      );
    } else {
      passed += 1;
      console.log(
        `[kubelet-rehearsal] ok   ${stack}: ${outcomes.length} containers of ${pods.length} pods start from their laid-out volumes (${seconds}s)`,
      );
    }
    for (const outcome of outcomes) {
      const mark = outcome.ok ? "ok  " : "FAIL";
      const detail = outcome.detail
        .split("\n")
        .map((line, position) => (position === 0 ? line : `             ${line}`))
        .join("\n");
      console.log(
        `           ${mark} ${outcome.workload} [${outcome.container}] (${outcome.seconds.toFixed(1)}s): ${detail}`,
      );
    }
  }
  console.log(`kubelet-rehearsal: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`[kubelet-rehearsal] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
