import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSchemaDirectory, schemaDirectory } from "../validation/schema-directory";
import { isComplete, sha256, upstreamCacheDirectory } from "../validation/upstream-cache";
import { upstreamSources } from "../validation/upstream-sources";
import { readManifest, startUpstreamMirror } from "./support/upstream-mirror";

// The real pinned data (../shared/upstream, STREAMSTACK_SCHEMAS or the cache globalSetup filled) is what the mirror serves.
const pinned = schemaDirectory();

describe("validation/upstream-sources.ts", () => {
  it("names every file of the manifest with the manifest's repository, ref, path and sha256", () => {
    const fromManifest = readManifest(pinned).map(({ file, repository, ref, source_path, sha256: digest }) => ({
      file,
      repository,
      ref,
      path: source_path,
      sha256: digest,
    }));
    const fromSources = upstreamSources.map(({ file, repository, ref, path, sha256: digest }) => ({
      file,
      repository,
      ref,
      path,
      sha256: digest,
    }));
    const byFile = (a: { file: string }, b: { file: string }) => a.file.localeCompare(b.file);
    expect(fromSources.sort(byFile)).toEqual(fromManifest.sort(byFile));
  });
});

describe("filling the schema cache from a mirror on loopback", () => {
  let temp: string;
  let env: NodeJS.ProcessEnv;
  let sibling: string;
  const mirrors: { close(): Promise<void> }[] = [];

  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), "streamstack-upstream-"));
    sibling = join(temp, "no-shared-folder");
    env = { STREAMSTACK_CACHE: join(temp, "cache") };
  });
  afterEach(async () => {
    await Promise.all(mirrors.splice(0).map((mirror) => mirror.close().catch(() => undefined)));
    rmSync(temp, { recursive: true, force: true });
  });

  it("fills a fresh cache with every pinned file, refetches only a damaged one, then works offline", async () => {
    const mirror = await startUpstreamMirror(pinned);
    mirrors.push(mirror);
    const online = { ...env, STREAMSTACK_UPSTREAM_MIRROR: mirror.url };
    expect(() => schemaDirectory(online, sibling)).toThrow("Run `npx tsx scripts/fetch-schemas.ts`");

    const filled = await ensureSchemaDirectory(online, { sibling });
    expect(filled).toBe(upstreamCacheDirectory(online));
    expect(filled.startsWith(temp)).toBe(true);
    expect(mirror.requests).toHaveLength(upstreamSources.length);
    const digests = upstreamSources.map((source) => [source.file, sha256(readFileSync(join(filled, source.file)))]);
    expect(digests).toEqual(upstreamSources.map((source) => [source.file, source.sha256]));
    expect(schemaDirectory(online, sibling)).toBe(filled);

    const damaged = upstreamSources[0];
    writeFileSync(join(filled, damaged.file), "damaged\n");
    mirror.requests.length = 0;
    await ensureSchemaDirectory(online, { sibling });
    expect(mirror.requests).toEqual([`/${damaged.repository}/${damaged.ref}/${damaged.path}`]);
    expect(sha256(readFileSync(join(filled, damaged.file)))).toBe(damaged.sha256);

    await mirror.close();
    await expect(ensureSchemaDirectory(online, { sibling })).resolves.toBe(filled);
    expect(schemaDirectory(env, sibling)).toBe(filled);
  });

  it("rejects a file whose sha256 differs from the pin, naming the file, its source and what to do", async () => {
    const changed = upstreamSources.find((source) => source.file === "strimzi-1.2.0/crds/040-Crd-kafka.yaml");
    if (!changed) throw new Error("the test's file is no longer pinned");
    const mirror = await startUpstreamMirror(pinned, (file, body) =>
      file === changed.file ? Buffer.concat([body, Buffer.from("# changed\n")]) : body,
    );
    mirrors.push(mirror);
    const online = { ...env, STREAMSTACK_UPSTREAM_MIRROR: mirror.url };

    const failure = ensureSchemaDirectory(online, { sibling });
    await expect(failure).rejects.toThrow(
      `${changed.file} ← ${mirror.url}/${changed.repository}/${changed.ref}/${changed.path}: sha256 `,
    );
    await expect(failure).rejects.toThrow("update ref, path and sha256 in validation/upstream-sources.ts");
    const cache = upstreamCacheDirectory(online);
    expect(existsSync(join(cache, changed.file))).toBe(false);
    expect(isComplete(cache)).toBe(false);
    expect(() => schemaDirectory(online, sibling)).toThrow("is not filled");
  });

  it("offline with an empty cache, names the command that fills it and the variables that point elsewhere", async () => {
    const mirror = await startUpstreamMirror(pinned);
    await mirror.close();
    const offline = { ...env, STREAMSTACK_UPSTREAM_MIRROR: mirror.url };

    const failure = ensureSchemaDirectory(offline, { sibling });
    await expect(failure).rejects.toThrow(`${upstreamSources[0].file} ← ${mirror.url}/`);
    await expect(failure).rejects.toThrow("run `npx tsx scripts/fetch-schemas.ts`");
    await expect(failure).rejects.toThrow("STREAMSTACK_UPSTREAM_MIRROR=<base URL>");
    await expect(failure).rejects.toThrow("or set STREAMSTACK_SCHEMAS to a directory");
    expect(isComplete(upstreamCacheDirectory(offline))).toBe(false);
  });

  it("uses STREAMSTACK_SCHEMAS when set, and says so when it holds no schema directory", () => {
    expect(schemaDirectory({ STREAMSTACK_SCHEMAS: pinned }, sibling)).toBe(pinned);
    expect(() => schemaDirectory({ STREAMSTACK_SCHEMAS: sibling }, sibling)).toThrow(
      `STREAMSTACK_SCHEMAS=${sibling}: no MANIFEST.json`,
    );
  });
});
