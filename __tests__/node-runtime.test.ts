import { readFileSync } from "node:fs";
import { join } from "node:path";
import { appNames, bundleApp, bundleNodeMajor } from "../apps/bundle";
import { profiles } from "../config/profiles";

const root = join(__dirname, "..");

/** The lowest Node.js major a package.json `engines.node` range admits (forms `>=22`, `>=22.0.0`, `^20`, `20.x`, `a || b`). */
function minimumMajor(range: string, owner: string): number {
  const majors = range.split("||").map((alternative) => {
    const match = /^\s*(?:>=|\^|~)?\s*v?(\d+)(?:\.[\dx*]+)*\s*$/.exec(alternative);
    if (!match)
      throw new Error(`${owner}: engines.node "${range}" is a form this test cannot read; extend minimumMajor`);
    return Number(match[1]);
  });
  return Math.min(...majors);
}

function packageJson(directory: string): { engines?: { node?: string } } {
  return JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { engines?: { node?: string } };
}

describe("the Node.js the apps are built for is the Node.js they run on", () => {
  it.each(Object.values(profiles).map((config) => [config.profile, config.apps.nodeImage]))(
    "%s: apps.nodeImage %s is the official image of the bundles' Node.js major",
    (_profile, image) => {
      expect(image).toMatch(new RegExp(`^node:${bundleNodeMajor}(\\.\\d+)*-bookworm-slim$`));
    },
  );

  it("package.json engines names that major", () => {
    expect(minimumMajor(packageJson(root).engines?.node ?? "", "package.json")).toBe(bundleNodeMajor);
  });

  it.each(appNames)("%s: every bundled package runs on that major (its engines.node)", (app) => {
    const tooNew: string[] = [];
    for (const directory of bundleApp(app).packageDirectories) {
      const range = packageJson(join(root, directory)).engines?.node;
      if (range !== undefined && minimumMajor(range, directory) > bundleNodeMajor)
        tooNew.push(`${directory} (engines.node ${range})`);
    }
    expect(tooNew).toEqual([]);
  });

  it("reads the engines ranges our dependencies use, and sees one above Node.js 20", () => {
    expect(minimumMajor(">=22.0.0", "x")).toBe(22);
    expect(minimumMajor("^18 || >=20", "x")).toBe(18);
    expect(() => minimumMajor("node >= 20", "x")).toThrow(/cannot read/);
    const registryClient = "node_modules/@kafkajs/confluent-schema-registry";
    expect(bundleApp("producer").packageDirectories).toContain(registryClient);
    expect(minimumMajor(packageJson(join(root, registryClient)).engines?.node ?? "", registryClient)).toBeGreaterThan(
      20,
    );
  });
});
