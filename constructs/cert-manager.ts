import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { charts } from "../config/versions";
import { ChartRelease } from "./chart-release";
import { ConnectionGraph } from "./connections";
import { ManifestsRelease } from "./manifests-release";
import type { OperatorComponentProps } from "./operator-component-props";
import { ReadinessGate } from "./readiness-gate";
import { certManagerFlows } from "./resources/cert-manager-flows";
import { certificateAuthorityObjects } from "./resources/pki";
import { containerResources } from "./resources/quantities";

export interface CertManagerProps extends OperatorComponentProps {
  /** Install cert-manager; false when the cluster already runs it. */
  readonly install: boolean;
  /** Create the stack's certificate authority (needed for TLS listeners); requires `install`. */
  readonly certificateAuthority: boolean;
}

/** The CA certificate is self-signed in-process: ready within seconds once cert-manager runs. */
const authorityReadySeconds = 300;

/** cert-manager (for K8ssandra's webhooks) and, when TLS is on, the CA that signs the Kafka listener. */
export class CertManager extends Construct {
  /** What a release that needs the CA (or, without one, cert-manager) depends on. */
  readonly ready: readonly ITerraformDependable[];
  /** What a release that needs only cert-manager itself (its webhook, its CRDs) depends on. */
  readonly operatorReady: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id);
    // A CA ClusterIssuer reads its secret from cert-manager's cluster resource namespace (by default the one it
    // runs in); the stack knows that namespace only when it installs cert-manager itself (config/load.ts says so).
    if (props.certificateAuthority && !props.install) {
      throw new Error(
        "the stack's certificate authority needs the stack's own cert-manager: set certManager.enabled: true, " +
          "or kafka.authentication: none",
      );
    }
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
    if (operator) for (const flow of certManagerFlows(props.naming)) ConnectionGraph.of(this).allow(flow);
    const afterOperator = operator ? [operator] : [...props.dependsOn];
    this.operatorReady = afterOperator;
    if (!props.certificateAuthority) {
      this.ready = afterOperator;
      return;
    }
    const authorityObjects = certificateAuthorityObjects(props.naming);
    const authority = new ManifestsRelease(this, "authority", {
      name: props.naming.releases.certificateAuthority,
      namespace: props.naming.namespaces.certManager,
      objects: authorityObjects,
      dependsOn: afterOperator,
    }).release;
    // Certificates signed by the CA issuer are requested only once its CA certificate exists.
    const gate = new ReadinessGate(this, "authority-ready", {
      name: props.naming.gates.certificateAuthority,
      namespace: props.naming.namespaces.certManager,
      // The ClusterIssuers are cluster-scoped (a namespaced Role cannot read them); the CA Certificate is what they wait on.
      objects: authorityObjects.filter((object) => object.kind === "Certificate"),
      timeoutSeconds: authorityReadySeconds,
      image: props.gateImage,
      dependsOn: [authority],
    });
    this.ready = [gate.release];
  }
}
