import { Construct, type IConstruct } from "constructs";

/** Who sits at one end of a flow: a set of pods, the Kubernetes API server, or cluster DNS. */
export type Peer =
  | {
      readonly kind: "pods";
      /** What the pods are, for messages and analysis reports (e.g. "kafka-broker", "producer"). */
      readonly name: string;
      readonly namespace: string;
      /** Labels that select exactly these pods (as their operator or chart sets them). */
      readonly labels: Readonly<Record<string, string>>;
    }
  | { readonly kind: "kube-apiserver" }
  | { readonly kind: "dns" };

/** One permitted connection: `from` opens TCP to `to` on `port`. */
export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: number;
  /** Why the flow exists, e.g. "produce to the users topic"; shown by the policy analysis. */
  readonly purpose: string;
}

const graphId = "connection-graph";

/**
 * The stack's connection graph: every construct that wires a client to a service records the flow here, where the
 * wiring happens; network policies and their analysis are derived from it, never from a list kept beside it.
 */
export class ConnectionGraph extends Construct {
  private readonly recorded: Flow[] = [];

  /** The one graph of the stack that `scope` belongs to (created on first use). */
  static of(scope: IConstruct): ConnectionGraph {
    const root = scope.node.root;
    const stack = scope.node.scopes.find((s) => s.node.scope === root) ?? scope;
    const existing = stack.node.tryFindChild(graphId);
    return existing instanceof ConnectionGraph ? existing : new ConnectionGraph(stack as Construct, graphId);
  }

  allow(flow: Flow): void {
    this.recorded.push(flow);
  }

  get flows(): readonly Flow[] {
    return this.recorded;
  }
}
