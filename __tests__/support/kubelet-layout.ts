/**
 * ConfigMap and Secret volumes laid out on disk exactly as kubelet does (the one implementation of the
 * layout; Python tests call it through the CLI at the bottom). Read from kubernetes v1.37.2
 * pkg/volume/util/atomic_writer.go, pkg/volume/configmap/configmap.go and pkg/volume/secret/secret.go:
 * - the files live in a `..<UTC yyyy_mm_dd_hh_mm_ss>.<random>` directory (os.MkdirTemp, mode 0755);
 * - `..data` is a relative symlink to it (swapped atomically on update);
 * - each top-level entry of the payload is a relative symlink `<name> -> ..data/<name>`;
 * - without `items` every key is projected under its own name; with `items` only the listed keys, each
 *   at its `path` (nested paths make directories); a listed key that is missing is an error unless the
 *   volume is `optional`;
 * - each file's mode is `items[].mode`, else `defaultMode`, else 0644 (the API server's default).
 * A `subPath` mount is a bind mount of the resolved path at container start: a plain file (or
 * directory), never a symlink, and it does not follow later updates.
 *
 *   npx tsx __tests__/support/kubelet-layout.ts <dir> <json | @file>   (see layOutFromCli)
 */
import { chmodSync, cpSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve, sep } from "node:path";

export interface KeyToPath {
  readonly key: string;
  readonly path: string;
  readonly mode?: number;
}

/** The part a ConfigMap and a Secret volume source share (core/v1). */
export interface ProjectedSource {
  readonly items?: readonly KeyToPath[];
  readonly defaultMode?: number;
  readonly optional?: boolean;
}

export interface ConfigMapVolume {
  readonly name: string;
  readonly configMap: ProjectedSource & { readonly name: string };
}

export interface SecretVolume {
  readonly name: string;
  readonly secret: ProjectedSource & { readonly secretName: string };
}

export type KeyedVolume = ConfigMapVolume | SecretVolume;

/** The keys of a ConfigMap (data + binaryData) or Secret (stringData + data), as bytes. */
export type VolumeContents = ReadonlyMap<string, Buffer>;

export interface FileProjection {
  readonly content: Buffer;
  readonly mode: number;
}

/** kubelet's default file mode for ConfigMap and Secret volumes (ConfigMapVolumeSourceDefaultMode, 0644). */
export const defaultFileMode = 0o644;
export const dataDirectoryName = "..data";

export function isKeyedVolume(volume: { readonly name: string }): volume is KeyedVolume {
  return "configMap" in volume || "secret" in volume;
}

export function volumeSource(volume: KeyedVolume): {
  kind: "ConfigMap" | "Secret";
  name: string;
  source: ProjectedSource;
} {
  if ("configMap" in volume) return { kind: "ConfigMap", name: volume.configMap.name, source: volume.configMap };
  return { kind: "Secret", name: volume.secret.secretName, source: volume.secret };
}

/** Which files the volume holds (kubelet's MakePayload for ConfigMap and Secret volumes). */
export function payloadFor(volume: KeyedVolume, contents: VolumeContents | undefined): Map<string, FileProjection> {
  const { kind, name, source } = volumeSource(volume);
  const payload = new Map<string, FileProjection>();
  if (!contents) {
    if (source.optional) return payload;
    throw new Error(
      `volume ${volume.name}: ${kind} ${name} does not exist (kubelet keeps the pod in ContainerCreating)`,
    );
  }
  const mode = source.defaultMode ?? defaultFileMode;
  if (!source.items || source.items.length === 0) {
    for (const [key, content] of contents) payload.set(key, { content, mode });
    return payload;
  }
  for (const item of source.items) {
    const content = contents.get(item.key);
    if (content === undefined) {
      if (source.optional) continue;
      throw new Error(
        `volume ${volume.name}: ${kind} ${name} has no key ${item.key} (items[].key); kubelet fails the mount`,
      );
    }
    payload.set(item.path, { content, mode: item.mode ?? mode });
  }
  return payload;
}

/** What AtomicWriter's validatePath refuses; the payload keeps the cleaned path (filepath.Clean). */
function checkedPath(path: string, volume: string): string {
  if (path === "" || path.startsWith("/") || path.split("/").some((part) => part === "..") || path.startsWith("..")) {
    throw new Error(
      `volume ${volume}: invalid path ${JSON.stringify(path)} (relative, no '..' elements, not starting with '..')`,
    );
  }
  return posix.normalize(path);
}

function timestampDirectoryName(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  // os.MkdirTemp's random part is decimal digits.
  return `..${stamp}.${String(Math.floor(Math.random() * 4_294_967_296))}`;
}

/** Writes the payload into `target` as kubelet's AtomicWriter does; returns the timestamped directory's name. */
export function writeAtomically(
  target: string,
  payload: ReadonlyMap<string, FileProjection>,
  volume = "volume",
  now = new Date(),
): string {
  mkdirSync(target, { recursive: true });
  const timestamped = timestampDirectoryName(now);
  const data = join(target, timestamped);
  mkdirSync(data, { mode: 0o755 });
  chmodSync(data, 0o755);
  const cleaned = new Map([...payload].map(([path, file]) => [checkedPath(path, volume), file]));
  for (const [path, file] of cleaned) {
    const full = join(data, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, file.content, { mode: file.mode });
    chmodSync(full, file.mode);
  }
  symlinkSync(timestamped, join(target, dataDirectoryName));
  const visible = new Set([...cleaned.keys()].map((path) => path.split("/")[0] ?? path));
  for (const name of visible) symlinkSync(join(dataDirectoryName, name), join(target, name));
  return timestamped;
}

/**
 * A subPath mount: kubelet resolves `subPath` inside the volume (following its symlinks) and bind-mounts
 * the result, so the container sees a plain file or directory. A missing subPath becomes an empty
 * directory (kubelet creates it), which is what breaks a consumer expecting a file.
 */
export function mountSubPath(volumeDirectory: string, subPath: string, target: string): void {
  const inside = resolve(volumeDirectory, subPath);
  mkdirSync(dirname(target), { recursive: true });
  let resolved: string;
  try {
    resolved = realpathSync(inside);
  } catch {
    mkdirSync(target, { recursive: true });
    return;
  }
  const root = realpathSync(volumeDirectory);
  if (resolved !== root && !resolved.startsWith(`${root}${sep}`))
    throw new Error(`subPath ${subPath} leaves its volume (${relative(root, resolved)})`);
  cpSync(resolved, target, { recursive: true, dereference: true });
}

interface CliInput {
  readonly volume: KeyedVolume;
  readonly data?: Record<string, string>;
  readonly binaryData?: Record<string, string>;
  readonly subPath?: string;
}

/** CLI: lays out one volume at <dir> (what the container sees at the mountPath) and prints what it wrote. */
function layOutFromCli(args: readonly string[]): void {
  const [directory, spec] = args;
  if (!directory || !spec)
    throw new Error("usage: kubelet-layout.ts <dir> <json | @file> with {volume, data?, binaryData?, subPath?}");
  const input = JSON.parse(spec.startsWith("@") ? readFileSync(spec.slice(1), "utf8") : spec) as CliInput;
  if (!input.volume || !isKeyedVolume(input.volume))
    throw new Error("volume must be a core/v1 Volume with configMap or secret");
  const contents = new Map<string, Buffer>();
  for (const [key, text] of Object.entries(input.data ?? {})) contents.set(key, Buffer.from(text, "utf8"));
  for (const [key, base64] of Object.entries(input.binaryData ?? {})) contents.set(key, Buffer.from(base64, "base64"));
  const payload = payloadFor(input.volume, contents);
  const target = resolve(directory);
  if (input.subPath !== undefined) {
    const staging = `${target}.volume`;
    rmSync(staging, { recursive: true, force: true });
    const timestamped = writeAtomically(staging, payload, input.volume.name);
    mountSubPath(staging, input.subPath, target);
    process.stdout.write(
      `${JSON.stringify({ directory: target, volumeDirectory: staging, timestampDirectory: timestamped, entries: [...payload.keys()] })}\n`,
    );
    return;
  }
  const timestamped = writeAtomically(target, payload, input.volume.name);
  process.stdout.write(
    `${JSON.stringify({ directory: target, timestampDirectory: timestamped, entries: [...payload.keys()] })}\n`,
  );
}

if (require.main === module) {
  try {
    layOutFromCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`kubelet-layout: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
