import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What `cdktf synth` (cdktf-cli 0.21.0) hands the app it runs, reproduced so that `npm run synth` can run the app
 * without the CLI and write the same cdktf.out. Read in terraform-cdk v0.21.0:
 * packages/@cdktf/commons/src/config.ts (cdktf.json's `context` becomes CDKTF_CONTEXT_JSON, `output` defaults to
 * cdktf.out) and packages/@cdktf/cli-core/src/lib/synth-stack.ts (`SynthStack.synth`: the environment below, and the
 * stack folders of an earlier synth that the new manifest no longer names are removed).
 */
interface CdktfJson {
  output?: string;
  context?: Record<string, unknown>;
  terraformModules?: unknown[];
}

export function readCdktfJson(repoRoot: string): CdktfJson {
  return JSON.parse(readFileSync(join(repoRoot, "cdktf.json"), "utf8")) as CdktfJson;
}

/** The CLI's default output folder, as it resolves it (relative to the project, passed to the app as written). */
export function cdktfOutput(config: CdktfJson): string {
  return config.output ?? "cdktf.out";
}

const maxOldSpace = "--max-old-space-size";

export function cdktfSynthEnvironment(env: NodeJS.ProcessEnv, config: CdktfJson, outdir: string): NodeJS.ProcessEnv {
  // TF_VAR_* stay with Terraform; the app never sees them.
  const kept = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("TF_VAR_")));
  // The CLI only adds the heap limit when NODE_OPTIONS is unset (it warns, and keeps the user's, otherwise).
  if (!kept.NODE_OPTIONS) kept.NODE_OPTIONS = `${maxOldSpace}=4096`;
  // Reading cdktf.json puts its `context` (when present) into CDKTF_CONTEXT_JSON, over whatever the shell set.
  const inherited = config.context
    ? config.context
    : env.CDKTF_CONTEXT_JSON
      ? (JSON.parse(env.CDKTF_CONTEXT_JSON) as Record<string, unknown>)
      : {};
  // The CLI also lists the relative ones among cdktf.json's terraformModules here; this project declares none.
  if ((config.terraformModules ?? []).length > 0)
    throw new Error(
      "cdktf.json terraformModules: npm run synth does not handle modules; run `tsx scripts/cdktf.ts synth`",
    );
  return {
    ...kept,
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...inherited, cdktfRelativeModules: [] }),
    SYNTH_HCL_OUTPUT: "false",
  };
}
