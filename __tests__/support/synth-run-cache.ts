import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { threadId } from "node:worker_threads";

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

/** How long a file waits for an entry another worker is making before it takes the lock over and makes it itself. */
const entryWaitMs = 120_000;
/** An empty lock (its writer stopped between creating and filling it) counts as held this long after it was made. */
const emptyLockGraceMs = 5_000;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number): void => void Atomics.wait(sleeper, 0, 0, ms);
const lockToken = `${process.pid}.${threadId}`;

type LockState = "ours" | "held" | "abandoned" | "gone";

/** Who holds `lock`: this thread, a live process, nobody any more (its process ended), or no lock at all. */
function lockState(lock: string): { state: LockState; token: string } {
  let token: string;
  try {
    token = readFileSync(lock, "utf8");
  } catch {
    return { state: "gone", token: "" };
  }
  if (token === lockToken) return { state: "ours", token };
  if (token === "") {
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return { state: age > emptyLockGraceMs ? "abandoned" : "held", token };
  }
  try {
    process.kill(Number.parseInt(token, 10), 0);
    return { state: "held", token };
  } catch (error) {
    return { state: (error as NodeJS.ErrnoException).code === "EPERM" ? "held" : "abandoned", token };
  }
}

/**
 * Removes the lock that held `token`. Renamed aside first, so that of two files removing the same abandoned lock only
 * one does; if what was renamed turns out to be a lock claimed since, it is put back unless yet another was claimed.
 */
function removeLock(lock: string, token: string): void {
  const aside = `${lock}.${lockToken}.removed`;
  try {
    renameSync(lock, aside);
  } catch {
    return;
  }
  if (readFileSync(aside, "utf8") !== token) {
    try {
      linkSync(aside, lock);
    } catch {
      // Claimed again meanwhile: the worst outcome is one entry made twice, never a wrong one.
    }
  }
  rmSync(aside, { force: true });
}

/**
 * The stack's Terraform JSON text for `key`, synthesized by `synth` unless another test file of this run already did.
 * The first file to ask makes the entry under a lock beside it; a file that asks meanwhile waits for the entry instead of
 * making it too (the largest files start together and ask for the same stacks first: each was made up to three times,
 * more than a second of CPU each). A lock whose process is gone, or held past `waitMs` (120 s), is taken over; a synth
 * that throws frees its lock, so the next file makes the entry (or meets the same error) itself. The same key asked for
 * again inside its own synth is an error, not a wait.
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
  for (;;) {
    if (existsSync(file)) return readFileSync(file, "utf8");
    try {
      writeFileSync(lock, lockToken, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const { state, token } = lockState(lock);
    if (state === "ours") throw new Error(`sharedSynth: ${key} asked for again while it is being made`);
    if (state === "abandoned" || (state === "held" && Date.now() > giveUpAt)) removeLock(lock, token);
    else if (state === "held") sleep(20);
  }
  try {
    // Made while this file was claiming the lock (between the check above and the claim).
    if (existsSync(file)) return readFileSync(file, "utf8");
    const text = synth();
    // Written aside and renamed: the other workers read a whole entry or none.
    const partial = `${file}.${lockToken}`;
    writeFileSync(partial, text);
    renameSync(partial, file);
    return text;
  } finally {
    if (lockState(lock).state === "ours") rmSync(lock, { force: true });
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
