/**
 * `npm run diff:synth -- --base <git ref> [--head <git ref>] [--format text|markdown] [--profile kind|cloud]
 * [--mode zookeeper|kraft]`: what a change does to the synthesized stacks, for every profile and Kafka mode, with no
 * cluster. Each side is synthesized by its own code: the base (and a given head) in a temporary git worktree, the
 * head by default from this working tree. Exit 0 with the diff, 1 when a side does not synthesize, 2 on bad flags.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { addWorktree, git, resolveCommit, synthesizeCheckout, type MatrixEntry } from "./lib/checkout-synth";
import { stopAll } from "./lib/processes";
import { diffStacks, type SynthSide } from "./lib/synth-diff";
import { parseInput } from "./lib/script-input";
import { outputFormats, renderDiff, type LabelledDiff, type OutputFormat } from "./lib/synth-diff-render";
import { matrix } from "../config/matrix";

export interface DiffOptions {
  readonly base: string;
  /** A git ref; undefined means this working tree, uncommitted changes included. */
  readonly head?: string;
  readonly format: OutputFormat;
  readonly entries: readonly MatrixEntry[];
}

export class UsageError extends Error {}

const usage =
  "usage: npm run diff:synth -- --base <git ref> [--head <git ref>] [--format text|markdown] [--profile kind|cloud] [--mode zookeeper|kraft]";

/** Flags to options; every problem names its flag. */
export function parseFlags(args: readonly string[]): DiffOptions {
  const profiles = [...new Set(matrix.map((entry) => entry.profile))];
  const modes = [...new Set(matrix.map((entry) => entry.mode))];
  const { value, problems } = parseInput(
    { values: ["base", "head", "format", "profile", "mode"] },
    (input) => ({
      base: input.requiredText({ flag: "base" }, "the git ref to compare with (e.g. HEAD~1)"),
      head: input.text({ flag: "head" }, undefined, "a git ref"),
      format: input.choice({ flag: "format" }, "text", outputFormats),
      // Unset: every profile, every mode.
      profile: input.choice({ flag: "profile" }, undefined, profiles),
      mode: input.choice({ flag: "mode" }, undefined, modes),
    }),
    args,
    {},
  );
  if (problems.length > 0) throw new UsageError([...problems, usage].join("\n"));
  const { base, head, format, profile, mode } = value;
  return {
    base,
    ...(head === undefined ? {} : { head }),
    format,
    entries: matrix.filter(
      (entry) => (profile ?? entry.profile) === entry.profile && (mode ?? entry.mode) === entry.mode,
    ),
  };
}

const repository = resolve(__dirname, "..");

async function commitOf(flag: string, ref: string): Promise<string> {
  const commit = await resolveCommit(repository, ref);
  if (commit === undefined) throw new UsageError(`${flag}: '${ref}' names no commit in ${repository}`);
  return commit;
}

/** Synthesizes both sides of every chosen entry and compares them; worktrees are removed whatever happens. */
export async function diffSynth(options: DiffOptions): Promise<string> {
  const baseCommit = await commitOf("--base", options.base);
  const headCommit = options.head === undefined ? undefined : await commitOf("--head", options.head);
  const scratch = mkdtempSync(join(tmpdir(), "streamstack-diff-synth-"));
  const worktrees: { remove: () => Promise<void> }[] = [];
  const removeAll = () => Promise.all(worktrees.splice(0).map((worktree) => worktree.remove()));
  // The synths run in their own process groups (lib/processes.ts): stop them before taking their worktrees away.
  const onSignal = (signal: NodeJS.Signals) =>
    void stopAll()
      .then(removeAll)
      .finally(() => rmSync(scratch, { recursive: true, force: true }))
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const checkout = async (side: string, commit: string) => {
      const directory = join(scratch, side);
      worktrees.push(await addWorktree(repository, commit, directory));
      return directory;
    };
    const baseCheckout = await checkout("base", baseCommit);
    const headCheckout = headCommit === undefined ? repository : await checkout("head", headCommit);
    const diffs: LabelledDiff[] = [];
    for (const entry of options.entries) {
      const name = `${entry.profile}-${entry.mode}`;
      const side = async (checkoutDirectory: string, label: string): Promise<SynthSide> => {
        const path = await synthesizeCheckout(checkoutDirectory, entry, join(scratch, "out", label, name));
        // Paths into the checkout (the local state file's) differ between the sides and say nothing about the change.
        const text = readFileSync(path, "utf8").split(checkoutDirectory).join("<checkout>");
        return {
          json: JSON.parse(text) as Record<string, unknown>,
          chartsDirectory: join(checkoutDirectory, "charts"),
        };
      };
      // Two synths at a time: each is one CPU-bound process.
      const [before, after] = await Promise.all([side(baseCheckout, "base"), side(headCheckout, "head")]);
      diffs.push({ label: `${entry.profile} profile, ${entry.mode} mode`, diff: diffStacks(before, after) });
    }
    const named = async (ref: string, commit: string) =>
      `${ref} (${await git(repository, "log", "-1", "--format=%h %<(60,trunc)%s", commit)})`;
    return renderDiff(
      options.format,
      {
        base: await named(options.base, baseCommit),
        head:
          options.head === undefined || headCommit === undefined
            ? "this working tree"
            : await named(options.head, headCommit),
      },
      diffs,
    );
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await removeAll();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  try {
    process.stdout.write(await diffSynth(parseFlags(process.argv.slice(2))));
  } catch (error) {
    process.stderr.write(`diff:synth: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}

if (require.main === module) void main();
