import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";

export type AppName = "producer" | "dashboard" | "gate" | "registry-reader";

/**
 * The Node.js major the bundles are compiled for: the one of the official image they run on (config apps.nodeImage);
 * __tests__/node-runtime.test.ts keeps the two equal and above every bundled package's `engines.node`.
 */
export const bundleNodeMajor = 22;

export interface AppBundle {
  /** The whole app as one CommonJS file for `node <file>` on the official Node.js image (bundleNodeMajor). */
  code: string;
  /** Hex SHA-256 of `code`, e.g. for a pod-template annotation that rolls pods when the code changes. */
  sha256: string;
  /** Folders (relative to the repository root) of the npm packages whose code is in the bundle. */
  packageDirectories: string[];
}

const entryPoints: Record<AppName, string> = {
  producer: join(__dirname, "producer", "src", "main.ts"),
  dashboard: join(__dirname, "dashboard", "src", "main.ts"),
  gate: join(__dirname, "gate", "src", "main.ts"),
  "registry-reader": join(__dirname, "registry-reader", "src", "main.ts"),
};

export const appNames = Object.keys(entryPoints) as AppName[];

/**
 * Bundles one app with all its dependencies. Output is deterministic for a given source
 * tree (no timestamps, no absolute paths, no source maps), so synthesizing twice yields
 * the same ConfigMap and the same hash.
 */
export function bundleApp(app: AppName): AppBundle {
  const result = buildSync({
    entryPoints: [entryPoints[app]],
    bundle: true,
    platform: "node",
    target: `node${bundleNodeMajor}`,
    format: "cjs",
    minify: true,
    sourcemap: false,
    legalComments: "none",
    write: false,
    metafile: true,
    logLevel: "silent",
    absWorkingDir: join(__dirname, ".."),
    define: {
      // The producer embeds the Avro schema so the bundle needs no file beside it (see producer/src/schema.ts).
      __USERS_CREATED_AVSC__: JSON.stringify(readFileSync(join(__dirname, "schemas", "users_created.avsc"), "utf8")),
    },
    // Optional native/peer modules some dependencies try to require; none is used by our code paths.
    external: ["kerberos", "snappy", "lz4", "zstd"],
  });
  if (result.errors.length > 0) {
    throw new Error(`esbuild failed for ${app}: ${result.errors.map((error) => error.text).join("; ")}`);
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild produced no output for ${app}`);
  const code = output.text;
  return {
    code,
    sha256: createHash("sha256").update(code).digest("hex"),
    packageDirectories: packageDirectoriesOf(Object.keys(result.metafile.inputs)),
  };
}

/** The package folder (`…/node_modules/name` or `…/node_modules/@scope/name`) of each input from node_modules. */
function packageDirectoriesOf(inputs: string[]): string[] {
  const directories = new Set<string>();
  for (const input of inputs) {
    const parts = input.split("/");
    const at = parts.lastIndexOf("node_modules");
    if (at < 0 || at + 1 >= parts.length) continue;
    const length = parts[at + 1].startsWith("@") ? at + 3 : at + 2;
    directories.add(parts.slice(0, length).join("/"));
  }
  return [...directories].sort();
}
