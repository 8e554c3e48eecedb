/**
 * `npm run status [-- --profile cloud] [--kubeconfig FILE] [--context NAME] [--watch] [--interval SECONDS]`
 *
 * The profile is chosen as for synth (STREAMSTACK_PROFILE, overrides from STREAMSTACK_CONFIG); --profile overrides it.
 * The cluster is the profile's cluster.kubeconfigPath and cluster.context unless the flags name others, else
 * KUBECONFIG and the current context. Exit codes: 0 everything ready, 1 not (yet) ready, 2 bad arguments or config.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { ConfigError, loadConfig } from "../../config/load";
import { sleep } from "../lib/processes";
import { parseInput } from "../lib/script-input";
import { expectedPipeline } from "./expected";
import { observe } from "./observe";
import { renderView } from "./view";

const intervalBounds = { min: 2, max: 300, default: 5 } as const;

class UsageError extends Error {}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

function parse(argv: readonly string[]) {
  const { value, problems } = parseInput(
    { values: ["profile", "kubeconfig", "context", "interval"], switches: ["watch"] },
    (input) => ({
      profile: input.text({ flag: "profile" }, undefined, "a profile name"),
      kubeconfig: input.text({ flag: "kubeconfig" }, undefined, "a kubeconfig file"),
      context: input.text({ flag: "context" }, undefined, "a context of the kubeconfig"),
      watch: input.switch("watch"),
      interval: input.wholeNumber({ flag: "interval" }, intervalBounds.default, intervalBounds),
    }),
    argv,
    {},
  );
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return value;
}

function kubeConfigFor(kubeconfig: string, context: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (kubeconfig) kubeConfig.loadFromFile(expandHome(kubeconfig));
  else kubeConfig.loadFromDefault();
  if (context) {
    if (!kubeConfig.getContextObject(context))
      throw new UsageError(
        `context '${context}' is not in ${kubeconfig || "the default kubeconfig"}; ` +
          `pass --context or set cluster.context in the overrides file (have: ${kubeConfig.contexts.map((c) => c.name).join(", ")})`,
      );
    kubeConfig.setCurrentContext(context);
  }
  return kubeConfig;
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  const config = loadConfig({
    profile: options.profile ?? process.env.STREAMSTACK_PROFILE,
    overridesFile: process.env.STREAMSTACK_CONFIG,
  });
  const kubeconfig = options.kubeconfig ?? config.cluster.kubeconfigPath;
  const context = options.context ?? config.cluster.context;
  const kubeConfig = kubeConfigFor(kubeconfig, context);
  const kubectl = ["kubectl", ...(kubeconfig ? [`--kubeconfig ${kubeconfig}`] : [])].join(" ");
  const kubectlContext = `${kubectl} --context ${kubeConfig.getCurrentContext()}`;
  const expected = expectedPipeline(config);
  const interactive = process.stdout.isTTY === true;
  for (;;) {
    const view = renderView(expected, await observe(kubeConfig, expected), new Date(), { kubectl: kubectlContext });
    // Redraw in place in a terminal; a log gets one view after another.
    process.stdout.write(`${options.watch && interactive ? "\x1b[2J\x1b[H" : ""}${view.lines.join("\n")}\n`);
    if (view.allReady || !options.watch) return view.allReady ? 0 : 1;
    await sleep(options.interval * 1000);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof ConfigError;
    process.stderr.write(`status: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(usage ? 2 : 1);
  },
);
