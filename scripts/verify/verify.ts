/**
 * Verifies synthesized stacks with the real toolchain: OpenTofu init/validate (plan once), Helm
 * lint/template of every local chart with the exact values the stack passes, schema validation of
 * every rendered object (Kubernetes schemas and the pinned CRDs), and checkov over the Terraform
 * JSON and the rendered manifests, compared with the reviewed list in verify/accepted-findings.yaml.
 *
 *   npx tsx scripts/verify/verify.ts --stacks <dir with one folder per stack> --work <scratch dir>
 *
 * Tools come from the cache tools/build.sh fills, or from STREAMSTACK_TOFU, STREAMSTACK_HELM and
 * STREAMSTACK_CHECKOV (e.g. a user's own terraform and helm on PATH).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments, stringify } from "yaml";
import { cachedTool } from "../lib/cache-directory";
import { readAcceptedFindings, runCheckov, triage, type Finding, type ScanOrigin } from "./findings";
import { runCommandSync, tail, type CommandResult } from "../lib/processes";
import { resolveCrdFeeds } from "./crd-feed";
import { checkUpstreamValues } from "../../validation/chart-values-validator";
import { CrdRegistry } from "../../validation/crd-registry";
import { isClusterScoped, validateObject } from "../../validation/object-validator";
import {
  crdFilesOfReleases,
  folderFor,
  readUpstreamFolders,
  type UpstreamFolder,
} from "../../validation/upstream-folders";
import { schemaDirectory as locateSchemaDirectory } from "../../validation/schema-directory";
import { text as asText } from "../../validation/text";
import { readTerraformTemplate } from "../../constructs/terraform-template";
import { mergedValues } from "../lib/synthesized-stack";
import {
  isObject,
  readStack,
  resourcesOfType,
  type HelmRelease,
  type Json,
  type JsonObject,
  type SynthesizedStack,
} from "./stack";
import { verifySettings } from "./settings";
import { readStacksAndWork } from "./step-directories";
import { loadConfigurationOnly, missingProviders, runTofu, writeDummyKubeconfig, writeOfflineCliConfig } from "./tofu";

type Status = "pass" | "fail" | "skip";

interface Step {
  readonly stack: string;
  readonly name: string;
  readonly status: Status;
  readonly seconds: number;
  readonly detail: string;
}

const repoRoot = resolve(__dirname, "..", "..");
const steps: Step[] = [];

function record(stack: string, name: string, status: Status, seconds: number, detail = ""): void {
  steps.push({ stack, name, status, seconds, detail });
  const mark = status === "pass" ? "ok  " : status === "skip" ? "SKIP" : "FAIL";
  console.log(
    `[verify] ${mark} ${stack ? `${stack}: ` : ""}${name} (${seconds.toFixed(1)}s)${detail ? `\n${indent(detail)}` : ""}`,
  );
}

/** Records a command's outcome: pass on exit 0, else fail with the tail of its output. */
function recordCommand(stack: string, name: string, result: CommandResult): void {
  const passed = result.code === 0;
  record(stack, name, passed ? "pass" : "fail", result.seconds, passed ? "" : tail(result));
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `         ${line}`)
    .join("\n");
}

const tools = {
  tofu: cachedTool("STREAMSTACK_TOFU", ["bin", "tofu"]),
  helm: cachedTool("STREAMSTACK_HELM", ["bin", "helm"]),
  checkov: cachedTool("STREAMSTACK_CHECKOV", ["checkov", "bin", "checkov"]),
};
const providerMirror = resolve(cachedTool("STREAMSTACK_PROVIDER_MIRROR", ["providers"]));
const { requireProviders, kubeVersion } = verifySettings;
// STREAMSTACK_SCHEMAS, ../shared/upstream or the cache run.sh filled through scripts/fetch-schemas.ts.
const schemaDirectory = locateSchemaDirectory();
const allowlistFile = join(repoRoot, "verify", "accepted-findings.yaml");

/** A rendered or emitted Kubernetes object and where it came from. */
interface EmittedObject {
  readonly origin: string;
  readonly object: JsonObject;
}

function objectName(object: JsonObject): string {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "";
  return `${asText(object.kind)}.${namespace || "(cluster)"}.${asText(metadata.name)}`;
}

function helmEnvironment(work: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HELM_CACHE_HOME: join(work, "helm", "cache"),
    HELM_CONFIG_HOME: join(work, "helm", "config"),
    HELM_DATA_HOME: join(work, "helm", "data"),
  };
}

function describeExpressions(where: string, text: string, expressions: readonly string[], work: string): string {
  const shown = expressions
    .slice(0, 3)
    .map((expression) => (expression.length > 60 ? `${expression.slice(0, 60)}…` : expression));
  const verdict = tofuVerdictOnTemplate(text, work);
  return (
    `${where} holds ${expressions.length} Terraform template sequence(s) ("\${" or "%{"), e.g. ${shown.join(", ")}; ` +
    `Terraform evaluates them instead of passing the text to Helm${verdict ? `. tofu says: ${verdict}` : ""}. ` +
    `Escape them as "$\${" and "%%{" (escapeTerraformTemplates in constructs/terraform-template.ts) unless they are meant as Terraform expressions.`
  );
}

/** What OpenTofu itself makes of a string as a template: its first error, or "" when it parses. */
function tofuVerdictOnTemplate(text: string, work: string): string {
  if (!existsSync(tools.tofu)) return "";
  const directory = join(work, "template-probe");
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "probe.tf.json"), JSON.stringify({ locals: { probe: text } }));
  const env = { ...process.env, TF_CLI_CONFIG_FILE: join(work, "tofu.rc"), CHECKPOINT_DISABLE: "1" };
  runCommandSync(tools.tofu, ["init", "-backend=false", "-no-color"], { cwd: directory, env, timeoutSeconds: 120 });
  const result = runCommandSync(tools.tofu, ["validate", "-no-color"], { cwd: directory, env, timeoutSeconds: 120 });
  const error = `${result.stdout}\n${result.stderr}`.split("\n").find((line) => /Error: /.test(line));
  return error ? error.replace(/^.*Error: /, "").trim() : "";
}

/** helm arguments for the values and set entries of a release, values written as files in `directory`. */
function valueArguments(release: HelmRelease, directory: string, work: string): { args: string[]; problems: string[] } {
  const args: string[] = [];
  const problems: string[] = [];
  release.values.forEach((text, index) => {
    const { literal, expressions } = readTerraformTemplate(text);
    if (expressions.length > 0)
      problems.push(describeExpressions(`${release.address} values[${index}]`, text, expressions, work));
    const file = join(directory, `values-${index}.yaml`);
    writeFileSync(file, literal);
    args.push("--values", file);
  });
  for (const set of release.sets) {
    const { literal, expressions } = readTerraformTemplate(set.value);
    if (expressions.length > 0)
      problems.push(describeExpressions(`${release.address} set ${set.name}`, set.value, expressions, work));
    const flag = set.type === "string" ? "--set-string" : set.type === "literal" ? "--set-literal" : "--set";
    args.push(flag, `${set.name}=${literal}`);
  }
  return { args, problems };
}

function mergedUserValues(release: HelmRelease): JsonObject {
  const merged = mergedValues(release) as JsonObject;
  for (const set of release.sets) {
    const path = set.name.split(".");
    let node: JsonObject = merged;
    path.slice(0, -1).forEach((key) => {
      const next = node[key];
      node = isObject(next) ? next : (node[key] = {});
    });
    const last = path[path.length - 1];
    if (last !== undefined) node[last] = set.value;
  }
  return merged;
}

function checkUpstreamRelease(stack: string, release: HelmRelease, folders: readonly UpstreamFolder[]): void {
  const folder = folderFor(folders, release.chart, release.version);
  const name = `values of ${release.name} (${release.chart} ${release.version ?? "?"})`;
  if (!folder) {
    record(stack, name, "skip", 0, `no pinned reference data for this chart in ${schemaDirectory}`);
    return;
  }
  const started = Date.now();
  const problems = checkUpstreamValues(folder, mergedUserValues(release));
  record(stack, name, problems.length ? "fail" : "pass", (Date.now() - started) / 1000, problems.join("\n"));
}

function renderLocalRelease(
  stack: SynthesizedStack,
  release: HelmRelease,
  work: string,
  crds: CrdRegistry,
): EmittedObject[] {
  const chartPath = release.localChartPath ?? "";
  const directory = join(work, "releases", stack.name, release.name);
  mkdirSync(directory, { recursive: true });
  const { args: values, problems } = valueArguments(release, directory, work);
  if (problems.length) {
    record(stack.name, `values of ${release.name}`, "fail", 0, problems.join("\n"));
    return [];
  }
  const env = helmEnvironment(work);
  const lint = runCommandSync(
    tools.helm,
    ["lint", "--strict", chartPath, "--namespace", release.namespace, "--kube-version", kubeVersion, ...values],
    { env },
  );
  recordCommand(stack.name, `helm lint --strict ${release.name}`, lint);
  const apiVersions = crds.apiVersions().flatMap((version) => ["--api-versions", version]);
  const template = runCommandSync(
    tools.helm,
    [
      "template",
      release.name,
      chartPath,
      "--namespace",
      release.namespace,
      "--kube-version",
      kubeVersion,
      "--include-crds",
      ...apiVersions,
      ...values,
    ],
    { env },
  );
  if (template.code !== 0) {
    record(stack.name, `helm template ${release.name}`, "fail", template.seconds, tail(template));
    return [];
  }
  writeFileSync(join(directory, "rendered.yaml"), template.stdout);
  const objects: EmittedObject[] = [];
  for (const document of parseAllDocuments(template.stdout)) {
    if (document.errors.length) {
      record(
        stack.name,
        `helm template ${release.name}`,
        "fail",
        template.seconds,
        `rendered YAML does not parse: ${document.errors[0]?.message ?? ""}`,
      );
      return [];
    }
    const object = document.toJS() as Json;
    if (!isObject(object)) continue;
    const metadata = isObject(object.metadata) ? object.metadata : (object.metadata = {});
    // What `helm install --namespace` does for a namespaced object that names no namespace.
    if (metadata.namespace === undefined && !isClusterScoped(object, crds)) metadata.namespace = release.namespace;
    objects.push({ origin: `${release.address} (${release.name})`, object });
  }
  record(stack.name, `helm template ${release.name}`, "pass", template.seconds, `${objects.length} objects`);
  return objects;
}

/** Objects the stack creates through the kubernetes provider that map one-to-one onto API objects. */
function providerObjects(stack: SynthesizedStack): EmittedObject[] {
  const objects: EmittedObject[] = [];
  for (const [address, resource] of resourcesOfType(stack, "kubernetes_namespace_v1")) {
    const metadata = resource.metadata;
    const first = Array.isArray(metadata) ? metadata[0] : metadata;
    if (!isObject(first)) continue;
    const namespaceMetadata: JsonObject = { name: first.name ?? null };
    if (isObject(first.labels)) namespaceMetadata.labels = first.labels;
    if (isObject(first.annotations)) namespaceMetadata.annotations = first.annotations;
    objects.push({ origin: address, object: { apiVersion: "v1", kind: "Namespace", metadata: namespaceMetadata } });
  }
  for (const [address, resource] of resourcesOfType(stack, "kubernetes_manifest")) {
    if (isObject(resource.manifest)) objects.push({ origin: address, object: resource.manifest });
  }
  return objects;
}

function validateObjects(stack: string, objects: readonly EmittedObject[], crds: CrdRegistry): void {
  const started = Date.now();
  const problems: string[] = [];
  const seen = new Map<string, string>();
  let celRules = 0;
  let custom = 0;
  const unpinned = new Map<string, number>();
  for (const { origin, object } of objects) {
    const identity = `${asText(object.apiVersion).split("/")[0]}/${objectName(object)}`;
    const earlier = seen.get(identity);
    if (earlier) problems.push(`${objectName(object)} is emitted twice: by ${earlier} and by ${origin}`);
    seen.set(identity, origin);
    const apiVersion = asText(object.apiVersion);
    const kind = asText(object.kind);
    const outcome = validateObject(object, crds);
    if (crds.has(apiVersion, kind)) custom += 1;
    if (!outcome) {
      const group = apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
      if (group && !crds.hasGroup(group)) {
        // An API group none of the pinned CRDs define: nothing offline can judge it (the dry-run can).
        unpinned.set(`${apiVersion} ${kind}`, (unpinned.get(`${apiVersion} ${kind}`) ?? 0) + 1);
      } else {
        problems.push(
          `${objectName(object)} from ${origin}: no schema for ${apiVersion} ${kind} (not a built-in kind, and the pinned CRDs of group ${group || "core"} do not define it)`,
        );
      }
      continue;
    }
    celRules += outcome.celRulesNotEvaluated;
    for (const error of outcome.errors) problems.push(`${objectName(object)} from ${origin}: ${error}`);
  }
  const summary = `${objects.length} objects (${custom} custom resources); ${celRules} CEL rules in their CRD schemas need an API server to evaluate`;
  record(
    stack,
    "schema validation of emitted objects",
    problems.length ? "fail" : "pass",
    (Date.now() - started) / 1000,
    problems.length ? problems.join("\n") : summary,
  );
  if (unpinned.size) {
    const kinds = [...unpinned].map(([kind, count]) => `${kind} ×${count}`).join(", ");
    record(
      stack,
      "schema validation of objects whose CRDs are not pinned",
      "skip",
      0,
      `${kinds}: no CRD for their API group in ${schemaDirectory}`,
    );
  }
}

function toolVersion(program: string, args: string[]): string {
  const result = runCommandSync(program, args, { timeoutSeconds: 120 });
  const line = result.stdout.split("\n").find((text) => /\d+\.\d+/.test(text)) ?? "";
  return result.code === 0 ? line.trim() : `unavailable (${tail(result, 2)})`;
}

function main(): void {
  const { stacks: stacksDirectory, work } = readStacksAndWork(
    "usage: npx tsx scripts/verify/verify.ts --stacks <dir with one folder per stack> --work <scratch dir>",
  );
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const overall = Date.now();

  console.log(`[verify] tofu: ${tools.tofu} — ${toolVersion(tools.tofu, ["version"])}`);
  console.log(`[verify] helm: ${tools.helm} — ${toolVersion(tools.helm, ["version", "--short"])}`);
  console.log(`[verify] checkov: ${tools.checkov} — ${toolVersion(tools.checkov, ["--version"])}`);
  console.log(`[verify] schemas: ${schemaDirectory}; provider mirror: ${providerMirror}; kube version ${kubeVersion}`);

  const folders = readUpstreamFolders(schemaDirectory);
  const stackNames = readdirSync(stacksDirectory)
    .filter((name) => existsSync(join(stacksDirectory, name, "cdk.tf.json")))
    .sort();
  if (stackNames.length === 0) throw new Error(`no synthesized stacks (cdk.tf.json) under ${stacksDirectory}`);

  const cliConfig = join(work, "tofu.rc");
  const kubeconfig = join(work, "kubeconfig-no-cluster.yaml");
  mkdirSync(providerMirror, { recursive: true });
  writeOfflineCliConfig(cliConfig, providerMirror);
  writeDummyKubeconfig(kubeconfig);

  const staging = join(work, "scan");
  const origins = new Map<string, ScanOrigin>();
  let planned = false;
  let renderedObjects = 0;

  for (const name of stackNames) {
    let stack: SynthesizedStack;
    try {
      stack = readStack(join(stacksDirectory, name), name);
    } catch (error) {
      record(name, "read cdk.tf.json", "fail", 0, error instanceof Error ? error.message : String(error));
      continue;
    }
    const crdFiles = crdFilesOfReleases(
      folders,
      stack.helmReleases.filter((release) => !release.localChartPath),
    );
    const crds = new CrdRegistry(crdFiles, schemaDirectory);
    writeFileSync(join(work, `crds-${name}.txt`), `${crdFiles.join("\n")}\n`);

    const missing = missingProviders(providerMirror, stack.requiredProviders);
    if (missing.length) {
      const configOnly = loadConfigurationOnly(tools.tofu, stack, work, cliConfig);
      // Init loads and parses the whole configuration before it looks for providers.
      const errors = `${configOnly.stdout}\n${configOnly.stderr}`
        .split("\n")
        .filter((line) => /^\s*(│\s*)?Error: /.test(line));
      const onlyProvidersMissing =
        errors.length > 0 &&
        errors.every((line) => /Failed to (query available provider packages|install provider)/.test(line));
      record(
        name,
        "tofu init: configuration loads (providers not installed)",
        configOnly.code === 0 || onlyProvidersMissing ? "pass" : "fail",
        configOnly.seconds,
        configOnly.code === 0 || onlyProvidersMissing ? "" : tail(configOnly),
      );
      record(
        name,
        "tofu init + validate with the real providers",
        requireProviders ? "fail" : "skip",
        0,
        `not in the provider mirror ${providerMirror}: ${missing.join(", ")} (see verify/README.md)`,
      );
    } else {
      const run = runTofu(tools.tofu, stack, work, cliConfig, kubeconfig, !planned);
      recordCommand(name, "tofu init (offline, mirror only)", run.init);
      if (run.validate) recordCommand(name, "tofu validate", run.validate);
      if (run.plan) {
        planned = true;
        // Without a cluster the plan is informational: its outcome is reported, not judged.
        record(
          name,
          `tofu plan against a kubeconfig with no cluster (exit ${run.plan.code}, informational)`,
          "pass",
          run.plan.seconds,
          tail(run.plan, 30),
        );
        writeFileSync(join(work, `plan-${name}.log`), `${run.plan.stdout}\n${run.plan.stderr}`);
      }
    }

    const objects: EmittedObject[] = providerObjects(stack);
    for (const release of stack.helmReleases) {
      if (release.localChartPath)
        objects.push(...renderLocalRelease(stack, resolveCrdFeeds(release, stack, folders), work, crds));
      else checkUpstreamRelease(name, release, folders);
    }
    validateObjects(name, objects, crds);
    renderedObjects += objects.length;

    const stackStaging = join(staging, name);
    mkdirSync(stackStaging, { recursive: true });
    writeFileSync(join(stackStaging, "cdk.tf.json"), JSON.stringify(stack.document, null, 2));
    origins.set(`${name}/cdk.tf.json`, { stack: name, origin: "cdk.tf.json" });
    const byOrigin = new Map<string, JsonObject[]>();
    for (const { origin, object } of objects) byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), object]);
    let index = 0;
    for (const [origin, group] of byOrigin) {
      const file = `${name}/manifests-${String(index++).padStart(2, "0")}.yaml`;
      writeFileSync(join(staging, file), group.map((object) => stringify(object)).join("---\n"));
      origins.set(file, { stack: name, origin });
    }
    writeFileSync(join(work, `objects-${name}.yaml`), objects.map(({ object }) => stringify(object)).join("---\n"));
  }

  let findings: Finding[] = [];
  const scanStarted = Date.now();
  try {
    const scan = runCheckov(
      tools.checkov,
      staging,
      (file) => origins.get(file) ?? { stack: file.split("/")[0] ?? "?", origin: file },
    );
    findings = scan.findings;
    writeFileSync(join(work, "checkov.json"), scan.raw);
    // checkov leaves out a framework's report when none of its checks applies to anything scanned.
    const silent = ["terraform_json", "kubernetes"].filter((framework) => !scan.frameworks.includes(framework));
    const frameworks = `${scan.frameworks.join(" + ") || "nothing"} reported${silent.length ? `; no check of ${silent.join(", ")} applies to what the stacks contain` : ""}`;
    // Rendered workloads always meet some kubernetes check: a silent kubernetes framework means checkov saw nothing.
    const blind = renderedObjects > 0 && !scan.frameworks.includes("kubernetes");
    record(
      "",
      `checkov over ${stackNames.length} stacks (${frameworks})`,
      blind ? "fail" : "pass",
      scan.seconds,
      blind
        ? `checkov reported nothing for ${renderedObjects} staged objects in ${staging}`
        : `${scan.passed} checks passed, ${findings.length} failed`,
    );
  } catch (error) {
    record(
      "",
      "checkov",
      "fail",
      (Date.now() - scanStarted) / 1000,
      error instanceof Error ? error.message : String(error),
    );
  }
  const allowlist = readAcceptedFindings(allowlistFile);
  const result = triage(findings, allowlist);
  writeFileSync(
    join(work, "findings.json"),
    JSON.stringify({ findings, fresh: result.fresh, stale: result.stale }, null, 2),
  );
  if (result.fresh.length) {
    record(
      "",
      `scanner findings not in verify/accepted-findings.yaml: ${result.fresh.length}`,
      "fail",
      0,
      result.fresh
        .map(
          (finding) => `${finding.check} ${finding.resource} [${finding.stack}, ${finding.origin}]: ${finding.title}`,
        )
        .join("\n"),
    );
  } else {
    record("", `scanner findings: ${findings.length}, all accepted`, "pass", 0);
  }
  if (result.stale.length) {
    console.log(
      `[verify] note: ${result.stale.length} accepted-findings entries matched nothing (fixed? remove them):`,
    );
    for (const entry of result.stale) console.log(`         ${entry.check} ${entry.resource}`);
  }

  const passed = steps.filter((step) => step.status === "pass").length;
  const failed = steps.filter((step) => step.status === "fail").length;
  const skipped = steps.filter((step) => step.status === "skip").length;
  console.log("\n[verify] summary");
  for (const step of steps.filter((candidate) => candidate.status !== "pass")) {
    console.log(`  ${step.status.toUpperCase()} ${step.stack ? `${step.stack}: ` : ""}${step.name}`);
  }
  const byCheck = new Map<string, number>();
  for (const finding of findings) byCheck.set(finding.check, (byCheck.get(finding.check) ?? 0) + 1);
  console.log(
    `  stacks: ${stackNames.length}; findings: ${findings.length} (${result.accepted.length} accepted, ${result.fresh.length} new)`,
  );
  if (byCheck.size)
    console.log(`  findings by check: ${[...byCheck].map(([check, count]) => `${check}×${count}`).join(", ")}`);
  console.log(`  time: ${((Date.now() - overall) / 1000).toFixed(0)}s; work directory ${work}`);
  writeFileSync(join(work, "steps.json"), JSON.stringify(steps, null, 2));
  console.log(`verify: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = failed > 0 ? 1 : 0;
}

try {
  main();
} catch (error) {
  console.error(`[verify] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 2;
}
