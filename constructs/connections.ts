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
  | { readonly kind: "dns" }
  /** Addresses outside the cluster (a package repository, a public API), reached through the nodes' egress. */
  | { readonly kind: "internet" };

/** One permitted connection: `from` opens a connection (TCP unless `protocol` says otherwise) to `to` on `port`. */
export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  readonly port: number;
  /** @default "TCP" (DNS is the one UDP flow) */
  readonly protocol?: "TCP" | "UDP";
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
    return existing instanceof ConnectionGraph ? existing : new ConnectionGraph(stack, graphId);
  }

  private readBy?: string;

  allow(flow: Flow): void {
    if (this.readBy) {
      throw new Error(
        `flow "${flow.purpose}" recorded after ${this.readBy} read the connection graph: construct it before the last construct of the stack`,
      );
    }
    this.recorded.push(flow);
  }

  /** The flows, final: a flow recorded afterwards is an error, since `reader` has already derived its objects from them. */
  seal(reader: string): readonly Flow[] {
    this.readBy = reader;
    return this.recorded;
  }

  get flows(): readonly Flow[] {
    return this.recorded;
  }
}
