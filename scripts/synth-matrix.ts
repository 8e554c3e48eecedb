import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { App } from "cdktf";
import { loadConfig } from "../config/load";
import { matrix } from "../config/matrix";
import { StreamstackStack } from "../stacks/streamstack-stack";

/**
 * Synthesizes every profile × Kafka mode, one stack each (streamstack-<profile>-<mode>), into outdir
 * in cdktf's layout: <outdir>/stacks/<stack>/cdk.tf.json with the local charts as assets beside it.
 */
export function synthesizeMatrix(outdir = join(resolve(__dirname, ".."), ".cache", "synth-matrix")) {
  mkdirSync(outdir, { recursive: true });
  const results = [];
  for (const entry of matrix) {
    const app = new App({ outdir, skipValidation: false });
    const config = loadConfig({ profile: entry.profile, overrides: { kafka: { mode: entry.mode } } });
    const stack = new StreamstackStack(app, config, `streamstack-${entry.profile}-${entry.mode}`);
    app.synth();
    const path = join(outdir, "stacks", stack.node.id, "cdk.tf.json");
    results.push({
      label: `${entry.profile} profile, ${entry.mode} mode`,
      path,
      stackJson: JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>,
    });
  }
  return results;
}

if (require.main === module) {
  const outdir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  for (const result of synthesizeMatrix(outdir)) console.log(result.path);
}
