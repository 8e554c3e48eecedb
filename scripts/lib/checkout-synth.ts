/**
 * Synthesizes a checkout of this repository with its own code, as `cdktf synth` would (the `app` command of its
 * cdktf.json), and checks out other commits into temporary git worktrees for `npm run diff:synth`.
 */
import { mkdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cdktfNoCallsHome } from "../cdktf";
import { runCommand, tail } from "./processes";

export interface MatrixEntry {
  readonly profile: string;
  readonly mode: string;
}

export async function git(repository: string, ...args: string[]): Promise<string> {
  const result = await runCommand("git", ["-C", repository, ...args]);
  if (result.code !== 0) throw new Error(`${result.command} exited ${result.code}:\n${tail(result)}`);
  return result.stdout.trim();
}

/** The commit a ref names, or undefined when it names none. */
export async function resolveCommit(repository: string, ref: string): Promise<string | undefined> {
  const result = await runCommand("git", ["-C", repository, "rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/**
 * A detached worktree of the commit at `directory`, with this checkout's node_modules linked in (the dependencies
 * of both sides are the same install, so a diff shows our changes, not a reinstall's). `remove` takes it away again.
 */
export async function addWorktree(
  repository: string,
  commit: string,
  directory: string,
): Promise<{ readonly remove: () => Promise<void> }> {
  await git(repository, "worktree", "add", "--detach", "--quiet", directory, commit);
  const link = join(directory, "node_modules");
  symlinkSync(join(repository, "node_modules"), link, "dir");
  return {
    remove: async () => {
      // Unlinked first, so that nothing that removes the worktree can reach into the linked folder.
      unlinkSync(link);
      await git(repository, "worktree", "remove", "--force", directory);
    },
  };
}

/**
 * Runs the checkout's cdktf app for one profile and Kafka mode into outdir and returns the path of its cdk.tf.json.
 * The mode goes in through an overrides file (STREAMSTACK_CONFIG), the way a user sets it.
 */
export async function synthesizeCheckout(checkout: string, entry: MatrixEntry, outdir: string): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  const overrides = join(outdir, "overrides.yaml");
  writeFileSync(overrides, `kafka:\n  mode: ${entry.mode}\n`);
  const app = (JSON.parse(readFileSync(join(checkout, "cdktf.json"), "utf8")) as { app: string }).app;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...cdktfNoCallsHome,
    STREAMSTACK_PROFILE: entry.profile,
    STREAMSTACK_CONFIG: overrides,
    CDKTF_OUTDIR: outdir,
  };
  delete env.CDKTF_CONTEXT_JSON;
  const result = await runCommand("sh", ["-c", app], { cwd: checkout, env });
  if (result.code !== 0)
    throw new Error(
      `\`${app}\` in ${checkout} (${entry.profile}, ${entry.mode}) exited ${result.code}:\n${tail(result)}`,
    );
  const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const stacks = Object.values(manifest.stacks);
  if (stacks.length !== 1)
    throw new Error(`${checkout} synthesized ${stacks.length} stacks, expected one:\n${tail(result)}`);
  return join(outdir, stacks[0].synthesizedStackPath);
}
