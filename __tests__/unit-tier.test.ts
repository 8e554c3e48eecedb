import { execFileSync, spawn, spawnSync } from "node:child_process";
import { execSync } from "child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { integrationSuites } from "./support/test-tiers.cjs";

// The guard of support/unit-tier.ts is in force in this tier: each way of starting a program fails, naming the fix.
it.each([
  ["spawnSync", () => spawnSync("true")],
  ["execFileSync", () => execFileSync("true")],
  ["spawn", () => spawn("true")],
  ["execSync from child_process", () => execSync("true")],
])("refuses %s in a unit-tier file", (_name, start) => {
  expect(start).toThrow(/unit tests start no programs; add the file to integrationSuites/);
});

it("names only suites that exist, once each", () => {
  expect(new Set(integrationSuites).size).toBe(integrationSuites.length);
  expect(integrationSuites.filter((path) => !existsSync(join(__dirname, "..", path)))).toEqual([]);
});
