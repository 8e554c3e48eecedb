import { spawn } from "node:child_process";

/**
 * `npm run synth|deploy|diff|destroy`: the cdktf CLI with its calls home switched off. Set here rather than as
 * `VAR=1 cdktf …` in package.json so that the scripts run in any shell. Crash reports stay off through cdktf.json's
 * `sendCrashReports`. Usage: tsx scripts/cdktf.ts <cdktf arguments>
 * Read in terraform-cdk v0.21.0: packages/@cdktf/commons/src/{environment,checkpoint}.ts and
 * packages/cdktf-cli/src/bin/cmds/helper/version-check.ts.
 */
export const cdktfNoCallsHome = {
  // After every command cdktf-cli posts a usage report to HashiCorp's checkpoint service, and the `terraform version`
  // it runs asks the same service for a newer release. The archived CLI's endpoint no longer resolves, so every synth
  // printed `[ERROR] getaddrinfo ENOTFOUND checkpoint-api…`.
  CHECKPOINT_DISABLE: "1",
  // In a terminal the CLI asks the package registry whether a newer cdktf-cli exists; it is archived and pinned here.
  DISABLE_VERSION_CHECK: "true",
} as const;

export function cdktfEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, ...cdktfNoCallsHome };
}

if (require.main === module) {
  const cli = spawn(process.execPath, [require.resolve("cdktf-cli/bundle/bin/cdktf"), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: cdktfEnvironment(process.env),
  });
  // Ctrl-C reaches the CLI directly (same process group) and it stops Terraform cleanly: wait for it instead of dying first.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => cli.kill("SIGTERM"));
  cli.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
