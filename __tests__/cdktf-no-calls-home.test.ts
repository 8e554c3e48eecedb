import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cdktfEnvironment, cdktfNoCallsHome } from "../scripts/cdktf";

// `npm run synth|deploy|diff|destroy` go through scripts/cdktf.ts, which switches off the cdktf CLI's calls home.
// The CLI runs with a recorder preloaded into each of its Node processes, around an app that writes an empty manifest
// (the CLI's own behaviour is under test, in seconds rather than a full synth). Terraform is named as absent: a Go
// binary cannot be recorded this way (it reads the same CHECKPOINT_DISABLE).

const repoRoot = join(__dirname, "..");
const recorder = join(__dirname, "support", "record-network.cjs");
const cdktfCli = require.resolve("cdktf-cli/bundle/bin/cdktf");
const tsxCli = join(repoRoot, "node_modules", ".bin", "tsx");
const emptyApp = `node -e "const fs = require('fs'); fs.mkdirSync(process.env.CDKTF_OUTDIR, { recursive: true }); fs.writeFileSync(process.env.CDKTF_OUTDIR + '/manifest.json', JSON.stringify({ version: '0.21.0', stacks: {} }))"`;

interface Run {
  network: string[];
  output: string;
}

/** `synth` with the given command prefix and none of the opt-outs inherited. */
function synthWith(command: string, prefix: string[]): Run {
  const temp = mkdtempSync(join(tmpdir(), "cdktf-calls-home-"));
  try {
    const log = join(temp, "network.log");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: `--require ${recorder}`,
      STREAMSTACK_NETWORK_LOG: log,
      TERRAFORM_BINARY_NAME: "streamstack-no-terraform",
    };
    for (const name of Object.keys(cdktfNoCallsHome)) delete env[name];
    const result = spawnSync(command, [...prefix, "synth", "--app", emptyApp, "--output", join(temp, "out")], {
      cwd: repoRoot,
      env,
      encoding: "utf8",
      timeout: 90_000,
    });
    if (result.error) throw result.error;
    const network = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
    return { network, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

const offMachine = (network: string[]) =>
  network.filter((entry) => !/^(lookup localhost|connect (\/|127\.|::1|localhost:))/.test(entry));

it("the npm scripts run the CLI through scripts/cdktf.ts", () => {
  const { scripts } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  for (const command of ["deploy", "diff", "destroy"]) expect(scripts[command]).toBe(`tsx scripts/cdktf.ts ${command}`);
  // synth runs the app without the CLI at all (synth-fast-path.test.ts checks it writes what the CLI writes).
  expect(scripts.synth).toBe("node --require tsx/cjs scripts/synth.ts");
  // Crash reports are the third call home; cdktf-cli reads this key from cdktf.json only.
  const { sendCrashReports } = JSON.parse(readFileSync(join(repoRoot, "cdktf.json"), "utf8")) as {
    sendCrashReports: unknown;
  };
  expect(String(sendCrashReports)).toBe("false");
});

it("forces the opt-outs over whatever the environment says", () => {
  expect(cdktfEnvironment({ CHECKPOINT_DISABLE: "", DISABLE_VERSION_CHECK: "false", HOME: "/home/user" })).toEqual({
    ...cdktfNoCallsHome,
    HOME: "/home/user",
  });
});

it("the bare CLI reaches for the checkpoint service (the recorder sees it)", () => {
  const bare = synthWith(process.execPath, [cdktfCli]);
  expect(offMachine(bare.network)).toEqual(expect.arrayContaining([expect.stringMatching(/^lookup checkpoint-api\./)]));
});

it("through scripts/cdktf.ts the CLI makes no connection off the machine and prints nothing about it", () => {
  const wrapped = synthWith(tsxCli, [join(repoRoot, "scripts", "cdktf.ts")]);
  expect(wrapped.output).toContain("Generated Terraform code");
  expect(offMachine(wrapped.network)).toEqual([]);
  expect(wrapped.output).not.toMatch(/checkpoint|telemetry/i);
});
