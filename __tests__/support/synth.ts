import type * as Cdktf from "cdktf";
import type * as ConfigLoad from "../../config/load";
import type { StreamstackConfig } from "../../config/schema";
import type { KubernetesObject } from "../../constructs/kubernetes-object";
import {
  helmReleases,
  parseValuesDocument,
  type HelmRelease,
  type JsonObject,
} from "../../scripts/lib/synthesized-stack";
import { matrix } from "../../config/matrix";
import type * as StackModule from "../../stacks/streamstack-stack";
import { sharedParse, sharedSynth } from "./synth-run-cache";
import { withV8StackTraces } from "./v8-stack-traces";

/** A release as the tests read it: scripts/lib/synthesized-stack.ts's reading, with its first values document parsed. */
export interface SynthesizedRelease {
  /** Terraform resource id, as other resources reference it. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly repository?: string;
  readonly version?: string;
  readonly values: Record<string, unknown>;
  /** The values string as it stands in the Terraform JSON. */
  readonly rawValues: string;
  /** Terraform ids of the helm releases this one depends on directly. */
  readonly dependsOn: readonly string[];
  /** True for our charts (copied as assets), false for upstream charts. */
  readonly local: boolean;
}

export interface SynthesizedStack {
  readonly config: StreamstackConfig;
  readonly json: Record<string, unknown>;
  readonly releases: readonly SynthesizedRelease[];
  release(name: string): SynthesizedRelease;
  /** Objects carried by releases of the `manifests` chart, with the release that carries them. */
  readonly manifestObjects: readonly { readonly object: KubernetesObject; readonly release: SynthesizedRelease }[];
  resourcesOfType(type: string): Record<string, Record<string, unknown>>;
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;

const byInput = new Map<string, SynthesizedStack>();
const byConfig = new Map<string, SynthesizedStack>();

/**
 * The stack's Terraform JSON, from cdktf. cdktf and the stack's modules (about 500 files, 4 MB of JavaScript) are loaded
 * here, on a miss of the run's synth cache, not by every test file that reads a stack: jest loads modules again for each
 * test file, and most of them read stacks another file of the run has already synthesized.
 */
function synthesizeJson(config: StreamstackConfig): string {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
  const { Testing } = require("cdktf") as typeof Cdktf;
  const { StreamstackStack } = require("../../stacks/streamstack-stack") as typeof StackModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return withV8StackTraces(() => Testing.synth(new StreamstackStack(Testing.app(), config)));
}

/**
 * The validated config of a profile and overrides, validated once per run (config/load's config is plain JSON data).
 * config/load, and zod with it (60 modules, about 40 ms to load), is loaded here only when no test file of the run has
 * validated the same input: most files that read stacks read ones another file has made, and need neither.
 */
function validatedConfig(input: string, profile: "kind" | "cloud", overrides: unknown): StreamstackConfig {
  const text = sharedSynth(`validated config ${input}`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
    const { loadConfig } = require("../../config/load") as typeof ConfigLoad;
    return JSON.stringify(loadConfig({ profile, overrides }));
  });
  return JSON.parse(text) as StreamstackConfig;
}

/** Synthesizes the stack for a profile and overrides, parsed for assertions (cached per input). */
export function synthesize(profile: "kind" | "cloud" = "kind", overrides: unknown = {}): SynthesizedStack {
  const input = JSON.stringify([profile, overrides]);
  const hit = byInput.get(input);
  if (hit) return hit;
  const config = validatedConfig(input, profile, overrides);
  // The stack is a function of the validated config alone: overrides that resolve to the same config (a default spelled
  // out, as the matrix does with the Kafka mode) share one synthesis.
  const key = JSON.stringify(config);
  const same = byConfig.get(key);
  if (same) {
    byInput.set(input, same);
    return same;
  }
  const json = JSON.parse(sharedSynth(key, () => synthesizeJson(config))) as Record<string, unknown>;
  const resources = (json.resource ?? {}) as Resources;
  const releases = helmReleases(json as JsonObject).map(toRelease);
  const synthesized: SynthesizedStack = {
    config,
    json,
    releases,
    release(name) {
      const found = releases.find((release) => release.name === name);
      if (!found) throw new Error(`no helm_release named ${name}; have ${releases.map((r) => r.name).join(", ")}`);
      return found;
    },
    manifestObjects: releases
      .filter((release) => release.local && Array.isArray(release.values.resources))
      .flatMap((release) => (release.values.resources as KubernetesObject[]).map((object) => ({ object, release }))),
    resourcesOfType: (type) => resources[type] ?? {},
  };
  byInput.set(input, synthesized);
  byConfig.set(key, synthesized);
  return synthesized;
}

/**
 * A helm_release of the synthesized JSON with its first values document parsed. Parsed once per distinct document in
 * a jest run (support/synth-run-cache.ts): the producer's and the dashboard's values carry their whole bundles, and
 * reading those as YAML in every test file and every stack cost more than synthesizing.
 */
export function toRelease(release: HelmRelease): SynthesizedRelease {
  const valuesText = release.values[0] ?? "{}";
  return {
    id: release.id,
    name: release.name,
    namespace: release.namespace,
    chart: release.chart,
    repository: release.repository,
    version: release.version,
    values: sharedParse("helm values document", valuesText, parseValuesDocument),
    rawValues: valuesText,
    dependsOn: release.dependsOn,
    local: release.repository === undefined,
  };
}

/** Every release reachable through depends_on from the given one. */
export function transitiveDependencies(stack: SynthesizedStack, release: SynthesizedRelease): Set<string> {
  const byId = new Map(stack.releases.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const visit = (current: SynthesizedRelease) => {
    for (const id of current.dependsOn) {
      if (seen.has(id)) continue;
      seen.add(id);
      const next = byId.get(id);
      if (next) visit(next);
    }
  };
  visit(release);
  return seen;
}

/** The releases reachable through depends_on from the given one. */
export function upstreamReleases(stack: SynthesizedStack, release: SynthesizedRelease): SynthesizedRelease[] {
  const upstream = transitiveDependencies(stack, release);
  return stack.releases.filter((candidate) => upstream.has(candidate.id));
}

/** The stack with one release changed, for showing that a check catches a broken wiring. */
export function withReleaseChanged(
  stack: SynthesizedStack,
  name: string,
  change: (release: SynthesizedRelease) => SynthesizedRelease,
): SynthesizedStack {
  return {
    ...stack,
    releases: stack.releases.map((release) => (release.name === name ? change(release) : release)),
  };
}

/** Every profile × Kafka mode, the same list the synth matrix script uses. */
export const profileModeMatrix = matrix;

export function synthesizeMatrixEntry(entry: (typeof profileModeMatrix)[number]): SynthesizedStack {
  return synthesize(entry.profile, { kafka: { mode: entry.mode } });
}
