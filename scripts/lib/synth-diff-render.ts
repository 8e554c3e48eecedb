/**
 * `npm run diff:synth` output: plain text for a terminal, Markdown for a pull-request comment (GitHub colours the
 * `+` and `-` lines of a ```diff block). Matrix entries whose diffs read the same are shown once, under all their labels.
 */
import type { SummaryChange } from "./release-summary";
import { isEmptyDiff, type BlockChanges, type StackDiff, type WorkloadFigures } from "./synth-diff";

export type OutputFormat = "text" | "markdown";
export const outputFormats: readonly OutputFormat[] = ["text", "markdown"];

export interface LabelledDiff {
  /** `kind profile, zookeeper mode` */
  readonly label: string;
  readonly diff: StackDiff;
}

export interface DiffHeader {
  /** `HEAD~1 (5244677)` */
  readonly base: string;
  /** `the working tree` or `main (a68213c)` */
  readonly head: string;
}

interface Part {
  readonly title: string;
  /** Lines shown as they are (text) or in a ```diff block (Markdown). */
  readonly lines: readonly string[];
  /** A table instead of lines, for the requests. */
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  /** A closing line under the lines or table. */
  readonly footer?: string;
}

const cpu = (millicores: number) => `${millicores}m`;
const memory = (mebibytes: number) => `${mebibytes}Mi`;
const figures = (side: WorkloadFigures | undefined) =>
  side ? `${side.pods} × ${cpu(side.cpuMillicores)} / ${memory(side.memoryMi)}` : "—";
const signed = (value: number, unit: string) => `${value >= 0 ? "+" : ""}${value}${unit}`;

/** A change as shown under its block: the block is the heading above it. */
function changeLine(change: SummaryChange): string {
  if (change.path === undefined) return change.line;
  if (change.sign === "~") return `~ ${change.path}: ${change.before} → ${change.after}`;
  return `${change.sign} ${change.path}: ${change.sign === "+" ? change.after : change.before}`;
}

function blockLines(groups: readonly BlockChanges[]): string[] {
  return groups.flatMap((group) => {
    const whole = group.changes.filter((change) => change.path === undefined && change.sign !== "~");
    const [first] = whole;
    // A block that came or went whole: its heading line, then its fields without repeating the block.
    if (first && whole.length === group.changes.length) return whole.map((change) => change.line);
    const heading = first ? [first.line] : [`~ ${group.block}`];
    return [...heading, ...group.changes.filter((change) => change !== first).map((c) => `    ${changeLine(c)}`)];
  });
}

function parts(diff: StackDiff): Part[] {
  const found: Part[] = [];
  const push = (part: Part) => {
    if (part.lines.length > 0 || (part.table?.rows.length ?? 0) > 0 || part.footer) found.push(part);
  };
  push({
    title: "Releases added and removed",
    lines: [
      ...diff.releasesAdded.map((release) => `+ ${release.name} (${release.chart}, namespace ${release.namespace})`),
      ...diff.releasesRemoved.map((release) => `- ${release.name} (${release.chart}, namespace ${release.namespace})`),
    ],
  });
  push({ title: "Chart and image versions", lines: diff.versions.map((change) => change.line) });
  push({ title: "Values", lines: blockLines(diff.values) });
  push({ title: "Custom resources and other carried objects", lines: blockLines(diff.objects) });
  push({
    title: "Terraform settings, providers, data sources and namespaces",
    lines: diff.other.map((change) => change.line),
  });
  if ("error" in diff.requests) {
    push({ title: "Resource requests", lines: [], footer: `not compared: ${diff.requests.error}` });
  } else if (diff.requests.workloads.length > 0) {
    const { totalBefore, totalAfter } = diff.requests;
    push({
      title: "Resource requests (pods × per-pod CPU / memory, sized by this checkout's scripts/lib/requests.ts)",
      lines: [],
      table: {
        header: ["release", "workload", "before", "after"],
        rows: diff.requests.workloads.map((row) => [
          row.release,
          row.workload,
          figures(row.before),
          figures(row.after),
        ]),
      },
      footer:
        `total: ${totalBefore.pods} pods, ${cpu(totalBefore.cpuMillicores)} / ${memory(totalBefore.memoryMi)} → ` +
        `${totalAfter.pods} pods, ${cpu(totalAfter.cpuMillicores)} / ${memory(totalAfter.memoryMi)} ` +
        `(${signed(totalAfter.cpuMillicores - totalBefore.cpuMillicores, "m")} CPU, ` +
        `${signed(totalAfter.memoryMi - totalBefore.memoryMi, "Mi")})`,
    });
  }
  return found;
}

function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function renderText(header: DiffHeader, groups: readonly [string[], StackDiff][]): string {
  const out = [`Semantic diff of the synthesized stacks: ${header.base} → ${header.head}`];
  for (const [labels, diff] of groups) {
    out.push("", `== ${labels.join("; ")} ==`);
    if (isEmptyDiff(diff)) out.push("no change");
    for (const part of parts(diff)) {
      out.push(`${part.title}:`, ...part.lines.map((line) => `  ${line}`));
      if (part.table) out.push(...textTable(part.table.header, part.table.rows).map((line) => `  ${line}`));
      if (part.footer) out.push(`  ${part.footer}`);
    }
  }
  return `${out.join("\n")}\n`;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

function renderMarkdown(header: DiffHeader, groups: readonly [string[], StackDiff][]): string {
  const out = [`## Semantic diff of the synthesized stacks`, "", `\`${header.base}\` → ${header.head}`];
  for (const [labels, diff] of groups) {
    out.push("", `### ${labels.join(" · ")}`, "");
    if (isEmptyDiff(diff)) out.push("No change.");
    for (const part of parts(diff)) {
      out.push(`**${part.title}**`, "");
      if (part.lines.length > 0) out.push("```diff", ...part.lines, "```", "");
      if (part.table) {
        out.push(
          `| ${part.table.header.join(" | ")} |`,
          `|${part.table.header.map(() => " --- |").join("")}`,
          ...part.table.rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
          "",
        );
      }
      if (part.footer) out.push(part.footer, "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** Matrix entries with the same diff, grouped in matrix order. */
function grouped(diffs: readonly LabelledDiff[]): [string[], StackDiff][] {
  const groups = new Map<string, [string[], StackDiff]>();
  for (const { label, diff } of diffs) {
    const key = JSON.stringify(diff);
    const group = groups.get(key);
    if (group) group[0].push(label);
    else groups.set(key, [[label], diff]);
  }
  return [...groups.values()];
}

export function renderDiff(format: OutputFormat, header: DiffHeader, diffs: readonly LabelledDiff[]): string {
  return format === "markdown" ? renderMarkdown(header, grouped(diffs)) : renderText(header, grouped(diffs));
}
