/**
 * The pod specs of every workload among emitted objects (Deployments, StatefulSets, DaemonSets, Jobs,
 * CronJobs, Pods) and the Spark operator's driver/executor of each SparkApplication, reduced to what
 * kubelet needs to lay out volumes and start the containers.
 */
import { text } from "../../validation/text";
import type { KeyedVolume } from "./kubelet-layout";

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
    readonly fieldRef?: { readonly fieldPath: string };
  };
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly subPath?: string;
  readonly readOnly?: boolean;
}

export interface HttpProbe {
  readonly httpGet?: { readonly path?: string; readonly port: number | string };
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly {
    readonly configMapRef?: { readonly name: string };
    readonly secretRef?: { readonly name: string };
    readonly prefix?: string;
  }[];
  readonly volumeMounts?: readonly VolumeMount[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly livenessProbe?: HttpProbe;
  readonly readinessProbe?: HttpProbe;
}

export type Volume = KeyedVolume | { readonly name: string; readonly [source: string]: unknown };

export interface PodSpec {
  readonly automountServiceAccountToken?: boolean;
  readonly volumes?: readonly Volume[];
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
}

/** A SparkApplication's driver or executor: the volumes of the application, the mounts and env of the role. */
export interface SparkRole {
  readonly role: "driver" | "executor";
  readonly mainApplicationFile: string;
  readonly type: string;
}

export interface WorkloadPod {
  /** e.g. "Deployment streamstack-apps/producer" or "SparkApplication streamstack-apps/users-streaming driver". */
  readonly workload: string;
  readonly namespace: string;
  readonly spec: PodSpec;
  readonly spark?: SparkRole;
}

type Loose = Record<string, unknown>;

function isLoose(value: unknown): value is Loose {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function podSpecOf(object: Loose): PodSpec | undefined {
  const spec = isLoose(object.spec) ? object.spec : undefined;
  if (!spec) return undefined;
  if (object.kind === "Pod") return spec as unknown as PodSpec;
  if (object.kind === "CronJob") {
    const jobTemplate = isLoose(spec.jobTemplate) ? spec.jobTemplate : undefined;
    const jobSpec = jobTemplate && isLoose(jobTemplate.spec) ? jobTemplate.spec : undefined;
    const template = jobSpec && isLoose(jobSpec.template) ? jobSpec.template : undefined;
    return template && isLoose(template.spec) ? (template.spec as unknown as PodSpec) : undefined;
  }
  const template = isLoose(spec.template) ? spec.template : undefined;
  return template && isLoose(template.spec) ? (template.spec as unknown as PodSpec) : undefined;
}

const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);

/** Every pod a workload among `objects` runs, with the namespace it runs in. */
export function workloadPods(objects: readonly unknown[]): WorkloadPod[] {
  const pods: WorkloadPod[] = [];
  for (const object of objects) {
    if (!isLoose(object) || typeof object.kind !== "string") continue;
    const metadata = isLoose(object.metadata) ? object.metadata : {};
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "default";
    const label = `${object.kind} ${namespace}/${String(metadata.name)}`;
    if (workloadKinds.has(object.kind)) {
      const spec = podSpecOf(object);
      if (spec) pods.push({ workload: label, namespace, spec });
    } else if (object.kind === "SparkApplication" && isLoose(object.spec)) {
      pods.push(...sparkRolePods(label, namespace, object.spec));
    }
  }
  return pods;
}

/**
 * The containers the Spark operator starts for an application, as far as volumes, mounts and env go:
 * spec.volumes are added to each pod and driver/executor volumeMounts and env to its Spark container
 * (spark-operator v2.5.2 internal/webhook/sparkpod_defaulter.go: addVolumes, addEnvVars).
 */
function sparkRolePods(label: string, namespace: string, spec: Loose): WorkloadPod[] {
  const volumes = (Array.isArray(spec.volumes) ? spec.volumes : []) as Volume[];
  const roles: Array<"driver" | "executor"> = ["driver", "executor"];
  return roles.flatMap((role) => {
    const roleSpec = isLoose(spec[role]) ? spec[role] : undefined;
    if (!roleSpec) return [];
    const container: Container = {
      name: `spark-kubernetes-${role}`,
      ...(typeof spec.image === "string" ? { image: spec.image } : {}),
      env: (Array.isArray(roleSpec.env) ? roleSpec.env : []) as EnvVar[],
      volumeMounts: (Array.isArray(roleSpec.volumeMounts) ? roleSpec.volumeMounts : []) as VolumeMount[],
    };
    return [
      {
        workload: `${label} ${role}`,
        namespace,
        spec: { volumes, containers: [container] },
        spark: { role, mainApplicationFile: text(spec.mainApplicationFile), type: text(spec.type) },
      },
    ];
  });
}
