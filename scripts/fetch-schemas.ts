import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { upstreamSources } from "../validation/upstream-sources";

/**
 * Fills a schema directory with the pinned upstream CRDs and chart values, for machines without ../shared/upstream.
 * Usage: tsx scripts/fetch-schemas.ts <directory>; then STREAMSTACK_SCHEMAS=<directory> npm test
 */
async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? ".cache/upstream");
  const manifest: { files: { file: string; repository: string; ref: string; source_path: string }[] } = { files: [] };
  for (const source of upstreamSources) {
    const url = `https://raw.githubusercontent.com/${source.repository}/${source.ref}/${source.path}`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    let text = await response.text();
    if (source.stripHelmGuard) text = text.split("\n").slice(1, -2).join("\n") + "\n";
    mkdirSync(dirname(join(target, source.file)), { recursive: true });
    writeFileSync(join(target, source.file), text);
    manifest.files.push({ file: source.file, repository: source.repository, ref: source.ref, source_path: source.path });
    console.log(`fetched ${source.file}`);
  }
  writeFileSync(join(target, "MANIFEST.json"), JSON.stringify(manifest, null, 1));
  console.log(`export STREAMSTACK_SCHEMAS=${target}`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
