import type { Naming } from "../../config/naming";
import type { Flow } from "../connections";
import { kubernetesApiFlow, pods, webhookFlow } from "./cluster-peers";

/** The webhook's `securePort` default in cert-manager v1.21.1 `deploy/charts/cert-manager/values.yaml`. */
export const certManagerWebhookPort = 10250;

/**
 * cert-manager's pods as its chart labels them (v1.21.1 templates deployment.yaml, webhook-deployment.yaml,
 * cainjector-deployment.yaml, startupapicheck-job.yaml: app.kubernetes.io/name and app.kubernetes.io/component).
 */
function certManagerPod(naming: Naming, name: string, component: string) {
  return pods(naming.namespaces.certManager, `cert-manager-${component}`, {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
  });
}

/** Every cert-manager pod works through the Kubernetes API; the API server calls its admission webhook. */
export function certManagerFlows(naming: Naming): Flow[] {
  const webhook = certManagerPod(naming, "webhook", "webhook");
  return [
    kubernetesApiFlow(certManagerPod(naming, "cert-manager", "controller"), "issue certificates"),
    kubernetesApiFlow(webhook, "webhook's serving certificate and configuration"),
    kubernetesApiFlow(certManagerPod(naming, "cainjector", "cainjector"), "inject CA bundles into webhooks and CRDs"),
    kubernetesApiFlow(certManagerPod(naming, "startupapicheck", "startupapicheck"), "post-install API check"),
    webhookFlow(webhook, certManagerWebhookPort, "validate and mutate cert-manager resources"),
  ];
}
