import { validateCoreObject } from "./core-validator";
import type { CrdRegistry } from "./crd-registry";
import type { ApiObject, ValidationOutcome } from "./validation-outcome";

/**
 * Validates one object the stack emits: a custom resource against its pinned CRDs, a built-in object strictly against
 * the Kubernetes OpenAPI schema. Undefined when neither knows its kind.
 */
export function validateObject(object: ApiObject, crds: CrdRegistry): ValidationOutcome | undefined {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  return crds.has(apiVersion, kind) ? crds.validate(object) : validateCoreObject(object);
}

const clusterScopedKinds = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PriorityClass",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "APIService",
  "IngressClass",
  "RuntimeClass",
  "CSIDriver",
  "VolumeAttachment",
]);

/** Whether the object lives outside namespaces: a cluster-scoped built-in kind, or a CRD of Cluster scope. */
export function isClusterScoped(object: ApiObject, crds: CrdRegistry): boolean {
  const kind = String(object.kind);
  return clusterScopedKinds.has(kind) || crds.isClusterScoped(String(object.apiVersion), kind);
}
