import { text } from "./text";

/** What one schema said about one object. */
export interface ValidationOutcome {
  readonly ok: boolean;
  /** Which schema judged the object, e.g. "CRD strimzi-0.45.2/crds/040-Crd-kafka.yaml" or "kubernetes-models batch/v1/Job". */
  readonly schema: string;
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** CEL rules in the schema that judged it, which only an API server evaluates. */
  readonly celRulesNotEvaluated: number;
}

/** A Kubernetes object as read from YAML or built in code: fields by name. */
export type ApiObject = { readonly [field: string]: unknown };

/** `Kind/name` of an object, for messages. */
export function objectLabel(object: ApiObject): string {
  const metadata = object.metadata as { name?: unknown } | undefined;
  return `${String(object.kind)}/${text(metadata?.name, "?")}`;
}
