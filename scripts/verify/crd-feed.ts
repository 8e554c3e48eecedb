import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { folderFor, type UpstreamFolder } from "../../validation/upstream-folders";
import { isObject, type HelmRelease, type SynthesizedStack } from "./stack";

/**
 * A values document Terraform computes from an upstream chart's crds/ at plan time (constructs/strimzi-crds.ts):
 * `${yamlencode({"<key>" = data.helm_template.<id>.crds})}`. Offline, the pinned CRD files of the same chart
 * release stand in for what helm_template reads, so the release can be linted, rendered and validated.
 */
const crdFeed = /^\$\{yamlencode\(\{"([A-Za-z]\w*)" = data\.helm_template\.([\w-]+)\.crds\}\)\}$/;

export function resolveCrdFeeds(
  release: HelmRelease,
  stack: SynthesizedStack,
  folders: readonly UpstreamFolder[],
): HelmRelease {
  const data = stack.document.data;
  const templates = isObject(data) && isObject(data.helm_template) ? data.helm_template : {};
  const values = release.values.map((text) => {
    const match = crdFeed.exec(text);
    if (!match) return text;
    const [, key = "", id = ""] = match;
    const source = templates[id];
    if (!isObject(source) || typeof source.chart !== "string")
      throw new Error(`${release.address}: values read data.helm_template.${id}, which the stack does not define`);
    const version = typeof source.version === "string" ? source.version : undefined;
    const folder = folderFor(folders, source.chart, version);
    if (!folder)
      throw new Error(
        `${release.address}: no pinned CRDs for ${source.chart} ${version ?? "?"} (data.helm_template.${id})`,
      );
    return stringify({ [key]: folder.crdFiles.map((file) => readFileSync(file, "utf8")) }, { lineWidth: 0 });
  });
  return { ...release, values };
}
