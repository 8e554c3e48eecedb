import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { cdktfSynthEnvironment, readCdktfJson } from "../scripts/lib/cdktf-synth-environment";
import { npmScriptCommand } from "./support/npm-script";

// `npm run synth` (scripts/synth.ts) runs the bundled app without the cdktf CLI. It must write what `cdktf synth`
// writes, byte for byte, so that `cdktf deploy`/`diff` (which synthesize through the CLI) see the same stacks.

const repoRoot = join(__dirname, "..");
const cdktfCli = require.resolve("cdktf-cli/bundle/bin/cdktf");
const recorder = join(__dirname, "support", "record-network.cjs");

function run(command: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { cwd: repoRoot, env, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

/** `npm run synth` as package.json spells it, without npm in between. */
function fastSynth(args: string[], env: NodeJS.ProcessEnv): string {
  const synth = npmScriptCommand("synth", args);
  return run(synth.command, synth.args, env);
}

/** The CLI as scripts/cdktf.ts runs it (calls home off), without tsx in between. */
function cliSynth(args: string[], env: NodeJS.ProcessEnv): string {
  return run(process.execPath, [cdktfCli, "synth", ...args], {
    ...env,
    CHECKPOINT_DISABLE: "1",
    DISABLE_VERSION_CHECK: "true",
  });
}

function tree(folder: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(folder, path), readFileSync(path));
    }
  };
  walk(folder);
  return files;
}

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), "streamstack-synth-fast-"));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

/** An earlier synth's leftovers: a stack the manifest no longer names goes, other files are the app's business. */
function seedEarlierSynth(outdir: string): void {
  mkdirSync(join(outdir, "stacks", "streamstack-retired"), { recursive: true });
  writeFileSync(join(outdir, "stacks", "streamstack-retired", "cdk.tf.json"), "{}");
}

it("writes the same cdktf.out as cdktf synth, byte for byte, and removes the same leftovers", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, STREAMSTACK_PROFILE: "kind" };
  delete env.CDKTF_OUTDIR;
  const fast = join(temp, "fast");
  const cli = join(temp, "cli");
  seedEarlierSynth(fast);
  seedEarlierSynth(cli);
  // The recorder rides along in every Node process of the fast path: nothing off the machine (tsx's own pipe is local).
  const log = join(temp, "network.log");
  const output = fastSynth(["--output", fast], {
    ...env,
    NODE_OPTIONS: `--require ${recorder}`,
    STREAMSTACK_NETWORK_LOG: log,
  });
  cliSynth(["--output", cli], env);

  expect(output).toContain("Generated Terraform code for the stacks: streamstack-kind");
  const network = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
  expect(network.filter((entry) => !/^(lookup localhost|connect (\/|127\.|::1|localhost:))/.test(entry))).toEqual([]);
  const fastTree = tree(fast);
  const cliTree = tree(cli);
  expect([...fastTree.keys()].sort()).toEqual([...cliTree.keys()].sort());
  expect(fastTree.has(join("stacks", "streamstack-retired", "cdk.tf.json"))).toBe(false);
  for (const [file, contents] of cliTree)
    expect({ file, same: contents.equals(fastTree.get(file) ?? Buffer.alloc(0)) }).toEqual({ file, same: true });
});

it("hands the app the environment cdktf synth hands it", () => {
  // The CLI runs a one-line app that records what it was given; scripts/lib/cdktf-synth-environment.ts must agree.
  const dump = join(temp, "env.json");
  const app = `node -e "const fs = require('fs'); fs.writeFileSync('${dump}', JSON.stringify(process.env)); fs.mkdirSync(process.env.CDKTF_OUTDIR, { recursive: true }); fs.writeFileSync(process.env.CDKTF_OUTDIR + '/manifest.json', JSON.stringify({ version: '0.21.0', stacks: {} }))"`;
  const outdir = join(temp, "out");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_VAR_secret: "kept from the app",
    CDKTF_CONTEXT_JSON: '{"ignored":1}',
  };
  delete env.NODE_OPTIONS;
  cliSynth(["--app", app, "--output", outdir], env);
  const given = JSON.parse(readFileSync(dump, "utf8")) as Record<string, string>;
  const expected = cdktfSynthEnvironment(env, readCdktfJson(repoRoot), outdir);
  const relevant = (vars: NodeJS.ProcessEnv) =>
    Object.fromEntries(Object.entries(vars).filter(([name]) => /^(CDKTF_|SYNTH_|TF_VAR_|NODE_OPTIONS$)/.test(name)));
  expect(relevant(expected)).toEqual(relevant(given));
  expect(given.TF_VAR_secret).toBeUndefined();
});

it("refuses cdktf synth options it does not reproduce, naming the way to run them", () => {
  const result = spawnSync(process.execPath, ["--require", "tsx/cjs", "scripts/synth.ts", "--hcl"], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toContain("unknown flag --hcl; allowed: --output");
  expect(result.stderr).toContain("tsx scripts/cdktf.ts synth");
});
