/**
 * What a deploy of this configuration puts in the cluster, read from the stack itself (synthesized in memory, as
 * `cdktf synth` would): every Helm release with its namespace and layer, every custom resource that has a readiness
 * rule, and the UIs. Nothing is retyped: names come from the stack and config/naming.ts.
 */
import { Testing } from "cdktf";
import { resolveComponents } from "../../config/components";
import { deriveNaming, ports, stackName } from "../../config/naming";
import type { StreamstackConfig } from "../../config/schema";
import type { KubernetesObject } from "../../constructs/kubernetes-object";
import { hasReadinessRule } from "../../constructs/resources/readiness";
import { StreamstackStack } from "../../stacks/streamstack-stack";
import { helmReleases, parseValuesDocument, type HelmRelease, type JsonObject } from "../lib/synthesized-stack";

export interface ExpectedRelease {
  readonly name: string;
  readonly namespace: string;
  /** Length of the longest depends_on chain below it: layer 0 needs nothing, layer N waits for layer N-1. */
  readonly layer: number;
  /** Custom resources this release carries that have a readiness rule (the ones a gate or a user waits on). */
  readonly resources: readonly KubernetesObject[];
}

export interface UserInterface {
  readonly name: string;
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
}

export interface ExpectedPipeline {
  readonly stack: string;
  readonly releases: readonly ExpectedRelease[];
  /** Every namespace a release lives in, where Helm keeps its release secrets. */
  readonly namespaces: readonly string[];
  readonly airflow?: { readonly release: string; readonly namespace: string };
  readonly userInterfaces: readonly UserInterface[];
}

/** How observations are keyed: apiVersion, kind, namespace and name. */
export function resourceKey(object: Pick<KubernetesObject, "apiVersion" | "kind" | "metadata">): string {
  return `${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}

function layers(releases: readonly HelmRelease[]): Map<string, number> {
  const byId = new Map(releases.map((release) => [release.id, release]));
  const depth = new Map<string, number>();
  const visit = (release: HelmRelease): number => {
    const known = depth.get(release.id);
    if (known !== undefined) return known;
    const below = release.dependsOn.map((id) => byId.get(id)).filter((dependency) => dependency !== undefined);
    const layer = below.length === 0 ? 0 : 1 + Math.max(...below.map(visit));
    depth.set(release.id, layer);
    return layer;
  };
  releases.forEach(visit);
  return depth;
}

function carriedResources(release: HelmRelease): KubernetesObject[] {
  const values = parseValuesDocument(release.values[0] ?? "{}");
  const resources = Array.isArray(values.resources) ? (values.resources as KubernetesObject[]) : [];
  return resources.filter((object) => hasReadinessRule(object));
}

export function expectedPipeline(config: StreamstackConfig): ExpectedPipeline {
  const naming = deriveNaming(config);
  // Testing.synth is cdktf's in-memory synthesis: the same Terraform JSON `cdktf synth` writes, without cdktf.out.
  const json = JSON.parse(Testing.synth(new StreamstackStack(Testing.app(), config))) as JsonObject;
  const found = helmReleases(json);
  const depth = layers(found);
  const releases = found
    .map((release) => ({
      name: release.name,
      namespace: release.namespace,
      layer: depth.get(release.id) ?? 0,
      resources: carriedResources(release),
    }))
    .sort((a, b) => a.layer - b.layer || a.name.localeCompare(b.name));
  const components = resolveComponents(config).enabled;
  const apps = naming.namespaces.apps;
  const userInterfaces: UserInterface[] = [];
  if (components.has("controlCenter"))
    userInterfaces.push({
      name: "Control Center",
      namespace: apps,
      service: naming.controlCenter.service,
      port: ports.controlCenter,
    });
  if (components.has("dashboard"))
    userInterfaces.push({
      name: "dashboard",
      namespace: apps,
      // node-app names the Service after the release.
      service: naming.releases.dashboard,
      port: naming.apps.dashboard.port,
    });
  const airflowRelease = releases.find((release) => release.name === naming.releases.airflow);
  if (airflowRelease)
    userInterfaces.push({
      name: "Airflow",
      namespace: airflowRelease.namespace,
      // The official chart's API server Service is <release>-api-server (templates/api-server/api-server-service.yaml).
      service: `${airflowRelease.name}-api-server`,
      port: ports.airflowApi,
    });
  return {
    stack: stackName(config),
    releases,
    namespaces: [...new Set(releases.map((release) => release.namespace))].sort(),
    airflow: airflowRelease ? { release: airflowRelease.name, namespace: airflowRelease.namespace } : undefined,
    userInterfaces,
  };
}
