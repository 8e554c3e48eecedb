import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { runCommandSync, tail, type CommandResult } from "../lib/processes";
import type { RequiredProvider, SynthesizedStack } from "./stack";

/** Where `hashicorp/kubernetes` resolves: OpenTofu and Terraform default to different registries. */
const defaultHosts = ["registry.opentofu.org", "registry.terraform.io"];

interface ProviderAddress {
  readonly host?: string;
  readonly namespace: string;
  readonly type: string;
}

function providerAddress(provider: RequiredProvider): ProviderAddress {
  const parts = provider.source.split("/");
  if (parts.length === 3) return { host: parts[0], namespace: parts[1] ?? "", type: parts[2] ?? "" };
  if (parts.length === 2) return { namespace: parts[0] ?? "", type: parts[1] ?? "" };
  return { namespace: "hashicorp", type: parts[0] ?? provider.localName };
}

/** True when the mirror holds the provider in the unpacked or the packed layout for linux_amd64. */
function mirrorHas(mirror: string, host: string, address: ProviderAddress, version: string): boolean {
  const base = join(mirror, host, address.namespace, address.type);
  return (
    existsSync(join(base, version, "linux_amd64")) ||
    existsSync(join(base, `terraform-provider-${address.type}_${version}_linux_amd64.zip`))
  );
}

/**
 * Makes one provider version visible under a second hostname. Only the leaves are links: the
 * mirror search does not descend into a symlinked directory above the platform level.
 */
function linkProviderVersion(from: string, to: string, type: string, version: string): void {
  const platform = join(from, version, "linux_amd64");
  if (existsSync(platform)) {
    mkdirSync(join(to, version), { recursive: true });
    symlinkSync(platform, join(to, version, "linux_amd64"));
    return;
  }
  const archive = `terraform-provider-${type}_${version}_linux_amd64.zip`;
  mkdirSync(to, { recursive: true });
  symlinkSync(join(from, archive), join(to, archive));
}

/**
 * Checks that every required provider is in the mirror under the host the CLI will ask for.
 * A mirror filled by the other CLI (registry.terraform.io vs registry.opentofu.org) is linked across.
 */
export function missingProviders(mirror: string, providers: readonly RequiredProvider[]): string[] {
  const missing: string[] = [];
  for (const provider of providers) {
    const address = providerAddress(provider);
    const version = provider.version.replace(/^[=v ]+/, "");
    const hosts = address.host ? [address.host] : defaultHosts;
    const present = hosts.filter((host) => mirrorHas(mirror, host, address, version));
    if (present.length === 0) {
      missing.push(`${address.host ?? "<default registry>"}/${address.namespace}/${address.type} ${version}`);
      continue;
    }
    const source = present[0];
    for (const host of hosts) {
      if (source === undefined || host === source || mirrorHas(mirror, host, address, version)) continue;
      linkProviderVersion(
        join(mirror, source, address.namespace, address.type),
        join(mirror, host, address.namespace, address.type),
        address.type,
        version,
      );
    }
  }
  return missing;
}

/** A CLI configuration that installs providers only from the local mirror: init never goes online. */
export function writeOfflineCliConfig(file: string, mirror: string): void {
  writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
}

/** A kubeconfig for a cluster that does not exist: nothing listens on port 1 of loopback. */
export function writeDummyKubeconfig(file: string): void {
  writeFileSync(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "  - name: none",
      "    cluster:",
      "      server: https://127.0.0.1:1",
      "      insecure-skip-tls-verify: true",
      "contexts:",
      "  - name: none",
      "    context: {cluster: none, user: none}",
      "current-context: none",
      "users:",
      "  - name: none",
      "    user: {token: not-a-real-token}",
      "",
    ].join("\n"),
  );
}

export interface TofuRun {
  readonly init: CommandResult;
  readonly validate?: CommandResult;
  readonly plan?: CommandResult;
}

/** The directory, emptied (created when missing). */
function emptyDirectory(path: string): string {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  return path;
}

/** OpenTofu offline and quiet: the CLI config (the provider mirror), no prompts, no update checks. */
function tofuEnvironment(cliConfig: string): NodeJS.ProcessEnv {
  return { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" };
}

/**
 * Runs init and validate (and plan when asked) in a copy of the stack whose state lives in the
 * work directory, so the synthesized output and the user's state are never touched.
 */
export function runTofu(
  tofu: string,
  stack: SynthesizedStack,
  workDirectory: string,
  cliConfig: string,
  kubeconfig: string,
  withPlan: boolean,
): TofuRun {
  const copy = emptyDirectory(join(workDirectory, "tofu", stack.name));
  for (const entry of readdirSync(stack.directory)) {
    if (entry === ".terraform" || entry.endsWith(".tfstate")) continue;
    cpSync(join(stack.directory, entry), join(copy, entry), { recursive: true });
  }
  // An override file replaces the backend block: state goes to the work directory.
  writeFileSync(
    join(copy, "verify_override.tf.json"),
    JSON.stringify({ terraform: { backend: { local: { path: join(copy, `${basename(copy)}.tfstate`) } } } }, null, 2),
  );
  const env: NodeJS.ProcessEnv = {
    ...tofuEnvironment(cliConfig),
    TF_INPUT: "0",
    KUBE_CONFIG_PATH: kubeconfig,
    KUBECONFIG: kubeconfig,
  };
  delete env.TF_PLUGIN_CACHE_DIR;
  const init = runCommandSync(tofu, ["init", "-input=false", "-no-color"], { cwd: copy, env, timeoutSeconds: 600 });
  if (init.code !== 0) return { init };
  const validate = runCommandSync(tofu, ["validate", "-no-color"], { cwd: copy, env, timeoutSeconds: 600 });
  if (!withPlan || validate.code !== 0) return { init, validate };
  const plan = runCommandSync(tofu, ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false"], {
    cwd: copy,
    env,
    timeoutSeconds: 900,
  });
  return { init, validate, plan };
}

/** Loads the configuration only (no providers): catches what the language itself rejects. */
export function loadConfigurationOnly(
  tofu: string,
  stack: SynthesizedStack,
  workDirectory: string,
  cliConfig: string,
): CommandResult {
  const copy = emptyDirectory(join(workDirectory, "tofu-config-only", stack.name));
  cpSync(stack.file, join(copy, "cdk.tf.json"));
  return runCommandSync(tofu, ["init", "-backend=false", "-input=false", "-no-color"], {
    cwd: copy,
    env: tofuEnvironment(cliConfig),
    timeoutSeconds: 300,
  });
}

export { tail };
