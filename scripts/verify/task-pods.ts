/**
 * The pods the DAGs' KubernetesPodOperator tasks ask the API server for, rendered by the real provider
 * (apps/dags/tests/render_task_pods.py, Airflow venv) over the DAG folder the stack ships: the airflow
 * release's ConfigMap volumes laid out as kubelet does, with the release's env (paths under those
 * mounts moved to the layout).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  VolumeContentsIndex,
  containerEnvironment,
  layOutContainer,
  rewritePaths,
} from "../../__tests__/support/kubelet-rehearsal";
import type { Container, PodSpec, WorkloadPod } from "../../__tests__/support/workload-pods";
import { mergedValues } from "../lib/synthesized-stack";
import type { SynthesizedStack } from "./stack";

export interface TaskPod {
  readonly dagId: string;
  readonly taskId: string;
  readonly pod: Record<string, unknown>;
}

function airflowValues(stack: SynthesizedStack): Record<string, unknown> | undefined {
  const release = stack.helmReleases.find(
    (candidate) => candidate.repository !== undefined && candidate.chart === "airflow",
  );
  if (!release) return undefined;
  return { ...mergedValues(release), namespace: release.namespace };
}

/** undefined when the stack deploys no Airflow. */
export function renderTaskPods(
  stack: SynthesizedStack,
  objects: readonly unknown[],
  repoRoot: string,
): TaskPod[] | undefined {
  const values = airflowValues(stack);
  if (!values) return undefined;
  const venvSetup = spawnSync("bash", [join(repoRoot, "apps", "dags", "setup-venv.sh")], {
    encoding: "utf8",
    timeout: 30 * 60_000,
  });
  const venv = (venvSetup.stdout ?? "").trim().split("\n").pop() ?? "";
  if (venvSetup.status !== 0 || !existsSync(join(venv, "bin", "python")))
    throw new Error(`apps/dags/setup-venv.sh failed: ${(venvSetup.stderr ?? "").slice(-500)}`);
  const container: Container = {
    name: "airflow",
    env: (values.env ?? []) as Container["env"],
    volumeMounts: (values.volumeMounts ?? []) as Container["volumeMounts"],
  };
  const pod: WorkloadPod = {
    workload: `airflow release ${stack.name}`,
    namespace: String(values.namespace),
    spec: { volumes: (values.volumes ?? []) as PodSpec["volumes"], containers: [container] },
  };
  const scratch = mkdtempSync(join(tmpdir(), "task-pods-"));
  try {
    const index = new VolumeContentsIndex(objects);
    const root = layOutContainer(pod, container, index, join(scratch, "root"));
    const dagFolder = root.keyedMountPaths[0];
    if (!dagFolder) throw new Error("the airflow release mounts no ConfigMap: no DAG folder to render task pods from");
    const { env, problems } = containerEnvironment(pod, container, index, "airflow-dag-processor-0");
    if (problems.length) throw new Error(problems.join("; "));
    const envFile = join(scratch, "env.json");
    writeFileSync(
      envFile,
      JSON.stringify(
        (container.env ?? []).map(({ name }) => ({ name, value: rewritePaths(env.get(name) ?? "", root) })),
      ),
    );
    const script = join(repoRoot, "apps", "dags", "tests", "render_task_pods.py");
    const result = spawnSync(
      join(venv, "bin", "python"),
      [script, "--env-json", envFile, "--dags-folder", root.hostPath(dagFolder)],
      {
        encoding: "utf8",
        timeout: 10 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, AIRFLOW_HOME: join(scratch, "airflow-home") },
      },
    );
    if (result.status !== 0)
      throw new Error(
        `render_task_pods.py exited ${String(result.status)}: ${(result.stderr ?? "")
          .split("\n")
          .filter((line) => /Error|error/.test(line))
          .slice(-5)
          .join("\n")}`,
      );
    const rendered = JSON.parse(result.stdout) as { dag_id: string; task_id: string; pod: Record<string, unknown> }[];
    return rendered.map((entry) => ({ dagId: entry.dag_id, taskId: entry.task_id, pod: entry.pod }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
