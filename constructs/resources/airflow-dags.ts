import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { IPolicyRule } from "kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule";
import type { Component } from "../../config/components";

const dagsDirectory = join(__dirname, "..", "..", "apps", "dags");

/**
 * Shipped beside the DAGs: kubelet lays a ConfigMap volume out as a `..<timestamp>/` directory, a `..data` symlink
 * to it and one symlink per key, and Airflow's DAG-folder walk follows links, meets that directory twice and raises
 * "Detected recursive loop when walking DAG directory" (see constructs/airflow.upstream.md).
 */
export const dagIgnoreFile = ".airflowignore";
/** The pattern syntax of dagIgnoreFile; handed to Airflow as `[core] dag_ignore_file_syntax` so the two cannot drift. */
export const dagIgnoreFileSyntax = "glob";

/** A namespaced RBAC rule: the fields of Kubernetes' PolicyRule such a rule needs. */
export type PolicyRule = Readonly<Required<Pick<IPolicyRule, "apiGroups" | "resources" | "verbs">>>;

interface DagEntry {
  /** Components the DAG drives; it ships only when all of them run. */
  readonly needs: readonly Component[];
  /** Exactly the API calls the DAG's tasks make in the apps namespace, as the worker's service account. */
  readonly rules: readonly PolicyRule[];
}

/**
 * Every DAG file in apps/dags. The rules follow the calls read in apache-airflow-providers-cncf-kubernetes 10.17.1
 * (apps/dags/versions.json): KubernetesPodOperator creates the pod (PodManager.run_pod_async), reads it while it
 * starts and runs (read_pod), lists pods by label to find or reattach (find_pod), reads events when it does not
 * start (read_pod_events), streams the log (pods/log), labels a finished pod as checked (patch_already_checked)
 * and deletes it (delete_pod). No watch: 10.17.1 polls. The Spark DAG gets, deletes and creates its
 * SparkApplication (KubernetesHook.*_custom_object) and reads the old driver pod until it is gone.
 */
export const dagCatalog: Readonly<Record<string, DagEntry>> = {
  "produce_users.py": {
    needs: ["producer", "kafka", "schemaRegistry"],
    rules: [
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "patch", "delete"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      { apiGroups: [""], resources: ["events"], verbs: ["list"] },
    ],
  },
  "spark_streaming_job.py": {
    needs: ["spark"],
    rules: [
      { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications"], verbs: ["get", "create", "delete"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
    ],
  },
};

/** The DAG files of apps/dags (not the tests), each of which must have an entry in dagCatalog. */
export function dagFileNames(): string[] {
  const names = readdirSync(dagsDirectory)
    .filter((name) => name.endsWith(".py"))
    .sort();
  const unlisted = names.filter((name) => !(name in dagCatalog));
  if (unlisted.length > 0) {
    throw new Error(
      `apps/dags/${unlisted.join(", apps/dags/")}: not in dagCatalog (constructs/resources/airflow-dags.ts); ` +
        "add an entry naming the components the DAG drives and the API calls its tasks make",
    );
  }
  return names;
}

/** The DAG files to ship for the components that run: file name → contents, with the ignore file. */
export function shippedDagFiles(running: ReadonlySet<Component>): Record<string, string> {
  const files: Record<string, string> = { [dagIgnoreFile]: readFileSync(join(dagsDirectory, dagIgnoreFile), "utf8") };
  for (const name of dagFileNames()) {
    if (dagCatalog[name].needs.every((component) => running.has(component))) {
      files[name] = readFileSync(join(dagsDirectory, name), "utf8");
    }
  }
  return files;
}

/** The union of the rules of the shipped DAGs, one rule per API group and resource. */
export function taskRoleRules(shippedDags: readonly string[]): PolicyRule[] {
  const merged = new Map<string, { apiGroups: string[]; resources: string[]; verbs: Set<string> }>();
  for (const rule of shippedDags.flatMap((name) => dagCatalog[name]?.rules ?? [])) {
    const key = JSON.stringify([rule.apiGroups, rule.resources]);
    const existing = merged.get(key) ?? {
      apiGroups: [...rule.apiGroups],
      resources: [...rule.resources],
      verbs: new Set<string>(),
    };
    for (const verb of rule.verbs) existing.verbs.add(verb);
    merged.set(key, existing);
  }
  return [...merged.values()].map((rule) => ({
    apiGroups: rule.apiGroups,
    resources: rule.resources,
    verbs: [...rule.verbs],
  }));
}
