/**
 * The table's migrations on the real Cassandra: a table created from an older created_users.cql (here: without the
 * columns the migrations add) gets them from apps/schemas/migrations, and applying the whole schema again, as the
 * schema Job does on every change, is a no-op.
 */
import { tableSchemaCql } from "../../apps/schemas/table-schema";
import type { AssertionReport } from "./assertions";
import { cassandraClient, cqlStatements } from "./cassandra";

const scratchKeyspace = "e2e_migrations";

/** `ALTER TABLE <ks>.<table> ADD IF NOT EXISTS <column> <type>` statements of the schema: the columns migrations add. */
function migratedColumns(statements: readonly string[]): string[] {
  return statements.flatMap((statement) => {
    const match = /^ALTER TABLE \S+ ADD IF NOT EXISTS (\w+) /i.exec(statement.trim());
    return match?.[1] !== undefined ? [match[1]] : [];
  });
}

export async function checkTableMigrations(report: AssertionReport): Promise<void> {
  const statements = cqlStatements(tableSchemaCql(scratchKeyspace));
  const added = migratedColumns(statements);
  const [createTable, ...migrations] = statements;
  if (createTable === undefined) throw new Error("the table schema has no CREATE TABLE statement");
  // The table as an older checkout created it: the base definition without the columns the migrations add.
  const older = createTable
    .split("\n")
    .filter((line) => !added.some((column) => new RegExp(`^\\s*${column}\\s`).test(line)))
    .join("\n");
  const client = cassandraClient();
  await client.connect();
  const columns = async () =>
    (
      await client.execute(
        "SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'created_users'",
        [scratchKeyspace],
      )
    ).rows.map((row) => String(row.get("column_name")));
  try {
    await client.execute(
      `CREATE KEYSPACE IF NOT EXISTS ${scratchKeyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(older);
    const before = await columns();
    for (const statement of migrations) await client.execute(statement);
    const after = await columns();
    report.check(
      "migrations add their columns to a table created before them",
      added.length > 0 && added.every((column) => !before.includes(column) && after.includes(column)),
      `added ${added.join(", ")}; ${before.length} columns before, ${after.length} after`,
    );
    let again = "no error";
    try {
      for (const statement of statements) await client.execute(statement);
    } catch (error) {
      again = error instanceof Error ? error.message : String(error);
    }
    report.check("the whole schema applies again as a no-op (what the schema Job runs)", again === "no error", again);
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${scratchKeyspace}`);
    await client.shutdown();
  }
}
