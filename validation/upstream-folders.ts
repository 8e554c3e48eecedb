import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { yamlDocument } from "./yaml-documents";
import { charts } from "../config/versions";

/** One pinned upstream component: a folder of the schema directory. */
export interface UpstreamFolder {
  readonly folder: string;
  /** Absolute path of the folder. */
  readonly directory: string;
  readonly chartName: string;
  /** The release version, taken from the folder name (a chart's Chart.yaml may carry a placeholder). */
  readonly version: string;
  /** Whether chart-values.yaml or chart-values.schema.json is pinned, so the chart's values can be checked. */
  readonly hasValues: boolean;
  readonly crdFiles: readonly string[];
}

function yamlFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => join(directory, file));
}

/** Every folder of the schema directory that pins a chart (has a Chart.yaml), in name order. */
export function readUpstreamFolders(schemaDirectory: string): UpstreamFolder[] {
  if (!existsSync(schemaDirectory))
    throw new Error(`schema directory ${schemaDirectory} does not exist (set STREAMSTACK_SCHEMAS)`);
  const folders: UpstreamFolder[] = [];
  for (const folder of readdirSync(schemaDirectory).sort()) {
    const directory = join(schemaDirectory, folder);
    const chartFile = join(directory, "Chart.yaml");
    if (!statSync(directory).isDirectory() || !existsSync(chartFile)) continue;
    const chart = yamlDocument(readFileSync(chartFile, "utf8"), chartFile) as { name?: unknown } | null;
    folders.push({
      folder,
      directory,
      chartName: typeof chart?.name === "string" ? chart.name : folder,
      version: folder.slice(folder.lastIndexOf("-") + 1),
      hasValues:
        existsSync(join(directory, "chart-values.yaml")) || existsSync(join(directory, "chart-values.schema.json")),
      crdFiles: yamlFiles(join(directory, "crds")),
    });
  }
  return folders;
}

/**
 * The folder pinned for an upstream chart release: the reference folder config/versions.ts names for that chart and
 * version (which may be a stand-in, as for the Spark operator), else the folder matching chart name and version.
 */
export function folderFor(
  folders: readonly UpstreamFolder[],
  chart: string,
  version: string | undefined,
): UpstreamFolder | undefined {
  const pinned = Object.values(charts).find((entry) => entry.chart === chart && entry.version === version);
  if (pinned?.referenceFolder) return folders.find((folder) => folder.folder === pinned.referenceFolder);
  const wanted = (version ?? "").replace(/^v/, "");
  return folders.find((folder) => folder.chartName === chart && folder.version === wanted);
}

/**
 * The CRD files of a stack: those of the upstream chart releases it installs (so each Strimzi line is checked against
 * its own CRDs), or every pinned CRD when it installs none of them.
 */
export function crdFilesOfReleases(
  folders: readonly UpstreamFolder[],
  upstreamReleases: readonly { readonly chart: string; readonly version?: string }[],
): string[] {
  const used = upstreamReleases.flatMap((release) => {
    const folder = folderFor(folders, release.chart, release.version);
    return folder ? [folder] : [];
  });
  return (used.length ? used : folders).flatMap((folder) => folder.crdFiles);
}
