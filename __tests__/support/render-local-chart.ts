/**
 * `helm template` of a synthesized release of one of our charts, with exactly the values the stack
 * passes, as scripts/verify/verify.ts renders it. The chart directory is found by cdktf's own asset hash
 * of each charts/<name> directory, so nothing maps release names to charts by hand.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { chartsDirectory } from "../../constructs/charts-directory";
import { yamlText } from "../../constructs/yaml-text";
import { cachedTool } from "../../scripts/lib/cache-directory";
import { assetHash, localChartsByAssetHash } from "../../scripts/lib/local-charts";
import type { SynthesizedRelease } from "./synth";
import { sharedParse, sharedSynth } from "./synth-run-cache";

/** The helm binary verify uses (STREAMSTACK_HELM or the tools/build.sh cache), if present. */
export function helmBinary(): string | undefined {
  const helm = cachedTool("STREAMSTACK_HELM", ["bin", "helm"]);
  return existsSync(helm) ? helm : undefined;
}

/** The charts/<name> directory a local release ships, or undefined for an upstream chart. */
export function localChartDirectory(release: SynthesizedRelease): string | undefined {
  const hash = release.local ? assetHash(release.chart) : undefined;
  const name = hash === undefined ? undefined : localChartsByAssetHash(chartsDirectory).get(hash);
  return name === undefined ? undefined : join(chartsDirectory, name);
}

/**
 * The objects `helm template` renders for the release (namespace filled in as `helm install --namespace` does).
 * Rendered once per jest run for each chart, release, namespace and values (support/synth-run-cache.ts): four test
 * files render the same releases of the same stacks.
 */
export function renderLocalRelease(release: SynthesizedRelease, helm: string): Record<string, unknown>[] {
  const chart = localChartDirectory(release);
  if (!chart) throw new Error(`${release.name}: ${release.chart} is not one of charts/*`);
  const valuesYaml = yamlText(release.values, `the values of helm release ${release.name}`);
  const { size, mtimeMs } = statSync(helm);
  const key = JSON.stringify([
    "helm template",
    helm,
    size,
    mtimeMs,
    chart,
    release.chart,
    release.name,
    release.namespace,
    valuesYaml,
  ]);
  const rendered = sharedSynth(key, () => helmTemplate(release, chart, helm, valuesYaml));
  return sharedParse("yaml documents", rendered, (text) =>
    parseAllDocuments(text).map((document) => document.toJS() as unknown),
  )
    .filter((object): object is Record<string, unknown> => typeof object === "object" && object !== null)
    .map((object) => {
      const metadata = (object.metadata ?? {}) as Record<string, unknown>;
      return { ...object, metadata: { namespace: release.namespace, ...metadata } };
    });
}

function helmTemplate(release: SynthesizedRelease, chart: string, helm: string, valuesYaml: string): string {
  const scratch = mkdtempSync(join(tmpdir(), "render-local-chart-"));
  try {
    const values = join(scratch, "values.yaml");
    writeFileSync(values, valuesYaml);
    const result = spawnSync(
      helm,
      ["template", release.name, chart, "--namespace", release.namespace, "--values", values],
      {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          HELM_CACHE_HOME: join(scratch, "cache"),
          HELM_CONFIG_HOME: join(scratch, "config"),
          HELM_DATA_HOME: join(scratch, "data"),
        },
      },
    );
    if (result.status !== 0) throw new Error(`helm template ${release.name}: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
