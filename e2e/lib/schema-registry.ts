import { join } from "node:path";
import { apicurioLauncher, apicurioVersion } from "./apicurio";
import { loopback, repoRoot } from "./paths";
import { ports } from "./settings";
import { startProcess, waitFor, type ManagedProcess } from "../../scripts/lib/processes";

/** Path to tsx's CLI, so TypeScript entry points run under plain `node` (one process, one process group). */
export const tsxCli = join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");

/** Apicurio serves the Confluent Schema Registry API (v7) under this path. */
export const confluentApiPath = "/apis/ccompat/v7";

/** The level the cluster's registry applies to new subjects; Apicurio starts with NONE (no global rule). */
export const globalCompatibility = "BACKWARD";

export interface SchemaRegistryEngine {
  /** Base URL of the Confluent-compatible API, as the producer's SCHEMA_REGISTRY_URL. */
  readonly url: string;
  /** What serves the API, printed in reports. */
  readonly implementation: string;
  readonly process: ManagedProcess;
}

const registryHeaders = { "content-type": "application/vnd.schemaregistry.v1+json" };

async function setGlobalCompatibility(url: string, level: string): Promise<void> {
  const response = await fetch(`${url}/config`, {
    method: "PUT",
    headers: registryHeaders,
    body: JSON.stringify({ compatibility: level }),
  });
  if (!response.ok)
    throw new Error(
      `PUT ${url}/config {"compatibility":"${level}"} answered ${response.status}: ${await response.text()}`,
    );
}

/**
 * Starts Apicurio Registry (built from tools/apicurio/pom.xml, in-memory storage) on loopback and sets its global
 * compatibility to BACKWARD. Not in canonical-hash mode (`registry.ccompat.use-canonical-hash`): in 2.4.2 that mode
 * stores the canonical form, fields sorted by name (Apicurio issue #2902), so a consumer reading records with the
 * writer schema the registry returns would decode the fields in the wrong order.
 */
export async function startSchemaRegistry(runDir: string): Promise<SchemaRegistryEngine> {
  const launcher = await apicurioLauncher();
  const url = `http://${loopback}:${ports.schemaRegistry}${confluentApiPath}`;
  const process_ = startProcess({
    name: "schema-registry",
    command: "java",
    args: [
      "-Xmx256m",
      `-Dquarkus.http.host=${loopback}`,
      `-Dquarkus.http.port=${ports.schemaRegistry}`,
      "-jar",
      launcher,
    ],
    cwd: runDir,
    logFile: join(runDir, "schema-registry.log"),
  });
  const readySeconds = await waitFor(
    async () => {
      const response = await fetch(`${url}/subjects`);
      return response.ok;
    },
    { what: `Schema Registry ${url}`, timeoutMs: 120_000, process: process_, intervalMs: 300 },
  );
  await setGlobalCompatibility(url, globalCompatibility);
  process.stdout.write(`Apicurio Registry ready after ${readySeconds.toFixed(1)}s\n`);
  return {
    url,
    implementation: `Apicurio Registry ${apicurioVersion()} (Confluent API at ${confluentApiPath})`,
    process: process_,
  };
}
