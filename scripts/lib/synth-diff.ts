/**
 * What a change does to one synthesized stack, in the terms a reviewer asks about: releases added or removed, chart
 * and image versions, values, the objects our manifests releases carry, and resource requests. Built on the
 * reviewable summary (release-summary.ts) and the requests reader (requests.ts); rendered by synth-diff-render.ts.
 */
import { assetHash } from "./local-charts";
import {
  diffSummaries,
  summarizableStack,
  summarizeStack,
  type SummaryChange,
  type SummarySection,
} from "./release-summary";
import { requestRows, totals, UncountedWorkloadError, type RequestRow, type Totals } from "./requests";
import { helmReleases, type JsonObject } from "./synthesized-stack";

/** One side of the diff: a cdk.tf.json and the charts folder of the checkout that synthesized it. */
export interface SynthSide {
  readonly json: Record<string, unknown>;
  readonly chartsDirectory: string;
}

/** A release as the lists of added and removed releases show it. */
export interface ReleaseIdentity {
  readonly name: string;
  readonly namespace: string;
  /** `local:<chart>` for our charts, else the chart and its version. */
  readonly chart: string;
}

/** The changes of one block (`release x`, or `release x › object Kind/namespace/name`), in key path order. */
export interface BlockChanges {
  readonly block: string;
  readonly changes: readonly SummaryChange[];
}

/** What one workload asks the scheduler for on one side. */
export interface WorkloadFigures {
  readonly pods: number;
  readonly cpuMillicores: number;
  readonly memoryMi: number;
}

export interface WorkloadRequestChange {
  readonly release: string;
  readonly workload: string;
  readonly before?: WorkloadFigures;
  readonly after?: WorkloadFigures;
}

export type RequestsDiff =
  | {
      readonly workloads: readonly WorkloadRequestChange[];
      readonly totalBefore: Totals;
      readonly totalAfter: Totals;
    }
  /** A side has a workload requests.ts cannot size: its message. */
  | { readonly error: string };

export interface StackDiff {
  readonly releasesAdded: readonly ReleaseIdentity[];
  readonly releasesRemoved: readonly ReleaseIdentity[];
  /** Chart versions, image names and tags, and the contents of our local charts. */
  readonly versions: readonly SummaryChange[];
  /** Values of releases that stay, per release. */
  readonly values: readonly BlockChanges[];
  /** Objects carried by manifests releases (custom resources and built-in objects), field by field. */
  readonly objects: readonly BlockChanges[];
  /** Terraform settings, providers, settings every release shares, data sources, namespaces. */
  readonly other: readonly SummaryChange[];
  readonly requests: RequestsDiff;
}

/** A key path whose last segment names an image or its tag (image, image.tag, imageTag, images[…]). */
const imagePath = /(^|[.\]])(image|images|imageTag|tag)(\[[^\]]*\])?$|(^|\.)image(s)?\./;

function isVersionChange(change: SummaryChange, nested: boolean): boolean {
  if (change.path === undefined) return false;
  if (!nested && (change.path === "version" || change.path === "chart")) return true;
  return imagePath.test(change.path);
}

const releaseHeading = /^release (.+)$/;

/** The summaries of both sides compared, classified for a reviewer, with requests before and after. */
export function diffStacks(before: SynthSide, after: SynthSide): StackDiff {
  const beforeSections = summarizeStack(summarizableStack(before.json), before.chartsDirectory);
  const afterSections = summarizeStack(summarizableStack(after.json), after.chartsDirectory);
  const changes = diffSummaries(beforeSections, afterSections);
  const releasesAdded: ReleaseIdentity[] = [];
  const releasesRemoved: ReleaseIdentity[] = [];
  const wholeReleases = new Set<string>();
  const versions: SummaryChange[] = [];
  const values = new Map<string, SummaryChange[]>();
  const objects = new Map<string, SummaryChange[]>();
  const other: SummaryChange[] = [];
  const add = (groups: Map<string, SummaryChange[]>, change: SummaryChange) =>
    groups.set(change.block, [...(groups.get(change.block) ?? []), change]);

  for (const change of changes) {
    const [releaseBlock, ...nestedBlocks] = change.block.split(" › ");
    const release = releaseHeading.exec(releaseBlock)?.[1];
    if (release === undefined) {
      other.push(change);
    } else if (nestedBlocks.length === 0 && change.path === undefined && change.sign !== "~") {
      wholeReleases.add(releaseBlock);
      const sections = change.sign === "+" ? afterSections : beforeSections;
      (change.sign === "+" ? releasesAdded : releasesRemoved).push(releaseIdentity(sections, releaseBlock, release));
    } else if (wholeReleases.has(releaseBlock)) {
      // A release that came or went is listed once; the objects it carries are named, not spelt out.
      if (nestedBlocks.length > 0 && change.path === undefined) add(objects, change);
    } else if (isVersionChange(change, nestedBlocks.length > 0)) {
      versions.push(change);
    } else {
      add(nestedBlocks.length > 0 ? objects : values, change);
    }
  }
  versions.push(...localChartChanges(before, after));
  const blocks = (groups: Map<string, SummaryChange[]>) =>
    [...groups].map(([block, grouped]): BlockChanges => ({ block, changes: grouped }));
  return {
    releasesAdded,
    releasesRemoved,
    versions,
    values: blocks(values),
    objects: blocks(objects),
    other,
    requests: diffRequests(before, after),
  };
}

function releaseIdentity(sections: readonly SummarySection[], heading: string, name: string): ReleaseIdentity {
  const fields = sections.find((section) => section.heading === heading)?.fields ?? {};
  const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
  const version = fields.version === undefined ? "" : ` ${text(fields.version)}`;
  return { name, namespace: text(fields.namespace), chart: `${text(fields.chart)}${version}` };
}

/**
 * A local chart whose files changed keeps its name in the summary; its asset hash (cdktf's hash of the chart's
 * files) tells that its templates or schema changed.
 */
function localChartChanges(before: SynthSide, after: SynthSide): SummaryChange[] {
  const hashes = (side: SynthSide) =>
    new Map(
      helmReleases(side.json as JsonObject).map((release): [string, string | undefined] => [
        release.name,
        assetHash(release.chart),
      ]),
    );
  const beforeHashes = hashes(before);
  const changes: SummaryChange[] = [];
  for (const [name, hash] of hashes(after)) {
    const old = beforeHashes.get(name);
    if (hash === undefined || old === undefined || old === hash) continue;
    const block = `release ${name}`;
    const [shortOld, shortNew] = [old.slice(0, 8), hash.slice(0, 8)];
    const line = `~ ${block} local chart files: ${shortOld} → ${shortNew}`;
    changes.push({ block, sign: "~", path: "local chart files", before: shortOld, after: shortNew, line });
  }
  return changes;
}

function requestsOf(side: SynthSide): RequestRow[] {
  return requestRows(side.json, side.chartsDirectory);
}

function diffRequests(before: SynthSide, after: SynthSide): RequestsDiff {
  let rows: [RequestRow[], RequestRow[]];
  try {
    rows = [requestsOf(before), requestsOf(after)];
  } catch (error) {
    if (error instanceof UncountedWorkloadError) return { error: error.message };
    throw error;
  }
  const [beforeRows, afterRows] = rows;
  const key = (row: RequestRow) => `${row.release}\u0000${row.workload}`;
  const figures = (row: RequestRow | undefined): WorkloadFigures | undefined =>
    row && { pods: row.pods, cpuMillicores: row.cpuMillicores, memoryMi: row.memoryMi };
  const beforeByKey = new Map(beforeRows.map((row) => [key(row), row]));
  const afterByKey = new Map(afterRows.map((row) => [key(row), row]));
  const workloads: WorkloadRequestChange[] = [];
  for (const row of [...beforeRows, ...afterRows.filter((candidate) => !beforeByKey.has(key(candidate)))]) {
    const [old, current] = [figures(beforeByKey.get(key(row))), figures(afterByKey.get(key(row)))];
    if (JSON.stringify(old) === JSON.stringify(current)) continue;
    workloads.push({
      release: row.release,
      workload: row.workload,
      ...(old ? { before: old } : {}),
      ...(current ? { after: current } : {}),
    });
  }
  return { workloads, totalBefore: totals(beforeRows), totalAfter: totals(afterRows) };
}

/** True when nothing a reviewer is shown differs. */
export function isEmptyDiff(diff: StackDiff): boolean {
  const requestsSame = "error" in diff.requests ? false : diff.requests.workloads.length === 0;
  return (
    requestsSame &&
    [diff.releasesAdded, diff.releasesRemoved, diff.versions, diff.values, diff.objects, diff.other].every(
      (list) => list.length === 0,
    )
  );
}
