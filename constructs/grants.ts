import type { IConstruct } from "constructs";
import { ConnectionGraph, type Peer } from "./connections";
import { kubernetesApiFlow } from "./resources/cluster-peers";

/** A set of pods: the `pods` member of {@link Peer}. */
export type PodsPeer = Extract<Peer, { readonly kind: "pods" }>;

/**
 * A workload a service can grant access to (aws-cdk's `IGrantable`): the construct that runs it and the pods that
 * open its connections.
 */
export interface Grantee extends IConstruct {
  readonly pods: PodsPeer;
}

/** Records that `from` opens connections to `to` on `port`, in the connection graph of `scope`'s stack. */
export function recordFlow(scope: IConstruct, from: PodsPeer, to: Peer, port: number, purpose: string): void {
  ConnectionGraph.of(scope).allow({ from, to, port, purpose });
}

/** Records that `from` calls the Kubernetes API (with the rights its ServiceAccount's Role gives it). */
export function recordApiServerFlow(scope: IConstruct, from: PodsPeer, purpose: string): void {
  ConnectionGraph.of(scope).allow(kubernetesApiFlow(from, purpose));
}
