import type { Flow, Peer } from "../connections";
import type { PodsPeer } from "../grants";

/**
 * Cluster DNS as kubeadm-based clusters (kind included) deploy it: CoreDNS pods labelled `k8s-app: kube-dns` in
 * kube-system (kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go), answering on port 53.
 */
export const clusterDns = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, port: 53 } as const;

/**
 * The API server as pods reach it: the `kubernetes` Service's port is 443, but policies see the connection after the
 * Service's address was translated to an endpoint, which listens on 6443 in kind and kubeadm clusters and on 443 in
 * most managed ones; its address is not known when the stack is synthesized.
 */
export const kubernetesApi = { servicePort: 443, endpointPorts: [443, 6443], cidr: "0.0.0.0/0" } as const;

/** Any address: the API server calling a webhook comes from a node (host network) address, not from a pod. */
export const anyAddress = "0.0.0.0/0";

/** Pods in a namespace selected by labels; `{}` selects every pod of the namespace. */
export function pods(namespace: string, name: string, labels: Readonly<Record<string, string>>): PodsPeer {
  return { kind: "pods", name, namespace, labels };
}

/** Every pod in the namespace resolves names through cluster DNS, over UDP and TCP (large answers). */
export function dnsFlows(namespace: string): Flow[] {
  const everyPod = pods(namespace, "all-pods", {});
  return (["UDP", "TCP"] as const).map((protocol) => ({
    from: everyPod,
    to: { kind: "dns" },
    port: clusterDns.port,
    protocol,
    purpose: `resolve cluster names (${protocol})`,
  }));
}

/** `from` watches or changes objects through the Kubernetes API. */
export function kubernetesApiFlow(from: Peer, purpose: string): Flow {
  return { from, to: { kind: "kube-apiserver" }, port: kubernetesApi.servicePort, purpose };
}

/** The API server calls an admission or conversion webhook served by `to` on `port`. */
export function webhookFlow(to: Peer, port: number, purpose: string): Flow {
  return { from: { kind: "kube-apiserver" }, to, port, purpose };
}

/** `to` is reached from outside the cluster through a NodePort Service (the kind profile's expose.serviceType). */
export function nodePortFlow(to: Peer, port: number): Flow {
  return { from: { kind: "internet" }, to, port, purpose: "reached from outside the cluster through its NodePort" };
}
