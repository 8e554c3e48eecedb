import { readFileSync } from "node:fs";
import { join } from "node:path";
import { migrationFiles, tableSchemaCql } from "../apps/schemas/table-schema";
import { loadConfig } from "../config/load";
import { cassandraSchemaCql } from "../constructs/resources/k8ssandra";

// A new field reaches Cassandra as a migration the schema Job applies (apps/schemas/migrations), not by hand: the
// base table holds the current shape for new clusters, each migration brings an existing table up to it.
const schemas = join(__dirname, "..", "apps", "schemas");
const statements = tableSchemaCql("ks")
  .split(";")
  .map((statement) => statement.trim())
  .filter(Boolean);
const [createTable = "", ...migrations] = statements;
const baseColumns = [...createTable.matchAll(/^\s+(\w+) \w+/gm)].map((match) => match[1]);

it("reads the base table and then every migration, in name order", () => {
  expect(createTable).toMatch(/^CREATE TABLE IF NOT EXISTS ks\.created_users \(/);
  expect(migrationFiles()).toEqual([...migrationFiles()].sort());
  expect(migrations.length).toBeGreaterThanOrEqual(migrationFiles().length);
});

it("has only migrations that can run again (the schema Job applies all of them on every change)", () => {
  for (const statement of migrations)
    expect(statement).toMatch(/^ALTER TABLE ks\.created_users ADD IF NOT EXISTS \w+ \w+$/);
});

it("adds in migrations only columns the base table also has (new clusters and migrated ones end alike)", () => {
  const added = migrations.map((statement) => statement.split(/\s+/)[7]);
  expect(added.every((column) => baseColumns.includes(column))).toBe(true);
});

it("has a column for every field of the Avro schema the job reads", () => {
  const avro = JSON.parse(readFileSync(join(schemas, "users_created.avsc"), "utf8")) as { fields: { name: string }[] };
  expect(baseColumns).toEqual(expect.arrayContaining(avro.fields.map((field) => field.name)));
});

it("ships the migrations in the schema Job's CQL, so a new migration is a new Job on the next deploy", () => {
  const cql = cassandraSchemaCql(loadConfig({ profile: "kind" }));
  for (const statement of migrations) expect(cql).toContain(statement.replace("ks.", "spark_streams."));
});
