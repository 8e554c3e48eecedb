import type { Naming } from "../../config/naming";
import type { StreamstackConfig } from "../../config/schema";
import type { Flow } from "../connections";
import type { PodsPeer } from "../grants";
import { kubernetesApiFlow, nodePortFlow, pods } from "./cluster-peers";

/**
 * Ports of the official chart 1.22.0 (values schema `ports`: apiServer 8080, workerLogs 8793, triggererLogs 8794).
 * Airflow 3 task processes call the API server's execution API; the API server reads task logs from the pod that
 * ran the task (workers, or the scheduler under LocalExecutor) and from the triggerer.
 */
export const airflowPorts = { apiServer: 8080, workerLogs: 8793, triggererLogs: 8794 } as const;

/** Pods as the chart labels them: `tier: airflow`, `component: <component>`, `release: <release>` (pod-template-file too). */
export function airflowPeers(naming: Naming) {
  const namespace = naming.namespaces.airflow;
  const base = { tier: "airflow", release: naming.releases.airflow };
  const component = (name: string) => pods(namespace, `airflow-${name}`, { ...base, component: name });
  return {
    all: pods(namespace, "airflow", base),
    scheduler: component("scheduler"),
    apiServer: component("api-server"),
    triggerer: component("triggerer"),
  };
}

/**
 * Airflow's own traffic: the scheduler launching task pods (KubernetesExecutor), every process calling the execution
 * API, the API server reading logs from `taskPods` (the pods that run tasks) and from the triggerer.
 */
export function airflowFlows(
  naming: Naming,
  taskPods: PodsPeer,
  executor: StreamstackConfig["airflow"]["executor"],
  serviceType: StreamstackConfig["expose"]["serviceType"],
): Flow[] {
  const { all, scheduler, apiServer, triggerer } = airflowPeers(naming);
  return [
    ...(serviceType === "nodePort" ? [nodePortFlow(apiServer, airflowPorts.apiServer)] : []),
    ...(executor === "KubernetesExecutor" ? [kubernetesApiFlow(scheduler, "launch and watch task pods")] : []),
    { from: all, to: apiServer, port: airflowPorts.apiServer, purpose: "task execution API" },
    { from: apiServer, to: taskPods, port: airflowPorts.workerLogs, purpose: "read task logs" },
    { from: apiServer, to: triggerer, port: airflowPorts.triggererLogs, purpose: "read triggerer logs" },
  ];
}
