import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ChartRelease } from "./chart-release";
import type { KubernetesObject } from "./kubernetes-object";
import type { GeneratedSecret } from "./resources/generated-secret";

export interface ManifestsReleaseProps {
  readonly name: string;
  readonly namespace: string;
  /** The objects, or a function that lists them at synthesis (for objects that grants add later). */
  readonly objects: readonly KubernetesObject[] | (() => readonly KubernetesObject[]);
  /** Credentials the chart generates at install (see generated-secret.ts). */
  readonly generatedSecrets?: readonly GeneratedSecret[];
  /** The operator release whose CRDs and webhooks these objects need. */
  readonly dependsOn: readonly ITerraformDependable[];
  /** Seconds Helm waits for the release's workloads and Jobs; the chart-release default when omitted. */
  readonly timeoutSeconds?: number;
}

/**
 * Carries objects authored in TypeScript to the cluster through the local `manifests` chart.
 * A Helm release is planned without the CRDs existing, which `kubernetes_manifest` cannot do;
 * that is what lets one apply install an operator and its custom resources.
 */
export class ManifestsRelease extends Construct {
  readonly release: ChartRelease["release"];

  constructor(scope: Construct, id: string, props: ManifestsReleaseProps) {
    super(scope, id);
    const generated = props.generatedSecrets?.length ? { generatedSecrets: props.generatedSecrets } : {};
    const { objects } = props;
    this.release = new ChartRelease(this, "chart", {
      name: props.name,
      namespace: props.namespace,
      chart: { localChart: "manifests" },
      values:
        typeof objects === "function"
          ? () => ({ resources: objects(), ...generated })
          : { resources: objects, ...generated },
      dependsOn: props.dependsOn,
      timeoutSeconds: props.timeoutSeconds,
    }).release;
  }
}
