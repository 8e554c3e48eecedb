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

const entryFile = (folder: string, key: string): string =>
  join(folder, `${createHash("sha256").update(key).digest("hex")}.json`);

/** The stack's Terraform JSON text for `key`, synthesized by `synth` unless another test file of this run already did. */
export function sharedSynth(key: string, synth: () => string, env: NodeJS.ProcessEnv = process.env): string {
  const folder = env[synthRunCacheVariable];
  if (!folder || !existsSync(folder)) return synth();
  const file = entryFile(folder, key);
  if (existsSync(file)) return readFileSync(file, "utf8");
  const text = synth();
  // Written aside and renamed: the other worker reads a whole entry or none.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, text);
  renameSync(partial, file);
  return text;
}
