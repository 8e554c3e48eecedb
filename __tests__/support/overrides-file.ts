import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A config overrides file (STREAMSTACK_CONFIG) with the given YAML, in a fresh temporary folder. */
export function overridesFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "streamstack-config-")), "overrides.yaml");
  writeFileSync(file, text);
  return file;
}
