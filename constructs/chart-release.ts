import { join } from "node:path";
import { AssetType, Lazy, TerraformAsset, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import type { UpstreamChart } from "../config/versions";
import { chartsDirectory } from "./charts-directory";
import { escapeTerraformTemplates } from "./terraform-template";
import { yamlText } from "./yaml-text";

/** A chart of ours under charts/. */
export interface LocalChart {
  readonly localChart: "manifests" | "node-app" | "schema-registry" | "control-center";
}

export interface ChartReleaseProps {
  /** Helm release name. */
  readonly name: string;
  readonly namespace: string;
  readonly chart: UpstreamChart | LocalChart;
  /**
   * Values that differ from the chart's defaults; nothing else. A function is called at synthesis, after every
   * construct has had its say (grants add KafkaUsers after the Kafka construct exists).
   */
  readonly values: ChartValues | (() => ChartValues);
  /** Releases that must be installed (and ready) first. */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** Seconds Helm waits for the release's workloads to become ready. */
  readonly timeoutSeconds?: number;
  /** Values documents Terraform computes (expressions such as `Fn.yamlencode(...)`), merged after `values`. */
  readonly computedValues?: readonly string[];
}

export type ChartValues = Readonly<Record<string, unknown>>;

function valuesDocument(values: ChartReleaseProps["values"], release: string): string {
  // `${` and `%{` in values (bundled JavaScript has plenty) would otherwise be interpolated by Terraform.
  const render = (resolved: ChartValues) =>
    escapeTerraformTemplates(yamlText(resolved, `the values of helm release ${release}`));
  return typeof values === "function" ? Lazy.stringValue({ produce: () => render(values()) }) : render(values);
}

/** One Helm release of an upstream or a local chart, with values written as one YAML document. */
export class ChartRelease extends Construct {
  readonly release: Release;
  constructor(scope: Construct, id: string, props: ChartReleaseProps) {
    super(scope, id);
    const source =
      "localChart" in props.chart
        ? {
            // The chart is copied next to the synthesized stack, so the plan does not depend on where the repo lives.
            chart: new TerraformAsset(this, "chart", {
              path: join(chartsDirectory, props.chart.localChart),
              type: AssetType.DIRECTORY,
            }).path,
          }
        : { chart: props.chart.chart, repository: props.chart.repository, version: props.chart.version };
    this.release = new Release(this, "release", {
      name: props.name,
      namespace: props.namespace,
      ...source,
      values: [valuesDocument(props.values, props.name), ...(props.computedValues ?? [])],
      wait: true,
      // Without it Helm's wait skips Jobs (the provider defaults to false): readiness gates and the schema Job
      // would count as done the moment they are created.
      waitForJobs: true,
      timeout: props.timeoutSeconds ?? 600,
      // A release whose first install failed is left out of Terraform state by the provider (3.1.1 Create sets no
      // state on error); without replace, the next apply stops on "cannot re-use a name that is still in use".
      replace: true,
      atomic: false,
      cleanupOnFail: true,
      maxHistory: 5,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
