import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedSynth, synthRunCacheVariable } from "./support/synth-run-cache";

// The test files of one jest run share synthesized stacks through a folder that globalSetup names.

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "synth-run-cache-test-"));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function counting(text: string): { synth: () => string; calls: () => number } {
  let calls = 0;
  return {
    synth: () => {
      calls += 1;
      return text;
    },
    calls: () => calls,
  };
}

it("synthesizes a key once per run, whichever test file asks first", () => {
  const env = { [synthRunCacheVariable]: folder };
  const kind = counting('{"kind":true}');
  expect(sharedSynth('["kind",{}]', kind.synth, env)).toBe('{"kind":true}');
  // A second test file (a fresh module registry, so a fresh in-memory cache) finds the first one's stack.
  expect(sharedSynth('["kind",{}]', kind.synth, env)).toBe('{"kind":true}');
  expect(kind.calls()).toBe(1);
  const cloud = counting('{"cloud":true}');
  expect(sharedSynth('["cloud",{}]', cloud.synth, env)).toBe('{"cloud":true}');
  expect(cloud.calls()).toBe(1);
  expect(readdirSync(folder).filter((name) => name.endsWith(".json"))).toHaveLength(2);
});

it("shares nothing outside a jest run (no folder named, or the folder gone)", () => {
  const kind = counting("{}");
  sharedSynth("key", kind.synth, {});
  sharedSynth("key", kind.synth, {});
  sharedSynth("key", kind.synth, { [synthRunCacheVariable]: join(folder, "removed") });
  expect(kind.calls()).toBe(3);
});
