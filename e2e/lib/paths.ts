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

/** Loopback ports, away from the engines' defaults so a developer's own services do not clash. */
export const ports = {
  zookeeper: Number(process.env.E2E_ZOOKEEPER_PORT ?? 22181),
  kafka: Number(process.env.E2E_KAFKA_PORT ?? 29092),
  cassandraNative: Number(process.env.E2E_CASSANDRA_PORT ?? 29042),
  cassandraStorage: Number(process.env.E2E_CASSANDRA_STORAGE_PORT ?? 27000),
  schemaRegistry: Number(process.env.E2E_SCHEMA_REGISTRY_PORT ?? 28081),
  dashboard: Number(process.env.E2E_DASHBOARD_PORT ?? 28080),
  sparkUi: Number(process.env.E2E_SPARK_UI_PORT ?? 24040),
} as const;

export const loopback = "127.0.0.1";
