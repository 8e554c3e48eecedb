import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import type { INetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
import type { Flow, Peer } from "../connections";
import { partOfLabel, type KubernetesObject } from "../kubernetes-object";
import { anyAddress, clusterDns, kubernetesApi } from "./cluster-peers";

type PodsPeer = Extract<Peer, { kind: "pods" }>;

/** Annotation listing the flows a policy allows, so a reviewer reads why each rule exists. */
export const flowsAnnotation = "streamstack.io/flows";
export const defaultDenyPolicyName = "default-deny";

/** The label the API server sets on every namespace (NamespaceDefaultLabelName, Kubernetes 1.21+). */
const namespaceNameLabel = "kubernetes.io/metadata.name";

function namespaceSelector(namespace: string) {
  return { matchLabels: { [namespaceNameLabel]: namespace } };
}

/** The remote end of a rule, as NetworkPolicy selects it. */
function policyPeer(peer: Peer): INetworkPolicyPeer {
  switch (peer.kind) {
    case "pods":
      return { namespaceSelector: namespaceSelector(peer.namespace), podSelector: { matchLabels: { ...peer.labels } } };
    case "dns":
      return {
        namespaceSelector: namespaceSelector(clusterDns.namespace),
        podSelector: { matchLabels: clusterDns.labels },
      };
    case "kube-apiserver":
      return { ipBlock: { cidr: kubernetesApi.cidr } };
    case "internet":
      return { ipBlock: { cidr: anyAddress } };
  }
}

function policyPorts(flow: Flow): INetworkPolicyPort[] {
  const protocol = flow.protocol ?? "TCP";
  // Policies see the API server's endpoint port, not the Service's (cluster-peers.ts).
  const ports = flow.to.kind === "kube-apiserver" ? kubernetesApi.endpointPorts : [flow.port];
  return ports.map((port) => ({ protocol, port }));
}

/** A DNS label from a peer's name (policy names are DNS subdomains). */
function slug(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!cleaned)
    throw new Error(`connection graph: peer name "${name}" has no letters or digits to name a policy after`);
  return cleaned;
}

function describe(peer: Peer): string {
  return peer.kind === "pods" ? `${peer.namespace}/${peer.name}` : peer.kind;
}

interface PolicyDraft {
  readonly pods: PodsPeer;
  readonly direction: "ingress" | "egress";
  readonly rules: Map<string, { peer: INetworkPolicyPeer; ports: INetworkPolicyPort[]; purposes: string[] }>;
}

/**
 * NetworkPolicies for the namespaces the stack manages, derived from the connection graph alone: each namespace
 * denies all ingress and egress by default; each flow adds an ingress rule on the server's pods (when they are in a
 * managed namespace) and an egress rule on the client's pods (likewise). One policy per pod set and direction.
 */
export function networkPolicyObjects(flows: readonly Flow[], managedNamespaces: readonly string[]): KubernetesObject[] {
  const managed = new Set(managedNamespaces);
  const drafts = new Map<string, PolicyDraft>();
  const selectorsByName = new Map<string, string>();

  const draftFor = (pods: PodsPeer, direction: PolicyDraft["direction"]): PolicyDraft => {
    const name = `${pods.namespace}/${slug(pods.name)}`;
    const selector = JSON.stringify(Object.entries(pods.labels).sort());
    const known = selectorsByName.get(name);
    if (known !== undefined && known !== selector) {
      throw new Error(
        `connection graph: two pod sets named "${pods.name}" in namespace ${pods.namespace} select different labels ` +
          `(${known} and ${selector}); give each its own name`,
      );
    }
    selectorsByName.set(name, selector);
    const key = `${name}/${direction}`;
    let draft = drafts.get(key);
    if (!draft) {
      draft = { pods, direction, rules: new Map() };
      drafts.set(key, draft);
    }
    return draft;
  };

  const addRule = (draft: PolicyDraft, remote: Peer, flow: Flow) => {
    const peer = policyPeer(remote);
    const ports = policyPorts(flow);
    const key = JSON.stringify([peer, ports]);
    const rule = draft.rules.get(key) ?? { peer, ports, purposes: [] };
    rule.purposes.push(`${describe(flow.from)} -> ${describe(flow.to)}:${flow.port}: ${flow.purpose}`);
    draft.rules.set(key, rule);
  };

  for (const flow of flows) {
    if (flow.to.kind === "pods" && managed.has(flow.to.namespace))
      addRule(draftFor(flow.to, "ingress"), flow.from, flow);
    if (flow.from.kind === "pods" && managed.has(flow.from.namespace))
      addRule(draftFor(flow.from, "egress"), flow.to, flow);
  }

  const denyAll = [...managed].sort().map(
    (namespace): KubernetesObject =>
      ({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: defaultDenyPolicyName, namespace, labels: { ...partOfLabel } },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      }) satisfies INetworkPolicy,
  );
  const allows = [...drafts.values()]
    .sort((a, b) => `${a.pods.namespace}/${a.pods.name}`.localeCompare(`${b.pods.namespace}/${b.pods.name}`))
    .map((draft): KubernetesObject => {
      const rules = [...draft.rules.values()];
      return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
          name: `allow-${slug(draft.pods.name)}-${draft.direction}`,
          namespace: draft.pods.namespace,
          labels: { ...partOfLabel },
          annotations: { [flowsAnnotation]: rules.flatMap((rule) => rule.purposes).join("\n") },
        },
        spec: {
          podSelector: { matchLabels: { ...draft.pods.labels } },
          policyTypes: [draft.direction === "ingress" ? "Ingress" : "Egress"],
          ...(draft.direction === "ingress"
            ? { ingress: rules.map((rule) => ({ from: [rule.peer], ports: rule.ports })) }
            : { egress: rules.map((rule) => ({ to: [rule.peer], ports: rule.ports })) }),
        },
      } satisfies INetworkPolicy;
    });
  return [...denyAll, ...allows];
}
