import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { diffSynth } from "../scripts/diff-synth";

const repository = join(__dirname, "..");
const git = (...args: string[]) => execFileSync("git", ["-C", repository, ...args], { encoding: "utf8" }).trim();

// b3c2b9d "Producer mounts only ca.crt of the Kafka trust secret" gave the cloud producer's secretFiles their keys and
// changed the node-app chart's files; its parent 3cfaeb7 is the base. Each side is synthesized by its own commit.
const base = "3cfaeb7";
const head = "b3c2b9d";
const shallow = git("rev-parse", "--is-shallow-repository") === "true";
if (shallow)
  console.log("diff-synth history test skipped: this clone is shallow, the commits it compares are not in it");

(shallow ? describe.skip : describe)("npm run diff:synth on this repository's history", () => {
  let output: string;
  let worktreesBefore: string;

  beforeAll(async () => {
    worktreesBefore = git("worktree", "list", "--porcelain");
    output = await diffSynth({ base, head, format: "text", entries: [{ profile: "cloud", mode: "zookeeper" }] });
  }, 300_000);

  it("shows the value the commit added, under its release", () => {
    expect(output).toContain(`Semantic diff of the synthesized stacks: ${base} (`);
    expect(output).toContain("== cloud profile, zookeeper mode ==\n");
    expect(output).toContain('Values:\n  ~ release producer\n      + values.secretFiles[0].keys: ["ca.crt"]\n');
  });

  it("says that the node-app chart's files changed, and nothing else about versions", () => {
    expect(output).toMatch(
      /Chart and image versions:\n {2}~ release dashboard local chart files: \w{8} → \w{8}\n {2}~ release producer local chart files: \w{8} → \w{8}\n(?! {2})/,
    );
  });

  it("removes its worktrees", () => {
    expect(git("worktree", "list", "--porcelain")).toBe(worktreesBefore);
  });
});
