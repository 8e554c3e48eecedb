import { readdirSync } from "node:fs";
import { join } from "node:path";
import { AssetType, TerraformAsset, TerraformStack, Testing } from "cdktf";
import { chartsDirectory } from "../../constructs/charts-directory";

const byDirectory = new Map<string, ReadonlyMap<string, string>>();

/**
 * Our charts by cdktf's own asset hash of their folder. cdktf copies a local chart to
 * `assets/<construct id>/<hash of the chart folder>`, so the hash names the chart whatever construct copied it.
 * `directory` is the charts folder of the checkout that synthesized the stack (another commit's for `diff:synth`).
 */
export function localChartsByAssetHash(directory: string = chartsDirectory): ReadonlyMap<string, string> {
  const cached = byDirectory.get(directory);
  if (cached) return cached;
  const scope = new TerraformStack(Testing.app(), "chart-hashes");
  const charts = new Map<string, string>();
  for (const entry of readdirSync(directory, { withFileTypes: true }).filter((found) => found.isDirectory())) {
    const asset = new TerraformAsset(scope, entry.name, {
      path: join(directory, entry.name),
      type: AssetType.DIRECTORY,
    });
    // cdktf hashes file contents only, not names: two charts with the same files could not be told apart.
    const twin = charts.get(asset.assetHash);
    if (twin) throw new Error(`charts ${twin} and ${entry.name} have the same content hash; make their files differ`);
    charts.set(asset.assetHash, entry.name);
  }
  byDirectory.set(directory, charts);
  return charts;
}

/** The hash part of a local chart's asset path, or undefined for an upstream chart. */
export function assetHash(chart: string): string | undefined {
  return /^assets\/[^/]+\/([0-9A-F]+)$/.exec(chart)?.[1];
}
