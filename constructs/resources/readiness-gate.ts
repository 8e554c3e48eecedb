import { createHash } from "node:crypto";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IPolicyRule } from "kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { Target } from "../../apps/gate/src/condition";
import { serviceAccountDirectory } from "../../apps/gate/src/settings";
import type { GateVariable } from "../../apps/gate/src/variables";
import type { ContainerImage } from "../container-image";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";
import { oneShotJobResources } from "./quantities";
import { pluralOf, readinessTarget } from "./readiness";

/** Label value that marks a readiness gate's Job (the invariant tests find gates by it). */
export const gateComponent = "readiness-gate";

export interface ReadinessGateSpec {
  /** Gate name: ServiceAccount, Role, ConfigMap and the prefix of the Job's name. */
  readonly name: string;
  /** Namespace the gate's Job runs in. */
  readonly namespace: string;
  /** The custom resources to wait for; each must have a readiness rule (resources/readiness.ts). */
  readonly objects: readonly KubernetesObject[];
  /** The gate gives up after this long and fails its Job with a message naming what is not ready. */
  readonly timeoutSeconds: number;
  /** Official Node.js image the bundled gate runs on. */
  readonly image: ContainerImage;
  /** The bundled gate (apps/gate). */
  readonly code: { readonly text: string; readonly sha256: string };
  /**
   * The gate container's requests and limits.
   * @default 10m CPU and 64Mi requested, 500m CPU limit (the gate polls; it measured well under 64Mi)
   */
  readonly resources?: { readonly cpu: string; readonly memory: string };
}

/**
 * Lifetime of the gate's API token, the least the API accepts; kubelet renews it at 80% and the gate re-reads it on
 * every request. The token the ServiceAccount admission plugin would mount asks for 3607 s, which kube-apiserver
 * extends to a year by default (--service-account-extend-token-expiration; kubernetes v1.37.2
 * pkg/registry/core/serviceaccount/storage/token.go), so the gate mounts its own instead.
 */
export const gateTokenExpirationSeconds = 600;

/** How long a finished gate or schema Job stays for its log before Kubernetes deletes it. */
export const finishedJobTtlSeconds = 300;

const codeFile = "gate.js";
const codeMount = "/app";

/** The object references of one namespace's Role: `get`, on exactly the named objects. */
function roleRules(objects: readonly KubernetesObject[]): IPolicyRule[] {
  const byResource = new Map<
    string,
    Required<Pick<IPolicyRule, "apiGroups" | "resources" | "resourceNames" | "verbs">>
  >();
  for (const object of objects) {
    const group = object.apiVersion.split("/")[0];
    const plural = pluralOf(object);
    const key = `${group}/${plural}`;
    const rule = byResource.get(key) ?? { apiGroups: [group], resources: [plural], resourceNames: [], verbs: ["get"] };
    rule.resourceNames.push(object.metadata.name);
    byResource.set(key, rule);
  }
  return [...byResource.values()];
}

/** Time allowed, besides the gate's own limit, for scheduling and pulling the image before the Job is stopped. */
export const gateStartAllowanceSeconds = 300;

export function gateJobDeadlineSeconds(gateTimeoutSeconds: number): number {
  return gateTimeoutSeconds + gateStartAllowanceSeconds;
}

/** Labels of a gate's Job pod (and its other objects). */
export function readinessGatePodLabels(name: string) {
  return { ...partOfLabel, "app.kubernetes.io/name": name, "app.kubernetes.io/component": gateComponent };
}

/**
 * A Job that waits, up to a time limit, for each object's readiness condition, with the least RBAC that allows it.
 * Its name carries a hash of what it checks and runs, so a changed gate is a new Job (a Job's template is immutable)
 * and an unchanged one stays completed across upgrades.
 */
export function readinessGateObjects(spec: ReadinessGateSpec): KubernetesObject[] {
  if (spec.objects.length === 0) throw new Error(`readiness gate ${spec.name} has nothing to wait for`);
  const targets: Target[] = spec.objects.map(readinessTarget);
  const labels = readinessGatePodLabels(spec.name);
  const env: { name: GateVariable; value: string }[] = [
    { name: "GATE_TARGETS", value: JSON.stringify(targets) },
    { name: "GATE_TIMEOUT_SECONDS", value: String(spec.timeoutSeconds) },
    { name: "GATE_INTERVAL_SECONDS", value: "5" },
  ];

  const template: IPodTemplateSpec = {
    metadata: { labels },
    spec: {
      restartPolicy: "Never",
      serviceAccountName: spec.name,
      // The gate reads objects from the API server as this ServiceAccount, with the short-lived token mounted below.
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        // As the node-app chart: the gate writes nothing, so no need for the image's `node` user (1000).
        runAsUser: 10001,
        runAsGroup: 10001,
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "gate",
          image: spec.image.name,
          imagePullPolicy: spec.image.pullPolicy,
          command: ["node", `${codeMount}/${codeFile}`],
          env,
          resources: oneShotJobResources(spec.resources ?? { cpu: "10m", memory: "64Mi" }, "500m"),
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          volumeMounts: [
            { name: "code", mountPath: codeMount, readOnly: true },
            { name: "api-access", mountPath: serviceAccountDirectory, readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: "code", configMap: { name: `${spec.name}-code` } },
        {
          name: "api-access",
          projected: {
            sources: [
              { serviceAccountToken: { path: "token", expirationSeconds: gateTokenExpirationSeconds } },
              { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
              { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
            ],
          },
        },
      ],
    },
  };
  // The whole pod template and the code it runs: a Job's template is immutable, so any change must be a new Job.
  const jobHash = createHash("sha256")
    .update(JSON.stringify({ template, code: spec.code.sha256 }))
    .digest("hex")
    .slice(0, 10);

  const namespaces = [...new Set(spec.objects.map((object) => object.metadata.namespace ?? spec.namespace))].sort();
  const rbac = namespaces.flatMap((namespace): KubernetesObject[] => [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: spec.name, namespace, labels },
      rules: roleRules(spec.objects.filter((object) => (object.metadata.namespace ?? spec.namespace) === namespace)),
    } satisfies IRole,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: spec.name, namespace, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: spec.name },
      subjects: [{ kind: "ServiceAccount", name: spec.name, namespace: spec.namespace }],
    } satisfies IRoleBinding,
  ]);

  return [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: spec.name, namespace: spec.namespace, labels },
    } satisfies IServiceAccount,
    ...rbac,
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${spec.name}-code`, namespace: spec.namespace, labels },
      data: { [codeFile]: spec.code.text },
    } satisfies IConfigMap,
    {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: `${spec.name}-${jobHash}`, namespace: spec.namespace, labels },
      spec: {
        // The gate retries inside its time limit; a failed run is an answer, not a glitch to retry.
        backoffLimit: 0,
        // A hard stop after the gate's own limit, in case the process hangs. It counts from the Job's creation, so it
        // also covers pulling the image on a cold node; the gate's clock starts only when its container does.
        activeDeadlineSeconds: gateJobDeadlineSeconds(spec.timeoutSeconds),
        // A failed Job never runs again and Helm's wait fails on it about a minute later; removed after 5 minutes (time to read
        // its log), the next deploy re-creates it. Helm has seen a successful run long before.
        ttlSecondsAfterFinished: finishedJobTtlSeconds,
        template,
      },
    } satisfies IJob,
  ];
}
