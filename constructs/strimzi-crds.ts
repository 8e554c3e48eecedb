import { Fn, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataHelmTemplate } from "@cdktf/provider-helm/lib/data-helm-template";
import type { Release } from "@cdktf/provider-helm/lib/release";
import type { Naming } from "../config/naming";
import type { KafkaMode } from "../config/schema";
import type { UpstreamChart } from "../config/versions";
import { ChartRelease } from "./chart-release";

export interface StrimziCrdsProps {
  readonly naming: Naming;
  /** The Strimzi operator chart whose `crds/` this release installs and upgrades. */
  readonly chart: UpstreamChart;
  /** The Kafka mode deployed; it picks the migration advice of a refused switch. */
  readonly mode: KafkaMode;
  readonly dependsOn: readonly ITerraformDependable[];
}

/** What to do when the CRDs refuse an update: a `kafka.mode` switch over a cluster that still stores the other line's API. */
export function crdStorageRefusalHint(mode: KafkaMode): string {
  if (mode === "kraft") {
    return (
      "kafka.mode was switched to kraft over a Strimzi 0.45 (ZooKeeper) installation; Strimzi 1.x serves only the kafka.strimzi.io/v1 API " +
      "and runs no ZooKeeper cluster. Strimzi was left as it is. To keep the data, migrate the way Strimzi documents it: on Strimzi 0.45 move the " +
      'cluster to KRaft (a controller node pool, then the annotation strimzi.io/kraft="migration", then "enabled"); upgrade the operator ' +
      "release by release to 0.49, 0.50 or 0.51; convert every resource and then the CRDs with Strimzi's v1 API conversion tool " +
      "(bin/v1-api-conversion.sh convert-resource --all-namespaces, then bin/v1-api-conversion.sh crd-upgrade) until every kafka.strimzi.io " +
      "CRD's status.storedVersions is [v1]; then deploy with kafka.mode: kraft. Otherwise set kafka.mode back to zookeeper, or start afresh: " +
      "delete the Strimzi CRDs (kubectl delete crd -l app=strimzi, which deletes every Strimzi resource and its data) and deploy again."
    );
  }
  return (
    "kafka.mode was switched to zookeeper over a Strimzi 1.x (KRaft) installation whose objects are stored as kafka.strimzi.io/v1, an API " +
    "Strimzi 0.45 does not know; Strimzi has no path from KRaft back to ZooKeeper. Strimzi was left as it is. Set kafka.mode back to kraft, or " +
    "start afresh: delete the Strimzi CRDs (kubectl delete crd -l app=strimzi, which deletes every Strimzi resource and its data) and deploy again."
  );
}

/**
 * The Strimzi CRDs as a release of our `manifests` chart, so that every chart version bump upgrades them (Helm installs
 * a chart's `crds/` once and never upgrades them). The CRD text is not in this repository: `helm_template` reads it at
 * plan time from the same pinned operator chart Helm fetches for the operator, whose release then skips its `crds/`.
 * Existing CRDs (installed by an earlier operator release's `crds/`) are adopted.
 */
export class StrimziCrds extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: StrimziCrdsProps) {
    super(scope, id);
    const { naming, chart } = props;
    // No depends_on: a data source that depends on a pending resource is read only at apply, leaving the values unknown in the plan.
    const operatorChart = new DataHelmTemplate(this, "operator-chart", {
      name: naming.releases.strimziOperator,
      namespace: naming.namespaces.kafka,
      repository: chart.repository,
      chart: chart.chart,
      version: chart.version,
    });
    this.release = new ChartRelease(this, "release", {
      name: naming.releases.strimziCrds,
      namespace: naming.namespaces.kafka,
      chart: { localChart: "manifests" },
      // No objects of our own: `resources: []` marks the values as the manifests chart's for readers of the stack.
      values: { resources: [], crdStorageRefusal: crdStorageRefusalHint(props.mode) },
      computedValues: [Fn.yamlencode({ customResourceDefinitions: operatorChart.crds })],
      dependsOn: props.dependsOn,
    }).release;
    // CRDs created by an operator release's crds/ carry no Helm ownership metadata; without this the install fails on them.
    this.release.takeOwnership = true;
  }
}
