import { join } from 'node:path';
import { loopback, ports, repoRoot } from './paths';
import { startProcess, waitFor, type ManagedProcess } from './processes';

/** Path to tsx's CLI, so TypeScript entry points run under plain `node` (one process, one process group). */
export const tsxCli = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface SchemaRegistryEngine {
  readonly url: string;
  /** What serves the API; printed in reports because it is a stand-in, not Karapace or Confluent's server. */
  readonly implementation: string;
  readonly process: ManagedProcess;
}

/**
 * Starts the Schema-Registry-compatible server. Karapace is not published on PyPI and Confluent's server is
 * not on Maven Central, so this is the in-repo stand-in (e2e/lib/schema-registry-server.ts).
 */
export async function startSchemaRegistry(runDir: string): Promise<SchemaRegistryEngine> {
  const url = `http://${loopback}:${ports.schemaRegistry}`;
  const process_ = startProcess({
    name: 'schema-registry',
    command: process.execPath,
    args: [tsxCli, join(repoRoot, 'e2e', 'lib', 'schema-registry-server.ts'), String(ports.schemaRegistry)],
    logFile: join(runDir, 'schema-registry.log'),
  });
  await waitFor(
    async () => {
      const response = await fetch(`${url}/subjects`);
      return response.ok;
    },
    { what: `Schema Registry ${url}`, timeoutMs: 60_000, process: process_, intervalMs: 300 },
  );
  return { url, implementation: 'in-repo stand-in (e2e/lib/schema-registry-server.ts; Karapace is not on PyPI)', process: process_ };
}
