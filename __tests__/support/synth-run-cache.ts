import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Synthesized stacks shared by the test files of one `jest` run. Each test file has its own module registry, so the
 * in-memory cache of support/synth.ts starts empty in every file, and a dozen files synthesize the same profiles
 * (about a second and a half of CPU each). globalSetup creates the folder, globalTeardown removes it: the sources cannot
 * change within a run, so an entry is never stale. Without the variable (a test run outside jest's hooks) nothing is shared.
 */
export const synthRunCacheVariable = "STREAMSTACK_TEST_SYNTH_CACHE";

export function createSynthRunCache(env: NodeJS.ProcessEnv = process.env): string {
  const folder = mkdtempSync(join(tmpdir(), "streamstack-test-synth-"));
  env[synthRunCacheVariable] = folder;
  return folder;
}

export function removeSynthRunCache(env: NodeJS.ProcessEnv = process.env): void {
  const folder = env[synthRunCacheVariable];
  if (folder) rmSync(folder, { recursive: true, force: true });
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The file that holds `key`'s entry in a run's folder. */
export const entryFile = (folder: string, key: string): string => join(folder, `${sha256(key)}.json`);

/** How long a file waits for an entry another worker is making before it makes the entry itself. */
export const entryWaitMs = 120_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number): void => void Atomics.wait(sleeper, 0, 0, ms);

/** Whether the process that wrote `lock` (its pid) still runs; an unreadable lock counts as held. */
function lockHeld(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(lock, "utf8"));
  } catch {
    return existsSync(lock);
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The stack's Terraform JSON text for `key`, synthesized by `synth` unless another test file of this run already did.
 * The first file to ask makes the entry; a file that asks while another worker is making it waits for it (up to
 * entryWaitMs) instead of making it too: the largest files start together and ask for the same stacks first, and
 * making each of those three times over cost more than a second of CPU each. A lock left by a worker that is gone, or
 * removed because its synth threw, lets the next file make the entry (or meet the same error) itself.
 */
export function sharedSynth(
  key: string,
  synth: () => string,
  env: NodeJS.ProcessEnv = process.env,
  waitMs = entryWaitMs,
): string {
  const folder = env[synthRunCacheVariable];
  if (!folder || !existsSync(folder)) return synth();
  const file = entryFile(folder, key);
  const lock = `${file}.lock`;
  const giveUpAt = Date.now() + waitMs;
  let claimed = false;
  while (!claimed) {
    if (existsSync(file)) return readFileSync(file, "utf8");
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      claimed = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!lockHeld(lock)) rmSync(lock, { force: true });
      else if (Date.now() > giveUpAt) return synth();
      else sleep(20);
    }
  }
  try {
    const text = synth();
    // Written aside and renamed: the other workers read a whole entry or none.
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, text);
    renameSync(partial, file);
    return text;
  } finally {
    rmSync(lock, { force: true });
  }
}

type Path = (string | number)[];

/**
 * A JSON encoding of `value` that decodeExact turns back into exactly `value`, or undefined when there is none: a value
 * that is not plain JSON data (undefined, a non-finite number or -0, a Date, a Map, a class instance, a sparse or
 * decorated array, a `__proto__` key, a cycle). An object reached twice (a YAML alias: `yaml`'s stringify writes one
 * for every object a document repeats) is written out in full at each place and noted, so that decoding makes those
 * places one object again.
 */
export function encodeExact(value: unknown): string | undefined {
  const firstPath = new Map<object, Path>();
  const open = new Set<object>();
  const aliases: [Path, Path][] = [];
  const plain = (node: unknown, path: Path): boolean => {
    if (node === null || typeof node === "string" || typeof node === "boolean") return true;
    if (typeof node === "number") return Number.isFinite(node) && !Object.is(node, -0);
    if (typeof node !== "object") return false;
    if (open.has(node)) return false;
    const first = firstPath.get(node);
    if (first) {
      aliases.push([path, first]);
      return true;
    }
    firstPath.set(node, path);
    open.add(node);
    let ok: boolean;
    if (Array.isArray(node)) {
      ok = Object.keys(node).length === node.length;
      for (let index = 0; ok && index < node.length; index += 1)
        ok = index in node && plain(node[index], [...path, index]);
    } else {
      const prototype = Object.getPrototypeOf(node) as unknown;
      ok = (prototype === Object.prototype || prototype === null) && Object.getOwnPropertySymbols(node).length === 0;
      for (const key of ok ? Object.getOwnPropertyNames(node) : []) {
        const descriptor = Object.getOwnPropertyDescriptor(node, key);
        ok = key !== "__proto__" && descriptor?.enumerable === true && "value" in descriptor;
        ok &&= plain(descriptor?.value, [...path, key]);
        if (!ok) break;
      }
    }
    open.delete(node);
    return ok;
  };
  return plain(value, []) ? JSON.stringify({ aliases, value }) : undefined;
}

/** The value encodeExact encoded, a new copy on each call. */
export function decodeExact(text: string): unknown {
  const { aliases, value } = JSON.parse(text) as { aliases: [Path, Path][]; value: unknown };
  const at = (path: Path): unknown =>
    path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
  for (const [path, first] of aliases) {
    const parent = at(path.slice(0, -1)) as Record<string | number, unknown>;
    parent[path[path.length - 1]] = at(first);
  }
  return value;
}

const parsedInProcess = new Map<string, string | null>();

/**
 * `parse(text)`, computed once per distinct text in this process and, within a jest run, once per run: each call
 * returns a fresh copy (callers may change what they get), rebuilt from JSON (aliases included), which is far cheaper
 * than parsing YAML again. `kind` names the parser; the text itself (its sha256) is the key, so an entry cannot be
 * stale. A result that JSON would not carry exactly (see encodeExact) is never shared: it is parsed again on each call.
 */
export function sharedParse<T>(
  kind: string,
  text: string,
  parse: (text: string) => T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  const key = `parsed\0${kind}\0${sha256(text)}`;
  let json = parsedInProcess.get(key);
  if (json === undefined) {
    let direct: { value: T } | undefined;
    const shared = sharedSynth(
      key,
      () => {
        direct = { value: parse(text) };
        // An empty entry stands for "not exactly JSON": every file parses for itself.
        return encodeExact(direct.value) ?? "";
      },
      env,
    );
    json = shared === "" ? null : shared;
    parsedInProcess.set(key, json);
    if (direct) return direct.value;
  }
  return json === null ? parse(text) : (decodeExact(json) as T);
}
