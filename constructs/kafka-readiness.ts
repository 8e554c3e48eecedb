import type { ITerraformDependable } from "cdktf";
import type { Construct } from "constructs";
import type { Naming } from "../config/naming";
import type { ContainerImage } from "./container-image";
import type { KubernetesObject } from "./kubernetes-object";
import { ReadinessGate } from "./readiness-gate";
import { hasReadinessRule } from "./resources/readiness";

/** Image pulls, ZooKeeper or controllers, then brokers rolling in, then the entity operator; fails after this. */
export const kafkaReadySeconds = 900;

/**
 * The gate Kafka clients wait on: the Kafka cluster, its topics and users (and the TLS certificates, when on)
 * Ready, as Strimzi and cert-manager report it. Objects without a readiness rule (KafkaNodePool) are skipped.
 */
export function kafkaReadinessGate(
  scope: Construct,
  gateImage: ContainerImage,
  naming: Naming,
  objects: () => readonly KubernetesObject[],
  dependsOn: readonly ITerraformDependable[],
): ReadinessGate {
  return new ReadinessGate(scope, "ready", {
    name: naming.gates.kafka,
    namespace: naming.namespaces.kafka,
    objects: () => objects().filter(hasReadinessRule),
    timeoutSeconds: kafkaReadySeconds,
    image: gateImage,
    dependsOn,
  });
}
