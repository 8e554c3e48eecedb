import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { overridesFile } from "./support/overrides-file";

/** main.ts as cdktf runs it (`node --import tsx main.ts`), in its own process: exit code, stderr and output directory. */
const repoRoot = join(__dirname, "..");

describe("main.ts as cdktf runs it", () => {
  it("exits non-zero naming the field, and writes no output directory", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "streamstack-out-")), "cdktf.out");
    const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, STREAMSTACK_PROFILE: "prod", CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/STREAMSTACK_PROFILE: unknown profile 'prod'; allowed: kind, cloud/);
    expect(existsSync(outdir)).toBe(false);
  });

  it("synthesizes into the output directory on good input", () => {
    const outdir = join(mkdtempSync(join(tmpdir(), "streamstack-out-")), "cdktf.out");
    const file = overridesFile("kafka:\n  mode: kraft\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, STREAMSTACK_CONFIG: file, CDKTF_OUTDIR: outdir },
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(existsSync(join(outdir, "stacks", "streamstack-kind", "cdk.tf.json"))).toBe(true);
  });
});
