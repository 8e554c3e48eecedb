import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Worker } from "node:worker_threads";
import { parse as parseYaml } from "yaml";
import {
  decodeExact,
  encodeExact,
  entryFile,
  sharedParse,
  sharedSynth,
  synthRunCacheVariable,
} from "./support/synth-run-cache";
import { loadConfig } from "../config/load";
import { synthesize, synthesizeMatrixEntry } from "./support/synth";

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
  // The two entries and nothing else: no lock and no partial file left behind.
  expect(readdirSync(folder).sort()).toEqual(
    [entryFile(folder, '["kind",{}]'), entryFile(folder, '["cloud",{}]')].map((file) => basename(file)).sort(),
  );
});

it("shares nothing outside a jest run (no folder named, or the folder gone)", () => {
  const kind = counting("{}");
  sharedSynth("key", kind.synth, {});
  sharedSynth("key", kind.synth, {});
  sharedSynth("key", kind.synth, { [synthRunCacheVariable]: join(folder, "removed") });
  expect(kind.calls()).toBe(3);
});

describe("an entry another worker is making", () => {
  const never = (): string => {
    throw new Error("synthesized although another worker was making the entry");
  };

  it("is waited for, not made again", async () => {
    const env = { [synthRunCacheVariable]: folder };
    const file = entryFile(folder, "stack");
    // A live owner (this process's pid) holds the lock; a thread plays the other worker and finishes 300 ms later.
    writeFileSync(`${file}.lock`, String(process.pid));
    const other = new Worker(
      `const { renameSync, rmSync, writeFileSync } = require("node:fs");
       const { file } = require("node:worker_threads").workerData;
       setTimeout(() => { writeFileSync(file + ".w", '{"made":"elsewhere"}'); renameSync(file + ".w", file); rmSync(file + ".lock"); }, 300);`,
      { eval: true, workerData: { file } },
    );
    const started = Date.now();
    expect(sharedSynth("stack", never, env)).toBe('{"made":"elsewhere"}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await other.terminate();
  });

  it("is made here when the worker holding its lock is gone", () => {
    const env = { [synthRunCacheVariable]: folder };
    const file = entryFile(folder, "stack");
    // Above Linux's largest pid (2^22): no process has it.
    writeFileSync(`${file}.lock`, String(2 ** 22 + 1));
    const stack = counting('{"made":"here"}');
    expect(sharedSynth("stack", stack.synth, env)).toBe('{"made":"here"}');
    expect(stack.calls()).toBe(1);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("is made here after the wait runs out, the lock taken over so that the next file does not wait again", () => {
    const env = { [synthRunCacheVariable]: folder };
    const file = entryFile(folder, "stack");
    writeFileSync(`${file}.lock`, String(process.pid));
    const stack = counting("{}");
    expect(sharedSynth("stack", stack.synth, env, 100)).toBe("{}");
    expect(stack.calls()).toBe(1);
    expect(readdirSync(folder)).toEqual([basename(file)]);
  });

  it("is made here when its lock was left empty long ago (a worker stopped between creating and filling it)", () => {
    const env = { [synthRunCacheVariable]: folder };
    const lock = `${entryFile(folder, "stack")}.lock`;
    writeFileSync(lock, "");
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, longAgo, longAgo);
    const stack = counting("{}");
    expect(sharedSynth("stack", stack.synth, env)).toBe("{}");
    expect(stack.calls()).toBe(1);
  });

  it("is an error, not a wait, when asked for again inside its own synth", () => {
    const env = { [synthRunCacheVariable]: folder };
    const started = Date.now();
    expect(() => sharedSynth("stack", () => sharedSynth("stack", () => "{}", env), env)).toThrow(
      "sharedSynth: stack asked for again while it is being made",
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readdirSync(folder)).toEqual([]);
  });

  it("is tried again by the next file when the synth throws, which frees the lock", () => {
    const env = { [synthRunCacheVariable]: folder };
    expect(() =>
      sharedSynth(
        "stack",
        () => {
          throw new Error("bad stack");
        },
        env,
      ),
    ).toThrow("bad stack");
    expect(readdirSync(folder)).toEqual([]);
    const stack = counting("{}");
    expect(sharedSynth("stack", stack.synth, env)).toBe("{}");
    expect(stack.calls()).toBe(1);
  });
});

describe("parsed documents shared through the run's folder", () => {
  it("parses a text once per run and hands each caller its own copy", () => {
    const env = { [synthRunCacheVariable]: folder };
    let calls = 0;
    const parse = (text: string) => {
      calls += 1;
      return parseYaml(text) as unknown;
    };
    const text = "a: {b: [1, 2]}\n";
    const first = sharedParse("test yaml", text, parse, env) as { a: { b: number[] } };
    first.a.b.push(3);
    // A fresh module registry (another test file) has an empty in-process cache: only the folder can answer it.
    jest.isolateModules(() => {
      const isolated = jest.requireActual<{ sharedParse: typeof sharedParse }>("./support/synth-run-cache");
      expect(isolated.sharedParse("test yaml", text, parse, env)).toEqual({ a: { b: [1, 2] } });
    });
    expect(sharedParse("test yaml", text, parse, env)).toEqual({ a: { b: [1, 2] } });
    expect(calls).toBe(1);
  });

  it("keeps YAML aliases one object", () => {
    const parsed = parseYaml(
      "labels: &l {app: x}\nresources:\n  - metadata: {labels: *l}\n  - metadata: {labels: *l}\n",
    ) as {
      labels: object;
      resources: { metadata: { labels: object } }[];
    };
    const encoded = encodeExact(parsed);
    expect(encoded).toBeDefined();
    const copy = decodeExact(encoded ?? "") as typeof parsed;
    expect(copy).toStrictEqual(parsed);
    expect(copy.resources[0].metadata.labels).toBe(copy.labels);
    expect(copy.resources[1].metadata.labels).toBe(copy.labels);
    expect(copy.labels).not.toBe(parsed.labels);
  });

  it.each([
    ["undefined", { a: undefined }],
    ["a non-finite number", { a: Infinity }],
    ["negative zero", { a: -0 }],
    ["a Date", { a: new Date(0) }],
    ["a Map", { a: new Map() }],
    // eslint-disable-next-line no-sparse-arrays -- the case under test
    ["a sparse array", { a: [1, , 3] }],
    [
      "a cycle",
      (() => {
        const a: Record<string, unknown> = {};
        a.self = a;
        return a;
      })(),
    ],
  ])("refuses what JSON would not carry exactly: %s", (_label, value) => {
    expect(encodeExact(value)).toBeUndefined();
  });

  it("parses again, every time, what JSON would not carry exactly", () => {
    const env = { [synthRunCacheVariable]: folder };
    let calls = 0;
    const parse = () => {
      calls += 1;
      return { when: new Date(0) };
    };
    expect(sharedParse("test date", "x", parse, env)).toEqual({ when: new Date(0) });
    expect(sharedParse("test date", "x", parse, env)).toEqual({ when: new Date(0) });
    expect(calls).toBe(2);
  });
});

describe("stacks of support/synth", () => {
  it("are one synthesis for overrides that resolve to the same config, and apart for ones that do not", () => {
    const kind = synthesize("kind");
    expect(synthesizeMatrixEntry({ profile: "kind", mode: kind.config.kafka.mode })).toBe(kind);
    const otherMode = kind.config.kafka.mode === "kraft" ? "zookeeper" : "kraft";
    expect(synthesizeMatrixEntry({ profile: "kind", mode: otherMode })).not.toBe(kind);
  });

  it("carry the config loadConfig validates, exactly, though read back from the run's folder as JSON", () => {
    for (const [profile, overrides] of [
      ["kind", {}],
      ["cloud", {}],
      ["cloud", { certManager: { enabled: false }, kafka: { authentication: "none" } }],
    ] as const) {
      expect(synthesize(profile, overrides).config).toStrictEqual(loadConfig({ profile, overrides }));
    }
  });
});
