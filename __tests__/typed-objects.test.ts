import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { validateCoreObject } from "../validation/core-validator";

// Built-in objects are authored as the builders in constructs/resources/ author them: an object literal that
// `satisfies` its kubernetes-models interface. Each `@ts-expect-error` below marks a misspelt field; if the interface
// stopped rejecting it, `tsc --noEmit -p .` (run by `npm test`) would fail on the unused directive. tsc reports one
// mismatch per literal, so each typo has a literal of its own.

const topLevel = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "typo" },
  // @ts-expect-error dataa is not a ConfigMap field
  dataa: { key: "value" },
} satisfies IConfigMap;

const container = { name: "main", image: "busybox" };

const nested = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "typo" },
  spec: {
    // @ts-expect-error backoffLimt is not a JobSpec field
    backoffLimt: 0,
    template: { spec: { restartPolicy: "Never", containers: [container] } },
  },
} satisfies IJob;

const inListItem = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "typo" },
  spec: {
    template: {
      spec: {
        restartPolicy: "Never",
        containers: [
          {
            ...container,
            // @ts-expect-error imagePullPolicyy is not a Container field
            imagePullPolicyy: "Always",
          },
        ],
      },
    },
  },
} satisfies IJob;

describe("a built-in object with a misspelt field fails tsc (the directives above) and the strict schema check", () => {
  it.each([
    ["at the top level", topLevel, "/ must NOT have additional properties 'dataa'"],
    ["nested", nested, "/spec must NOT have additional properties 'backoffLimt'"],
    [
      "inside a list item",
      inListItem,
      "/spec/template/spec/containers/0 must NOT have additional properties 'imagePullPolicyy'",
    ],
  ])("%s", (_depth, object, error) => {
    expect(validateCoreObject(object)?.errors).toEqual([error]);
  });
});
