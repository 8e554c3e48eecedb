import { createHash } from "node:crypto";
import { Document, isCollection, isPair, visit } from "yaml";
import { chartsDirectory as ownChartsDirectory } from "../../constructs/charts-directory";
import { assetHash, localChartsByAssetHash } from "./local-charts";
import { helmReleases, parseValuesDocument, type JsonObject } from "./synthesized-stack";
import { isPlainObject } from "../../config/plain-object";

/**
 * A reviewable summary of a synthesized stack, for the snapshot tests and `npm run diff:synth`: per release its chart, where it goes, what it waits for and the values
 * we chose; the objects a manifests release carries; data sources and other resources. Large strings and large object
 * fields are replaced by their digest, so the summary changes when they change without repeating them.
 */

/** Strings longer than this many characters are shown as their digest. */
export const largeStringLength = 200;
/** An object's field (a spec, a ConfigMap's data) that flattens to more key paths than this is shown as its digest. */
export const largeFieldPaths = 40;

/** One titled block of fields, with nested blocks (the objects a manifests release carries). */
export interface SummarySection {
  readonly heading: string;
  /** Plain data, large parts already digested. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly sections: readonly SummarySection[];
}

/** `sha256:<first 12 hex> (<n> bytes)` of the text's UTF-8 encoding. */
export function digest(text: string): string {
  const hex = createHash("sha256").update(text, "utf8").digest("hex");
  return `sha256:${hex.slice(0, 12)} (${Buffer.byteLength(text, "utf8")} bytes)`;
}

/** JSON with keys sorted at every depth, so a digest does not depend on the order keys were written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isPlainObject(value)) {
    const entries = sortedKeys(value).map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The value with every string longer than largeStringLength replaced by its digest and keys in reading order. */
export function forReview(value: unknown): unknown {
  if (typeof value === "string") return value.length > largeStringLength ? digest(value) : value;
  if (Array.isArray(value)) return value.map(forReview);
  if (isPlainObject(value))
    return Object.fromEntries(readingOrder(Object.keys(value)).map((key) => [key, forReview(value[key])]));
  return value;
}

/** Sorted by code point (not locale, so every machine agrees), `name` first as Kubernetes writes it. */
function readingOrder(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => (a === b ? 0 : a === "name" ? -1 : b === "name" ? 1 : a < b ? -1 : 1));
}

/**
 * `[key path, value]` for every leaf, keys sorted. Items of a list whose items all carry a distinct `name` are keyed
 * by it (`env[name=HOST]`), so inserting one does not renumber the rest; a list of scalars is one leaf.
 */
export function flatten(value: unknown, path = ""): [string, string][] {
  if (Array.isArray(value)) {
    if (value.every((item) => !isPlainObject(item) && !Array.isArray(item))) return [[path, JSON.stringify(value)]];
    const names = value.map((item) => (isPlainObject(item) && typeof item.name === "string" ? item.name : undefined));
    const byName = names.every((name) => name !== undefined) && new Set(names).size === names.length;
    return value.flatMap((item, index) => {
      if (!byName) return flatten(item, `${path}[${index}]`);
      const { name, ...rest } = item as Record<string, unknown>;
      return flatten(rest, `${path}[name=${String(name)}]`);
    });
  }
  if (isPlainObject(value)) {
    const keys = sortedKeys(value);
    if (keys.length === 0) return [[path, "{}"]];
    return keys.flatMap((key) => flatten(value[key], joinPath(path, key)));
  }
  return [[path, JSON.stringify(value) ?? "null"]];
}

function joinPath(path: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

type Resource = Record<string, unknown>;
type ResourcesByType = Record<string, Record<string, Resource>>;

/** What the summary reads of a synthesized stack (the tests' SynthesizedStack is one). */
export interface SummarizableStack {
  readonly json: Record<string, unknown>;
  /** Every helm_release in the stack's order, with its first values document parsed. */
  readonly releases: readonly {
    readonly id: string;
    readonly name: string;
    readonly namespace: string;
    readonly values: Record<string, unknown>;
  }[];
  resourcesOfType(type: string): Record<string, Record<string, unknown>>;
}

/** A cdk.tf.json as the summary reads it. */
export function summarizableStack(json: Record<string, unknown>): SummarizableStack {
  const resources = (json.resource ?? {}) as ResourcesByType;
  return {
    json,
    releases: helmReleases(json as JsonObject).map((release) => ({
      id: release.id,
      name: release.name,
      namespace: release.namespace,
      values: parseValuesDocument(release.values[0] ?? "{}"),
    })),
    resourcesOfType: (type) => resources[type] ?? {},
  };
}

/**
 * Terraform settings and providers, every release, then data sources and other resources. chartsDirectory: the
 * charts folder of the checkout that synthesized the stack, to name its local charts (default: this one's).
 */
export function summarizeStack(stack: SummarizableStack, chartsDirectory = ownChartsDirectory): SummarySection[] {
  const dataSources = Object.entries((stack.json.data ?? {}) as ResourcesByType);
  const otherResources = Object.entries((stack.json.resource ?? {}) as ResourcesByType).filter(
    ([type]) => type !== "helm_release",
  );
  // Helm names a release uniquely within its namespace only (one `network-policies` release per namespace, say): such
  // names are shown with their namespace, so that each release keeps its own heading.
  const nameCounts = new Map<string, number>();
  for (const release of stack.releases) nameCounts.set(release.name, (nameCounts.get(release.name) ?? 0) + 1);
  const releaseLabel = (release: { name: string; namespace: string }) =>
    (nameCounts.get(release.name) ?? 0) > 1 ? `${release.namespace}/${release.name}` : release.name;
  // Terraform ids end in a hash of the construct path; the summary names what they point at instead.
  const names = new Map<string, string>([
    ...stack.releases.map((release): [string, string] => [`helm_release.${release.id}`, releaseLabel(release)]),
    ...dataSources.flatMap(([type, sources]) =>
      Object.entries(sources).map(([id, source]): [string, string] => [
        `data.${type}.${id}`,
        `data.${type}/${resourceName(source)}`,
      ]),
    ),
    ...otherResources.flatMap(([type, resources]) =>
      Object.entries(resources).map(([id, resource]): [string, string] => [
        `${type}.${id}`,
        `${type}/${resourceName(resource)}`,
      ]),
    ),
  ]);
  const longestFirst = [...names].sort(([a], [b]) => b.length - a.length);
  const nameReferences = (text: string) => longestFirst.reduce((named, [id, name]) => named.split(id).join(name), text);
  const releaseResources = stack.releases.map((release) => stack.resourcesOfType("helm_release")[release.id]);
  const common = commonSettings(releaseResources);

  return [
    plainSection("terraform", stack.json.terraform),
    plainSection("provider", stack.json.provider),
    plainSection("every release", { settings: common }),
    ...stack.releases.map((release, index) =>
      summarizeRelease(
        releaseResources[index],
        releaseLabel(release),
        release.values,
        new Set(Object.keys(common)),
        nameReferences,
        chartsDirectory,
      ),
    ),
    ...dataSources.flatMap(([type, sources]) =>
      Object.values(sources).map(({ name, ...source }) => plainSection(`data ${type}/${String(name)}`, source)),
    ),
    ...otherResources.flatMap(([type, resources]) =>
      Object.values(resources).map((resource) => {
        const { metadata, ...rest } = resource;
        const { name: _name, ...otherMetadata } = isPlainObject(metadata) ? metadata : {};
        return plainSection(`resource ${type}/${resourceName(resource)}`, { ...rest, metadata: otherMetadata });
      }),
    ),
  ];
}

function plainSection(heading: string, fields: unknown): SummarySection {
  return {
    heading,
    fields: forReview(isPlainObject(fields) ? fields : { value: fields }) as Record<string, unknown>,
    sections: [],
  };
}

/** Attributes that say what is released where; every other attribute of a helm_release is a setting. */
const releaseIdentity = new Set(["name", "namespace", "chart", "repository", "version", "values", "depends_on"]);

function settingsOf(release: Resource): Record<string, unknown> {
  return Object.fromEntries(Object.entries(release).filter(([key]) => !releaseIdentity.has(key)));
}

/** Settings every release has with the same value: shown once, so each release shows the ones that set it apart. */
export function commonSettings(releases: readonly Resource[]): Record<string, unknown> {
  const [first, ...rest] = releases.map(settingsOf);
  return Object.fromEntries(
    Object.entries(first ?? {}).filter(([key, value]) =>
      rest.every((settings) => key in settings && canonicalJson(settings[key]) === canonicalJson(value)),
    ),
  );
}

function summarizeRelease(
  raw: Resource,
  label: string,
  values: Record<string, unknown>,
  commonKeys: ReadonlySet<string>,
  nameReferences: (text: string) => string,
  chartsDirectory: string,
): SummarySection {
  const chart = localChartName(String(raw.chart), chartsDirectory);
  const settings = Object.fromEntries(Object.entries(settingsOf(raw)).filter(([key]) => !commonKeys.has(key)));
  // The first values document is ours (parsed by synth); later ones are Terraform expressions, shown as written.
  const computedValues = ((raw.values as string[] | undefined) ?? []).slice(1).map(nameReferences);
  const carriesObjects = chart === "manifests" && Array.isArray(values.resources);
  const { resources, ...otherValues } = values;
  const fields: Record<string, unknown> = {
    chart: chart ? `local:${chart}` : raw.chart,
    ...(raw.version === undefined ? {} : { version: raw.version }),
    ...(raw.repository === undefined ? {} : { repository: raw.repository }),
    namespace: raw.namespace,
    depends_on: ((raw.depends_on as string[] | undefined) ?? []).map(nameReferences).sort(),
    settings: forReview(settings),
    ...(computedValues.length > 0 ? { computed_values: computedValues.map(forReview) } : {}),
    values: forReview(carriesObjects ? otherValues : values),
  };
  return {
    heading: `release ${label}`,
    fields,
    sections: carriesObjects ? (resources as unknown[]).map(summarizeObject) : [],
  };
}

/**
 * A carried object: kind/namespace/name as heading; apiVersion, the rest of its metadata, then its other fields, each
 * kept or, when large, digested whole. Pod templates are digested too: they are most of a workload's text and the
 * same few settings each time (their security and resources are pinned by the invariant and request tests).
 */
export function summarizeObject(object: unknown): SummarySection {
  if (!isPlainObject(object) || !isPlainObject(object.metadata))
    throw new Error(`not a Kubernetes object: ${canonicalJson(object)}`);
  const { name, namespace, ...metadata } = object.metadata;
  const { kind, apiVersion, metadata: _metadata, ...body } = object;
  const identity = [kind, namespace, name]
    .filter((part) => part !== undefined)
    .map((part) => (typeof part === "string" ? part : JSON.stringify(part)))
    .join("/");
  const fields: Record<string, unknown> = { apiVersion };
  if (Object.keys(metadata).length > 0) fields.metadata = forReview(metadata);
  for (const field of readingOrder(Object.keys(body))) {
    const shown = forReview(withPodTemplatesDigested(body[field]));
    fields[field] = flatten(shown).length > largeFieldPaths ? digest(canonicalJson(body[field])) : shown;
  }
  return { heading: `object ${identity}`, fields, sections: [] };
}

function withPodTemplatesDigested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withPodTemplatesDigested);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      isPodTemplate(key, child) ? digest(canonicalJson(child)) : withPodTemplatesDigested(child),
    ]),
  );
}

function isPodTemplate(key: string, value: unknown): boolean {
  return (
    key === "template" && isPlainObject(value) && isPlainObject(value.spec) && Array.isArray(value.spec.containers)
  );
}

/**
 * The chart's name when it is one of ours (see local-charts.ts), so the summary names the chart and does not change
 * when only the asset path does; undefined for an upstream chart.
 */
export function localChartName(chart: string, chartsDirectory = ownChartsDirectory): string | undefined {
  const hash = assetHash(chart);
  if (hash === undefined) return undefined;
  const name = localChartsByAssetHash(chartsDirectory).get(hash);
  if (!name) throw new Error(`chart ${chart} is the asset of none of the charts in ${chartsDirectory}`);
  return name;
}

/** YAML under each heading, keys sorted (`name` first), short lists and maps of scalars on one line. */
export function renderSummary(sections: readonly SummarySection[], indent = ""): string {
  return sections
    .map((section) => {
      const body = toYaml(section.fields)
        .trimEnd()
        .split("\n")
        .map((line) => `${indent}  ${line}`);
      const nested = section.sections.length > 0 ? [renderSummary(section.sections, `${indent}  `)] : [];
      return [`${indent}${section.heading}`, ...body, ...nested].join("\n");
    })
    .join("\n");
}

/** A list or map goes on one line when that line, as indented, fits in this many characters. */
const flowWidth = 120;

function toYaml(fields: Readonly<Record<string, unknown>>): string {
  const document = new Document(fields);
  visit(document, {
    Collection(key, node, path) {
      if (key === null) return; // the block of fields itself stays one field a line
      const indent = 2 * path.filter((ancestor) => isCollection(ancestor)).length;
      const parent = path[path.length - 1];
      const label = isPair(parent) ? String(parent.key).length + 2 : 2;
      // Quotes are the only characters JSON writes that YAML's flow style mostly leaves out.
      const flowLength = JSON.stringify(node.toJSON()).replace(/"/g, "").length;
      if (indent + label + flowLength <= flowWidth) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** One difference between two summaries: the block it is in, what changed, and a line that says it. */
export interface SummaryChange {
  /** Heading of the block, with the headings of the blocks it is nested in (`release … › object …`). */
  readonly block: string;
  /** `~` changed, `-` gone, `+` new. */
  readonly sign: "~" | "-" | "+";
  /** Key path inside the block; absent when the whole block came, went or was renamed. */
  readonly path?: string;
  /** The value before (for `~` and `-`): JSON of a leaf, or the old heading of a renamed block. */
  readonly before?: string;
  /** The value after (for `~` and `+`): JSON of a leaf, or the new heading of a renamed block. */
  readonly after?: string;
  /** The sign, the block, the key path and the value(s). */
  readonly line: string;
}

function pathChange(block: string, path: string, before: string | undefined, after: string | undefined): SummaryChange {
  if (before === undefined) return { block, sign: "+", path, after, line: `+ ${block} ${path}: ${after}` };
  if (after === undefined) return { block, sign: "-", path, before, line: `- ${block} ${path}: ${before}` };
  return { block, sign: "~", path, before, after, line: `~ ${block} ${path}: ${before} → ${after}` };
}

/**
 * What changes from one summary to the next, one line per key path. A block that is new or gone is its heading
 * followed by its key paths. Objects named after a hash of their content (Jobs, which cannot be changed in place) are
 * matched by the name without the hash, so their changes show field by field.
 */
export function diffSummaries(
  before: readonly SummarySection[],
  after: readonly SummarySection[],
  prefix = "",
): SummaryChange[] {
  const beforeHeadings = new Set(before.map((section) => section.heading));
  const afterByHeading = new Map(after.map((section) => [section.heading, section]));
  const renamed = new Map(
    after
      .filter((section) => !beforeHeadings.has(section.heading))
      .map((section) => [withoutContentHash(section.heading), section]),
  );
  const matched = new Set<string>();
  const changes: SummaryChange[] = [];
  for (const section of before) {
    const block = `${prefix}${section.heading}`;
    const counterpart = afterByHeading.get(section.heading) ?? renamed.get(withoutContentHash(section.heading));
    if (!counterpart) {
      changes.push(...wholeSection("-", section, prefix));
      continue;
    }
    matched.add(counterpart.heading);
    if (counterpart.heading !== section.heading) {
      const line = `~ ${block} renamed to ${counterpart.heading}`;
      changes.push({ block, sign: "~", before: section.heading, after: counterpart.heading, line });
    }
    const afterPaths = new Map(flatten(counterpart.fields));
    const beforePaths = new Map(flatten(section.fields));
    for (const [path, value] of beforePaths) {
      const changed = afterPaths.get(path);
      if (changed !== value) changes.push(pathChange(block, path, value, changed));
    }
    for (const [path, value] of afterPaths)
      if (!beforePaths.has(path)) changes.push(pathChange(block, path, undefined, value));
    changes.push(...diffSummaries(section.sections, counterpart.sections, `${block} › `));
  }
  for (const section of after) if (!matched.has(section.heading)) changes.push(...wholeSection("+", section, prefix));
  return changes;
}

/** Our constructs suffix the names of immutable objects with 10 hex digits of a hash of their content. */
const contentHashSuffix = /-[0-9a-f]{10}$/;

function withoutContentHash(heading: string): string {
  return heading.replace(contentHashSuffix, "");
}

/**
 * The line with digests and content-hash name suffixes masked: what a focused assertion states is which value
 * changed, while the snapshots pin the hashes themselves.
 */
export function withHashesMasked(line: string): string {
  return line.replace(/sha256:[0-9a-f]{12} \(\d+ bytes\)/g, "<digest>").replace(/-[0-9a-f]{10}\b/g, "-<hash>");
}

function wholeSection(sign: "+" | "-", section: SummarySection, prefix: string): SummaryChange[] {
  const block = `${prefix}${section.heading}`;
  return [
    { block, sign, line: `${sign} ${block}` },
    ...flatten(section.fields).map(([path, value]) =>
      sign === "+" ? pathChange(block, path, undefined, value) : pathChange(block, path, value, undefined),
    ),
    ...section.sections.flatMap((nested) => wholeSection(sign, nested, `${block} › `)),
  ];
}

function resourceName(resource: Resource): string {
  return isPlainObject(resource.metadata) ? String(resource.metadata.name) : String(resource.name);
}

function sortedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
