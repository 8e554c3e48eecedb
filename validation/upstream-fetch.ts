import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fillCommand, holdsPinned, isComplete, manifestName, sha256 } from "./upstream-cache";
import { upstreamSources, type UpstreamSource } from "./upstream-sources";

/** The public code host's raw-file layout: <base>/<repository>/<ref>/<path>. */
export const publicBaseUrl = "https://raw.githubusercontent.com";
const requestTimeoutMs = 120_000;
const parallelRequests = 4;

export function upstreamBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.STREAMSTACK_UPSTREAM_MIRROR || publicBaseUrl).replace(/\/+$/, "");
}

export function sourceUrl(baseUrl: string, source: UpstreamSource): string {
  return `${baseUrl}/${source.repository}/${source.ref}/${source.path}`;
}

export interface FillOptions {
  readonly baseUrl: string;
  readonly sources?: readonly UpstreamSource[];
  readonly log?: (line: string) => void;
}

export interface FillResult {
  readonly fetched: readonly string[];
  readonly reused: number;
}

type Failure = { readonly kind: "digest" | "unreachable"; readonly line: string; readonly network?: boolean };

/**
 * Brings `directory` to the pinned files: reuses every file whose sha256 already matches (no network then), fetches
 * the others, checks each digest before writing it, and writes MANIFEST.json last. Any failure throws one error that
 * names each file, its source and what to do; nothing unverified is written.
 */
export async function fillSchemaDirectory(directory: string, options: FillOptions): Promise<FillResult> {
  const sources = options.sources ?? upstreamSources;
  const missing = sources.filter((source) => !holdsPinned(directory, source));
  if (missing.length === 0) {
    if (!isComplete(directory)) writeManifest(directory, sources);
    return { fetched: [], reused: sources.length };
  }
  options.log?.(`fetching ${missing.length} pinned upstream files from ${options.baseUrl} into ${directory}`);
  const failures: Failure[] = [];
  const queue = [...missing];
  const worker = async (): Promise<void> => {
    for (let source = queue.shift(); source; source = queue.shift()) {
      const failure = await fetchOne(directory, source, options.baseUrl);
      if (failure) failures.push(failure);
      // The network itself failed: the remaining files would only wait for the same timeout.
      if (failure?.network) notTried += queue.splice(0).length;
    }
  };
  let notTried = 0;
  await Promise.all(Array.from({ length: Math.min(parallelRequests, missing.length) }, worker));
  if (failures.length > 0) throw new Error(failureMessage(directory, options.baseUrl, failures, notTried));
  writeManifest(directory, sources);
  return { fetched: missing.map((source) => source.file), reused: sources.length - missing.length };
}

async function fetchOne(directory: string, source: UpstreamSource, baseUrl: string): Promise<Failure | undefined> {
  const url = sourceUrl(baseUrl, source);
  let body: Buffer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
    if (!response.ok) return { kind: "unreachable", line: `${source.file} ← ${url}: HTTP ${response.status}` };
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    return { kind: "unreachable", line: `${source.file} ← ${url}: ${reason(error)}`, network: true };
  }
  const pinned = source.stripHelmGuard ? stripFirstAndLastLine(body) : body;
  const digest = sha256(pinned);
  if (digest !== source.sha256) {
    return { kind: "digest", line: `${source.file} ← ${url}: sha256 ${digest}, pinned ${source.sha256}` };
  }
  const target = join(directory, source.file);
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.${process.pid}.partial`;
  writeFileSync(partial, pinned);
  renameSync(partial, target);
  return undefined;
}

/** The CloudNativePG chart's `{{- if … }}` first line and `{{- end }}` last line (the file ends in a newline). */
export function stripFirstAndLastLine(body: Buffer): Buffer {
  const lines = body.toString("utf8").split("\n");
  return Buffer.from(lines.slice(1, -2).join("\n") + "\n", "utf8");
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) return `${error.message} (${"code" in cause ? String(cause.code) : cause.message})`;
  return error.message;
}

function failureMessage(directory: string, baseUrl: string, failures: readonly Failure[], notTried: number): string {
  const shown = failures.slice(0, 8).map((failure) => `  - ${failure.line}`);
  if (failures.length > shown.length) shown.push(`  - … and ${failures.length - shown.length} more`);
  if (notTried > 0) shown.push(`  - ${notTried} more files not tried after the network failed`);
  const lines = [`could not fill the pinned upstream schema directory ${directory}:`, ...shown];
  if (failures.some((failure) => failure.kind === "digest")) {
    lines.push(
      "A digest mismatch means the source no longer serves the pinned file (or the mirror serves another one); it was not written.",
      "Fix the mirror, or if the pin moved on purpose, update ref, path and sha256 in validation/upstream-sources.ts.",
    );
  }
  if (failures.some((failure) => failure.kind === "unreachable")) {
    lines.push(
      `To fill the cache, run \`${fillCommand}\` where ${baseUrl} is reachable (npm test runs it itself),`,
      "or set STREAMSTACK_UPSTREAM_MIRROR=<base URL> to a mirror serving <base>/<repository>/<ref>/<path>,",
      "or set STREAMSTACK_SCHEMAS to a directory that already holds the files (see README, 'Schema directory').",
    );
  }
  return lines.join("\n");
}

function writeManifest(directory: string, sources: readonly UpstreamSource[]): void {
  const files = sources.map((source) => ({
    file: source.file,
    repository: source.repository,
    ref: source.ref,
    source_path: source.path,
    sha256: source.sha256,
    ...(source.stripHelmGuard ? { transform: "first and last line (Helm if/end) removed" } : {}),
  }));
  const text = JSON.stringify(
    { description: "Pinned upstream files, fetched and checked by validation/upstream-fetch.ts.", files },
    null,
    1,
  );
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, manifestName), text + "\n");
}
