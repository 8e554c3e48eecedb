import { existsSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { text } from "../../validation/text";
import { runCommandSync, tail } from "../lib/processes";
import { isObject, type Json } from "./stack";

/** One failed scanner check on one resource of one stack. */
export interface Finding {
  readonly tool: string;
  readonly check: string;
  readonly title: string;
  readonly stack: string;
  /** Terraform address, or Kind.namespace.name of a rendered object. */
  readonly resource: string;
  /** The Helm release that rendered the object, or the stack file. */
  readonly origin: string;
}

/** A reviewed finding from verify/accepted-findings.yaml. */
export interface AcceptedFinding {
  readonly check: string;
  /** Glob (`*` matches any run of characters) over Finding.resource. */
  readonly resource: string;
  /** Glob over stack names; every stack when absent. */
  readonly stacks: string;
  readonly reason: string;
}

function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

export function readAcceptedFindings(file: string): AcceptedFinding[] {
  if (!existsSync(file)) return [];
  const document = parseYaml(readFileSync(file, "utf8")) as Json;
  const entries = isObject(document) ? document.accepted : undefined;
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) throw new Error(`${file}: "accepted" must be a list`);
  return entries.map((entry, index) => {
    if (!isObject(entry)) throw new Error(`${file}: accepted[${index}] must be a mapping`);
    const { check, resource, stacks, reason } = entry;
    if (
      typeof check !== "string" ||
      typeof resource !== "string" ||
      typeof reason !== "string" ||
      reason.trim().length < 10
    ) {
      throw new Error(`${file}: accepted[${index}] needs check, resource and a reason of at least 10 characters`);
    }
    return { check, resource, stacks: typeof stacks === "string" ? stacks : "*", reason };
  });
}

export interface Triage {
  readonly accepted: Array<{ finding: Finding; entry: AcceptedFinding }>;
  readonly fresh: Finding[];
  /** Allowlist entries that matched nothing: the problem is gone, or the entry is wrong. */
  readonly stale: AcceptedFinding[];
}

export function triage(findings: readonly Finding[], allowlist: readonly AcceptedFinding[]): Triage {
  const used = new Set<AcceptedFinding>();
  const accepted: Triage["accepted"] = [];
  const fresh: Finding[] = [];
  for (const finding of findings) {
    const entry = allowlist.find(
      (candidate) =>
        candidate.check === finding.check &&
        glob(candidate.resource).test(finding.resource) &&
        glob(candidate.stacks).test(finding.stack),
    );
    if (entry) {
      used.add(entry);
      accepted.push({ finding, entry });
    } else {
      fresh.push(finding);
    }
  }
  return { accepted, fresh, stale: allowlist.filter((entry) => !used.has(entry)) };
}

export interface ScanOrigin {
  readonly stack: string;
  readonly origin: string;
}

/**
 * Runs checkov once over a staging directory that holds every stack's cdk.tf.json and rendered
 * manifests; `originOf` maps a scanned file back to the stack and release it came from.
 */
export function runCheckov(
  checkov: string,
  directory: string,
  originOf: (file: string) => ScanOrigin,
): { findings: Finding[]; passed: number; seconds: number; frameworks: string[]; raw: string } {
  const result = runCommandSync(
    checkov,
    // Scanned as "." from inside: checkov skips any path with a hidden component such as .cache/.
    [
      "--directory",
      ".",
      "--framework",
      "terraform_json",
      "kubernetes",
      "--output",
      "json",
      "--soft-fail",
      "--compact",
      "--skip-download",
    ],
    // No platform account: keep checkov from calling out for guideline links it cannot reach.
    {
      cwd: directory,
      env: {
        ...process.env,
        BC_SKIP_MAPPING: "TRUE",
        CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false",
        PYTHONWARNINGS: "ignore",
      },
      timeoutSeconds: 1200,
    },
  );
  if (result.code !== 0) throw new Error(`checkov failed (exit ${result.code}):\n${tail(result)}`);
  let parsed: Json;
  try {
    parsed = JSON.parse(result.stdout) as Json;
  } catch {
    throw new Error(`checkov printed no JSON:\n${tail(result)}`);
  }
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const findings: Finding[] = [];
  const frameworks: string[] = [];
  let passed = 0;
  for (const report of reports) {
    if (!isObject(report)) continue;
    if (typeof report.check_type === "string") frameworks.push(report.check_type);
    const tool = `checkov/${typeof report.check_type === "string" ? report.check_type : "unknown"}`;
    const results = report.results;
    if (!isObject(results)) continue;
    if (Array.isArray(results.passed_checks)) passed += results.passed_checks.length;
    if (!Array.isArray(results.failed_checks)) continue;
    for (const failed of results.failed_checks) {
      if (!isObject(failed)) continue;
      const file =
        typeof failed.file_abs_path === "string"
          ? resolve(directory, failed.file_abs_path)
          : join(directory, text(failed.file_path));
      const origin = originOf(relative(directory, file).split(sep).join("/"));
      findings.push({
        tool,
        check: text(failed.check_id),
        title: text(failed.check_name),
        stack: origin.stack,
        resource: text(failed.resource),
        origin: origin.origin,
      });
    }
  }
  findings.sort((a, b) => `${a.stack}${a.check}${a.resource}`.localeCompare(`${b.stack}${b.check}${b.resource}`));
  return { findings, passed, seconds: result.seconds, frameworks, raw: result.stdout };
}
