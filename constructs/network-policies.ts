import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ConnectionGraph } from "./connections";
import type { KubernetesObject } from "./kubernetes-object";
import { ManifestsRelease } from "./manifests-release";
import { networkPolicyObjects } from "./resources/network-policies";

export interface NetworkPoliciesProps {
  /** Helm release name, one release per namespace. */
  readonly releaseName: string;
  /** The namespaces the stack creates, each with the resource its policies wait for. */
  readonly namespaces: readonly { readonly name: string; readonly resource: ITerraformDependable }[];
}

/**
 * Default-deny NetworkPolicies for every namespace of the stack plus the allow rules the connection graph implies,
 * one release per namespace. The policies are derived at synthesis, so every flow recorded while the stack was built
 * is in; a flow recorded after that is an error (ConnectionGraph.seal).
 */
export class NetworkPolicies extends Construct {
  readonly releases: readonly ManifestsRelease["release"][];

  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const graph = ConnectionGraph.of(this);
    let derived: readonly KubernetesObject[] | undefined;
    const policies = (): readonly KubernetesObject[] =>
      (derived ??= networkPolicyObjects(
        graph.seal(this.node.path),
        props.namespaces.map((namespace) => namespace.name),
      ));
    this.releases = props.namespaces.map(
      (namespace) =>
        new ManifestsRelease(this, namespace.name, {
          name: props.releaseName,
          namespace: namespace.name,
          objects: () => policies().filter((object) => object.metadata.namespace === namespace.name),
          dependsOn: [namespace.resource],
        }).release,
    );
  }
}
