import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { upstreamSources } from "../../validation/upstream-sources";

export interface ManifestEntry {
  readonly file: string;
  readonly repository: string;
  readonly ref: string;
  readonly source_path: string;
  readonly sha256: string;
}

export function readManifest(directory: string): ManifestEntry[] {
  const manifest = JSON.parse(readFileSync(join(directory, "MANIFEST.json"), "utf8")) as { files: ManifestEntry[] };
  return manifest.files;
}

export interface UpstreamMirror {
  readonly url: string;
  /** Paths requested so far. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves a schema directory's files on loopback at <repository>/<ref>/<source_path>, the public code host's raw
 * layout. Files the pinned copy strips a Helm guard from are served wrapped in the guard lines the chart has at its
 * tag (cloudnative-pg/charts cloudnative-pg-v0.29.0, templates/crds/crds.yaml), as upstream serves them.
 */
export async function startUpstreamMirror(
  directory: string,
  modify: (file: string, body: Buffer) => Buffer = (_file, body) => body,
): Promise<UpstreamMirror> {
  const files = new Map(
    readManifest(directory).map((entry) => [`/${entry.repository}/${entry.ref}/${entry.source_path}`, entry.file]),
  );
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://mirror").pathname);
    requests.push(path);
    const file = files.get(path);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    const pinned = readFileSync(join(directory, file));
    const guarded = upstreamSources.some((source) => source.file === file && source.stripHelmGuard);
    const served = guarded
      ? Buffer.concat([Buffer.from("{{- if .Values.crds.create }}\n"), pinned, Buffer.from("{{- end }}\n")])
      : pinned;
    response.writeHead(200).end(modify(file, served));
  });
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolveClose) => server.close(() => resolveClose())),
  };
}
