import type { Construct } from "constructs";
import { ConnectionGraph } from "./connections";
import type { PodsPeer } from "./grants";
import { partOfLabel } from "./kubernetes-object";
import { nodePortFlow } from "./resources/cluster-peers";

/**
 * The pods of a release of one of our charts (charts/*: each labels its pods `app.kubernetes.io/name: <release>`),
 * reached from outside the cluster on `nodePort.port` when the release's Service is a NodePort.
 */
export function localChartPods(
  scope: Construct,
  release: string,
  namespace: string,
  nodePort?: { readonly port: number },
): PodsPeer {
  const pods: PodsPeer = {
    kind: "pods",
    name: release,
    namespace,
    labels: { "app.kubernetes.io/name": release, ...partOfLabel },
  };
  if (nodePort) ConnectionGraph.of(scope).allow(nodePortFlow(pods, nodePort.port));
  return pods;
}
