import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { ContainerImage } from "./container-image";
import type { KubernetesObject } from "./kubernetes-object";
import { ManifestsRelease } from "./manifests-release";
import { bundled } from "./node-app";
import { recordApiServerFlow } from "./grants";
import { gateJobDeadlineSeconds, readinessGateObjects, readinessGatePodLabels } from "./resources/readiness-gate";

export interface ReadinessGateProps {
  /** Release and gate name (from naming.gates). */
  readonly name: string;
  /** Namespace the gate's Job runs in. */
  readonly namespace: string;
  /** Custom resources whose readiness condition consumers need, or a function listing them at synthesis. */
  readonly objects: readonly KubernetesObject[] | (() => readonly KubernetesObject[]);
  /** How long the gate waits before failing with a message naming what is not ready. */
  readonly timeoutSeconds: number;
  /** Official Node.js image the gate runs on. */
  readonly image: ContainerImage;
  /** The release that creates the objects. */
  readonly dependsOn: readonly ITerraformDependable[];
}

/**
 * Helm's wait beyond the gate Job's deadline: Helm v3.18.4 (the helm provider 3.1.1's) retries a failed Job's status
 * for about a minute before failing the release (pkg/kube/wait.go), so the gate's own, clearer failure comes first.
 */
export const gateReleaseMarginSeconds = 120;

/**
 * A release whose only workload is a Job that waits for custom resources to report ready. Helm's wait treats
 * custom resources as ready at once; with wait_for_jobs it waits for this Job, so a release that depends on the
 * gate starts only after the operator says the service is ready.
 */
export class ReadinessGate extends Construct {
  readonly release: ManifestsRelease["release"];

  constructor(scope: Construct, id: string, props: ReadinessGateProps) {
    super(scope, id);
    const bundle = bundled("gate");
    const gateObjects = (objects: readonly KubernetesObject[]) =>
      readinessGateObjects({
        name: props.name,
        namespace: props.namespace,
        objects,
        timeoutSeconds: props.timeoutSeconds,
        image: props.image,
        code: { text: bundle.code, sha256: bundle.sha256 },
      });
    const { objects } = props;
    this.release = new ManifestsRelease(this, "gate", {
      name: props.name,
      namespace: props.namespace,
      objects: typeof objects === "function" ? () => gateObjects(objects()) : gateObjects(objects),
      dependsOn: props.dependsOn,
      timeoutSeconds: gateJobDeadlineSeconds(props.timeoutSeconds) + gateReleaseMarginSeconds,
    }).release;
    recordApiServerFlow(
      this,
      { kind: "pods", name: props.name, namespace: props.namespace, labels: readinessGatePodLabels(props.name) },
      "read the readiness conditions of the objects it gates",
    );
  }
}
