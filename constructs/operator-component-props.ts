import type { ITerraformDependable } from "cdktf";
import type { Naming } from "../config/naming";
import type { Resources } from "../config/schema";
import type { ContainerImage } from "./container-image";

/** What every component run by an operator of its own takes besides its settings. */
export interface OperatorComponentProps {
  readonly naming: Naming;
  /** Resources of the operator's container(s). */
  readonly operatorResources: Resources;
  /** Official Node.js image the component's readiness gate runs on. */
  readonly gateImage: ContainerImage;
  /** What the operator's release installs after (cert-manager for the operators with webhooks, the namespaces). */
  readonly dependsOn: readonly ITerraformDependable[];
}
