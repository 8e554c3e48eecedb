import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ConnectionGraph } from "./connections";
import { partOfLabel } from "./kubernetes-object";
import { dnsFlows } from "./resources/cluster-peers";

/** Pod Security Standard a namespace enforces. */
export type PodSecurityLevel = "restricted" | "baseline";

export interface NamespaceSpec {
  readonly name: string;
  readonly podSecurity: PodSecurityLevel;
  /** Why the namespace cannot be restricted; required for baseline. */
  readonly reason?: string;
}

export interface NamespacesProps {
  readonly namespaces: readonly NamespaceSpec[];
}

/** The stack's namespaces, each enforcing a Pod Security level and warning about anything stricter. */
export class Namespaces extends Construct {
  private readonly byName = new Map<string, NamespaceV1>();

  constructor(scope: Construct, id: string, props: NamespacesProps) {
    super(scope, id);
    for (const spec of props.namespaces) {
      if (spec.podSecurity !== "restricted" && !spec.reason) {
        throw new Error(`namespace ${spec.name}: a ${spec.podSecurity} namespace needs a reason`);
      }
      const namespace = new NamespaceV1(this, spec.name, {
        metadata: {
          name: spec.name,
          labels: {
            ...partOfLabel,
            "pod-security.kubernetes.io/enforce": spec.podSecurity,
            // Warn and audit at restricted everywhere, so relaxations stay visible.
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
          },
          annotations: spec.reason ? { "streamstack.io/pod-security-reason": spec.reason } : undefined,
        },
      });
      this.byName.set(spec.name, namespace);
      for (const flow of dnsFlows(spec.name)) ConnectionGraph.of(this).allow(flow);
    }
  }

  /** Every namespace of the stack with its resource, for what each namespace gets (its network policies). */
  get all(): readonly { readonly name: string; readonly resource: NamespaceV1 }[] {
    return [...this.byName].map(([name, resource]) => ({ name, resource }));
  }

  /** The namespace resource, for dependsOn. */
  get(name: string): NamespaceV1 {
    const namespace = this.byName.get(name);
    if (!namespace) throw new Error(`namespace ${name} is not part of the stack`);
    return namespace;
  }
}
