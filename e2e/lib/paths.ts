import { mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cacheDirectory } from "../../scripts/lib/cache-directory";

/** Repository root (this file lives in e2e/lib). */
export const repoRoot = resolve(__dirname, "..", "..");

/** Where engine jars, virtualenvs and the ivy cache are kept between runs. */
export function cacheDir(): string {
  const dir = cacheDirectory();
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A fresh directory for one run's logs, configs and data; printed so a failed run can be inspected. */
export function createRunDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `streamstack-${label}-`));
}

export const loopback = "127.0.0.1";
