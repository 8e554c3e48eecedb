/**
 * A complete Kubernetes object as it is sent to the API server. Open, so custom resources fit; a builder of a built-in
 * kind writes its literal `satisfies` the kind's kubernetes-models interface (IJob, IConfigMap...), so a misspelt field
 * fails tsc, and validation/core-validator.ts rejects undeclared fields in whatever reaches the tests and verify.
 */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export const partOfLabel = { "app.kubernetes.io/part-of": "streamstack" } as const;
