import type { IPersistentVolumeClaimSpec } from "kubernetes-models/v1/PersistentVolumeClaimSpec";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { Resources, Storage, Volume } from "../../config/schema";

/** Kubernetes requests and limits from our resources setting: memory is requested and capped alike. */
export function containerResources(resources: Resources) {
  return {
    requests: { cpu: resources.cpu, memory: resources.memory },
    limits: { memory: resources.memory },
  } satisfies IResourceRequirements;
}

/**
 * A one-shot Job's resources: as containerResources, plus a CPU limit. Unlike a service, a short Job has no latency
 * to lose to CFS throttling, and the limit bounds a runaway loop (e.g. a gate polling a broken API server).
 */
export function oneShotJobResources(resources: Resources, cpuLimit: string) {
  const base = containerResources(resources);
  return { requests: base.requests, limits: { ...base.limits, cpu: cpuLimit } } satisfies IResourceRequirements;
}

/** A ReadWriteOnce claim spec for the given volume. */
export function claimSpec(volume: Volume | Storage) {
  return {
    accessModes: ["ReadWriteOnce"],
    resources: { requests: { storage: volume.size } },
    ...(volume.storageClass ? { storageClassName: volume.storageClass } : {}),
  } satisfies IPersistentVolumeClaimSpec;
}

/** The hour setting as the milliseconds Kafka topic configs want. */
export function hoursToMilliseconds(hours: number): number {
  return hours * 60 * 60 * 1000;
}
