import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

export type AppName = 'producer' | 'dashboard';

export interface AppBundle {
  /** The whole app as one CommonJS file for `node <file>` on the official Node.js 20 image. */
  code: string;
  /** Hex SHA-256 of `code`, e.g. for a pod-template annotation that rolls pods when the code changes. */
  sha256: string;
}

const entryPoints: Record<AppName, string> = {
  producer: join(__dirname, 'producer', 'src', 'main.ts'),
  dashboard: join(__dirname, 'dashboard', 'src', 'main.ts'),
};

/**
 * Bundles one app with all its dependencies. Output is deterministic for a given source
 * tree (no timestamps, no absolute paths, no source maps), so synthesizing twice yields
 * the same ConfigMap and the same hash.
 */
export function bundleApp(app: AppName): AppBundle {
  const result = buildSync({
    entryPoints: [entryPoints[app]],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    absWorkingDir: join(__dirname, '..'),
    define: {
      // The producer embeds the Avro schema so the bundle needs no file beside it (see producer/src/schema.ts).
      __USERS_CREATED_AVSC__: JSON.stringify(readFileSync(join(__dirname, 'schemas', 'users_created.avsc'), 'utf8')),
    },
    // Optional native/peer modules some dependencies try to require; none is used by our code paths.
    external: ['kerberos', 'snappy', 'lz4', 'zstd'],
  });
  if (result.errors.length > 0) {
    throw new Error(`esbuild failed for ${app}: ${result.errors.map((error) => error.text).join('; ')}`);
  }
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error(`esbuild produced no output for ${app}`);
  const code = output.text;
  return { code, sha256: createHash('sha256').update(code).digest('hex') };
}
