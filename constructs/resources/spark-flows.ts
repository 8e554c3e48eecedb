import type { Naming } from "../../config/naming";
import type { Flow } from "../connections";
import type { PodsPeer } from "../grants";
import { kubernetesApiFlow, pods, webhookFlow } from "./cluster-peers";

/**
 * Spark on Kubernetes fixes the driver's RPC and block manager ports (resource-managers/kubernetes
 * .../deploy/k8s/Constants.scala: DEFAULT_DRIVER_PORT 7078, DEFAULT_BLOCKMANAGER_PORT 7079); executors' block
 * managers listen on `spark.blockManager.port`, which the SparkApplication pins to the same port
 * (spark-application.ts) so that policies can name it. Maven Central serves the connector packages over HTTPS.
 * The operator chart (kubeflow/spark-operator v2.2.1 values.yaml) serves its webhook on `webhook.port` 9443.
 */
export const sparkPorts = { driverRpc: 7078, blockManager: 7079, webhook: 9443, packageRepository: 443 } as const;

/**
 * The operator's pods carry the chart's selector labels plus `app.kubernetes.io/component: controller | webhook`
 * (templates/controller/_helpers.tpl, templates/webhook/_helpers.tpl).
 */
export function sparkOperatorPeers(naming: Naming) {
  const operator = (component: string) =>
    pods(naming.namespaces.sparkOperator, `spark-operator-${component}`, {
      "app.kubernetes.io/name": "spark-operator",
      "app.kubernetes.io/instance": naming.releases.sparkOperator,
      "app.kubernetes.io/component": component,
    });
  return { controller: operator("controller"), webhook: operator("webhook") };
}

/** Spark labels its pods `spark-role: driver | executor` (Constants.scala SPARK_ROLE_LABEL) beside the job's labels. */
export function sparkRolePods(jobPods: PodsPeer, role: "driver" | "executor"): PodsPeer {
  return { ...jobPods, name: `${jobPods.name}-${role}`, labels: { ...jobPods.labels, "spark-role": role } };
}

/** The operator's API calls and webhook, and spark-submit's package downloads. */
export function sparkOperatorFlows(naming: Naming): Flow[] {
  const { controller, webhook } = sparkOperatorPeers(naming);
  return [
    kubernetesApiFlow(controller, "reconcile SparkApplications, spark-submit creates the driver"),
    kubernetesApiFlow(webhook, "webhook's certificate and configuration"),
    webhookFlow(webhook, sparkPorts.webhook, "mutate Spark pods, validate SparkApplications"),
    {
      from: controller,
      to: { kind: "internet" },
      port: sparkPorts.packageRepository,
      purpose: "spark-submit resolves the job's packages with Ivy",
    },
  ];
}

/** The driver's and the executors' own traffic (`jobPods` select both). */
export function sparkJobFlows(jobPods: PodsPeer): Flow[] {
  const driver = sparkRolePods(jobPods, "driver");
  const executor = sparkRolePods(jobPods, "executor");
  return [
    kubernetesApiFlow(driver, "create and watch executors"),
    {
      from: driver,
      to: { kind: "internet" },
      port: sparkPorts.packageRepository,
      purpose: "resolve the job's packages",
    },
    { from: executor, to: driver, port: sparkPorts.driverRpc, purpose: "register, receive tasks, fetch jars" },
    { from: executor, to: driver, port: sparkPorts.blockManager, purpose: "fetch broadcast blocks" },
    { from: driver, to: executor, port: sparkPorts.blockManager, purpose: "fetch task results" },
    { from: executor, to: executor, port: sparkPorts.blockManager, purpose: "shuffle blocks" },
  ];
}
