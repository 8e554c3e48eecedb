import type { ValidationProblem } from "./crd-validator";

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** The kubernetes-models class of a core apiVersion and kind, or undefined when it is not a core kind. */
function modelClass(apiVersion: string, kind: string): ModelClass | undefined {
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(modulePath) as Record<string, ModelClass | undefined>;
    return module[kind];
  } catch {
    return undefined;
  }
}

/** Whether this is a built-in Kubernetes kind we can validate. */
export function isCoreKind(apiVersion: string, kind: string): boolean {
  return modelClass(apiVersion, kind) !== undefined;
}

/** Validates a built-in Kubernetes object against the Kubernetes OpenAPI schema (kubernetes-models). */
export function validateCoreObject(object: { apiVersion: string; kind: string; metadata?: { name?: string } }): ValidationProblem | undefined {
  const Model = modelClass(object.apiVersion, object.kind);
  if (!Model) throw new Error(`${object.apiVersion} ${object.kind} is not a built-in Kubernetes kind`);
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return { object: `${object.kind}/${object.metadata?.name ?? "?"}`, errors: [(error as Error).message] };
  }
}
