/**
 * What the cluster says, read with @kubernetes/client-node: Helm's release secrets, the custom resources the stack
 * creates, and Airflow's pods. Reads only; a missing object is reported as absent, not as an error.
 */
import { ApiException, CoreV1Api, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { pluralOf } from "../../constructs/resources/readiness";
import { resourceKey, type ExpectedPipeline } from "./expected";

/** The newest revision of a Helm release, from its `sh.helm.release.v1.<name>.v<revision>` secret's labels. */
export interface ObservedRelease {
  readonly revision: number;
  /** Helm's status label: deployed, pending-install, pending-upgrade, failed, … */
  readonly status: string;
  readonly since?: string;
}

export interface ObservedPod {
  readonly name: string;
  readonly component: string;
  readonly phase: string;
  readonly readyContainers: number;
  readonly containers: number;
  readonly restarts: number;
  readonly since?: string;
}

export interface Observation {
  /** Keyed by `namespace/name`. */
  readonly releases: ReadonlyMap<string, ObservedRelease>;
  /** Keyed by resourceKey(); absent objects are missing. */
  readonly resources: ReadonlyMap<string, Record<string, unknown>>;
  readonly airflowPods: readonly ObservedPod[];
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export async function observe(kubeConfig: KubeConfig, expected: ExpectedPipeline): Promise<Observation> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const releases = new Map<string, ObservedRelease>();
  for (const namespace of expected.namespaces) {
    const secrets = await core.listNamespacedSecret({ namespace, labelSelector: "owner=helm" });
    for (const secret of secrets.items) {
      const labels = secret.metadata?.labels ?? {};
      const revision = Number(labels.version ?? 0);
      const key = `${namespace}/${labels.name ?? ""}`;
      if ((releases.get(key)?.revision ?? -1) >= revision) continue;
      releases.set(key, {
        revision,
        status: labels.status ?? "unknown",
        since: secret.metadata?.creationTimestamp?.toISOString(),
      });
    }
  }
  const resources = new Map<string, Record<string, unknown>>();
  for (const object of expected.releases.flatMap((release) => release.resources)) {
    const [group, version] = object.apiVersion.split("/") as [string, string];
    try {
      const live = (await custom.getNamespacedCustomObject({
        group,
        version,
        namespace: object.metadata.namespace ?? "",
        plural: pluralOf(object),
        name: object.metadata.name,
      })) as Record<string, unknown>;
      resources.set(resourceKey(object), live);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const airflowPods: ObservedPod[] = [];
  if (expected.airflow) {
    const { namespace, release } = expected.airflow;
    // The official chart labels every pod it creates with `release: <release name>`.
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `release=${release}` });
    for (const pod of pods.items) {
      const statuses = pod.status?.containerStatuses ?? [];
      airflowPods.push({
        name: pod.metadata?.name ?? "",
        component: pod.metadata?.labels?.component ?? "",
        phase: pod.status?.phase ?? "Unknown",
        readyContainers: statuses.filter((status) => status.ready).length,
        containers: pod.spec?.containers.length ?? statuses.length,
        restarts: statuses.reduce((sum, status) => sum + status.restartCount, 0),
        since: pod.metadata?.creationTimestamp?.toISOString(),
      });
    }
  }
  return { releases, resources, airflowPods };
}
