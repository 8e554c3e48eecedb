import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { Resources } from "../config/schema";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ManifestsRelease } from "./manifests-release";
import { certificateAuthorityObjects } from "./resources/pki";
import { containerResources } from "./resources/quantities";

export interface CertManagerProps {
  readonly naming: Naming;
  /** Install cert-manager; false when the cluster already runs it. */
  readonly install: boolean;
  /** Create the stack's certificate authority (needed for TLS listeners). */
  readonly certificateAuthority: boolean;
  readonly operatorResources: Resources;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** cert-manager (for K8ssandra's webhooks) and, when TLS is on, the CA that signs the Kafka listener. */
export class CertManager extends Construct {
  /** What a release that needs cert-manager (or the CA) depends on. */
  readonly ready: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id);
    const operator = props.install
      ? new ChartRelease(this, "operator", {
          name: props.naming.releases.certManager,
          namespace: props.naming.namespaces.certManager,
          chart: charts.certManager,
          values: {
            crds: { enabled: true },
            resources: containerResources(props.operatorResources),
            webhook: { resources: containerResources(props.operatorResources) },
            cainjector: { resources: containerResources(props.operatorResources) },
          },
          dependsOn: props.dependsOn,
        }).release
      : undefined;
    const afterOperator = operator ? [operator] : [...props.dependsOn];
    const authority = props.certificateAuthority
      ? new ManifestsRelease(this, "authority", {
          name: "certificate-authority",
          namespace: props.naming.namespaces.certManager,
          objects: certificateAuthorityObjects(props.naming),
          dependsOn: afterOperator,
        }).release
      : undefined;
    this.ready = authority ? [authority] : afterOperator;
  }
}
