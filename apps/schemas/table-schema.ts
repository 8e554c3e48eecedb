/**
 * The CQL of the table the Spark job writes, as every consumer applies it (the stack's schema Job, the e2e run):
 * created_users.cql, then each file of migrations/ in name order. Migrations change a table that already exists
 * (CREATE TABLE IF NOT EXISTS leaves it alone) and must be safe to run again (ADD IF NOT EXISTS), since the schema
 * Job applies all of them on every change. {{keyspace}} is replaced by the caller's keyspace.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const schemasDirectory = __dirname;
const migrationsDirectory = join(schemasDirectory, "migrations");

/** Migration file names, in the order they apply. */
export function migrationFiles(): string[] {
  return readdirSync(migrationsDirectory)
    .filter((name) => name.endsWith(".cql"))
    .sort();
}

function withoutComments(cql: string): string {
  return cql
    .split("\n")
    .filter((line) => !line.trimStart().startsWith("--"))
    .join("\n")
    .trim();
}

/** The base table definition and every migration, comments dropped, for `keyspace`. */
export function tableSchemaCql(keyspace: string): string {
  const parts = [
    readFileSync(join(schemasDirectory, "created_users.cql"), "utf8"),
    ...migrationFiles().map((name) => readFileSync(join(migrationsDirectory, name), "utf8")),
  ];
  return parts.map(withoutComments).join("\n").replaceAll("{{keyspace}}", keyspace);
}
