import { readFileSync } from "node:fs";
import { join } from "node:path";
import { synthesize } from "./support/synth";

/**
 * The README's first-deploy timeline is derived, not measured: each release can finish at the latest when the last of
 * the releases it depends_on has, plus its own Helm timeout. This recomputes it from the synthesized kind stack.
 */
function latestFinishMinutes(): Map<string, number> {
  const stack = synthesize("kind");
  const resources = stack.resourcesOfType("helm_release");
  const byId = new Map(stack.releases.map((release) => [release.id, release]));
  const finish = new Map<string, number>();
  const seconds = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    const release = byId.get(id);
    if (!release) throw new Error(`depends_on names helm_release.${id}, which is not in the stack`);
    const start = Math.max(0, ...release.dependsOn.map(seconds));
    // The helm provider's default timeout is 300 s when a release sets none.
    const total = start + Number(resources[id].timeout ?? 300);
    finish.set(id, total);
    return total;
  };
  return new Map(stack.releases.map((release) => [release.name, seconds(release.id) / 60]));
}

describe("README first-deploy timeline", () => {
  const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("**First-deploy timeline"), readme.indexOf("Watch it with:"));
  const rows = section
    .split("\n")
    .filter((line) => /^\| \d+ \|/.test(line))
    .map((line) => line.split("|").map((cell) => cell.trim()));

  it("has a row for every release of the kind stack", () => {
    const named = rows.flatMap((row) => [...row[2].matchAll(/`([^`]+)`/g)].map((match) => match[1]));
    expect([...new Set(named)].sort()).toEqual([...latestFinishMinutes().keys()].sort());
  });

  it.each(rows.map((row) => [row[1], row]))("step %s: the latest finish of its releases, in minutes", (_step, row) => {
    const finish = latestFinishMinutes();
    const releases = [...row[2].matchAll(/`([^`]+)`/g)].map((match) => match[1]);
    const computed = [...new Set(releases.map((name) => Math.ceil(finish.get(name) ?? Number.NaN)))].sort(
      (a, b) => a - b,
    );
    const stated = [...row[4].matchAll(/\d+/g)].map((match) => Number(match[0]));
    expect({ releases, minutes: stated }).toEqual({ releases, minutes: computed });
  });
});
