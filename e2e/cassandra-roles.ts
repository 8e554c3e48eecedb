/**
 * The client roles of the schema Job (constructs/resources/cassandra-roles.ts) on a real Cassandra with
 * PasswordAuthenticator and CassandraAuthorizer: the role CQL is produced by the Job's own shell lines over password
 * files, applied twice (idempotent, the second time with a changed password), and each role is then tried against what
 * it may and may not do.
 *
 *   flock /tmp/helpers/engines.lock npx tsx e2e/cassandra-roles.ts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "cassandra-driver";
import {
  cassandraClientRoles,
  cassandraRolesCqlTemplate,
  fillRolePasswords,
  rolesCqlShell,
} from "../constructs/resources/cassandra-roles";
import { tableSchemaCql } from "../apps/schemas/table-schema";
import { cassandraClient, cqlStatements, defaultSuperuser, startCassandra } from "./lib/cassandra";
import { stackNaming } from "./lib/naming";
import { createRunDir } from "./lib/paths";
import { installCleanupHandlers, stopAll } from "../scripts/lib/processes";
import { readInput } from "../scripts/lib/script-input";

const { keyspace, table } = stackNaming.cassandra;
const roles = cassandraClientRoles(stackNaming);
const otherTable = `${keyspace}.not_granted`;
/** Cassandra's protocol error code for "Unauthorized" (native protocol spec, section 9). */
const unauthorized = 0x2100;
const badCredentials = 0x0100;

/** Writes the password files as the Job mounts them and runs the Job's shell lines; returns the CQL they wrote. */
function rolesCqlFromShell(runDir: string, passwords: Readonly<Record<string, string>>): string {
  const directory = join(runDir, "role-passwords");
  for (const [role, password] of Object.entries(passwords)) {
    mkdirSync(join(directory, role), { recursive: true });
    writeFileSync(join(directory, role, "password"), password);
  }
  const template = join(runDir, "roles.cql.template");
  const output = join(runDir, "roles.cql");
  writeFileSync(template, cassandraRolesCqlTemplate(stackNaming));
  const script = ["set -eu", ...rolesCqlShell(stackNaming, template, directory, output)].join("\n");
  execFileSync("bash", ["-c", script], { stdio: "inherit" });
  return readFileSync(output, "utf8");
}

async function asSuperuser(statements: readonly string[]): Promise<void> {
  const client = cassandraClient(undefined, defaultSuperuser);
  await client.connect();
  try {
    for (const statement of statements) await client.execute(statement);
  } finally {
    await client.shutdown();
  }
}

type Outcome = "allowed" | "unauthorized" | "bad credentials" | `other error: ${string}`;

function outcomeOf(error: unknown): Outcome {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  const inner: unknown[] =
    typeof error === "object" && error !== null && "innerErrors" in error && typeof error.innerErrors === "object"
      ? Object.values(error.innerErrors ?? {})
      : [];
  if (code === unauthorized) return "unauthorized";
  if (
    code === badCredentials ||
    inner.some((e) => typeof e === "object" && e !== null && "code" in e && e.code === badCredentials)
  )
    return "bad credentials";
  return `other error: ${error instanceof Error ? error.message : String(error)}`;
}

async function attempt(client: Client, cql: string): Promise<Outcome> {
  try {
    await client.execute(cql);
    return "allowed";
  } catch (error) {
    return outcomeOf(error);
  }
}

async function connectAs(username: string, password: string): Promise<Client | Outcome> {
  const client = cassandraClient(undefined, { username, password });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.shutdown();
    return outcomeOf(error);
  }
}

const insert = (into: string) =>
  `INSERT INTO ${into} (id, first_name) VALUES (5b6962dd-3f90-4c93-8f61-eabfb4e8e14a, 'roles-check')`;

async function main(): Promise<void> {
  // No flags; its settings are the harness's (E2E_CASSANDRA_PORT …), checked when the harness loads.
  readInput({ usage: "usage: flock /tmp/helpers/engines.lock npx tsx e2e/cassandra-roles.ts" }, () => undefined);
  installCleanupHandlers();
  const runDir = createRunDir("cassandra-roles");
  process.stdout.write(`run directory: ${runDir}\n`);
  await startCassandra(runDir, "1G", { authentication: true });
  await asSuperuser([
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    ...cqlStatements(tableSchemaCql(keyspace)),
    `CREATE TABLE IF NOT EXISTS ${otherTable} (id uuid PRIMARY KEY, first_name text)`,
  ]);

  // Characters a password must survive: a CQL quote, and `&`, which bash >= 5.2 expands in an unquoted replacement.
  const first = { [roles.sparkJob.role]: "job'pass&1", [roles.dashboard.role]: "dash'pass&1" };
  const second = { ...first, [roles.dashboard.role]: "dash'pass&2" };
  const results: { check: string; expected: Outcome; actual: Outcome }[] = [];
  const expect = (check: string, expected: Outcome, actual: Outcome) => results.push({ check, expected, actual });

  for (const passwords of [first, second]) {
    const cql = rolesCqlFromShell(runDir, passwords);
    expect(
      "shell output equals fillRolePasswords",
      "allowed",
      cql.trim() === fillRolePasswords(cassandraRolesCqlTemplate(stackNaming), passwords).trim()
        ? "allowed"
        : "other error: differs",
    );
    // Statements split on `;`: the test passwords hold none.
    await asSuperuser(cqlStatements(cql));
  }

  const old = await connectAs(roles.dashboard.role, first[roles.dashboard.role] ?? "");
  expect("dashboard logs in with the replaced password", "bad credentials", typeof old === "string" ? old : "allowed");
  if (typeof old !== "string") await old.shutdown();

  const job = await connectAs(roles.sparkJob.role, second[roles.sparkJob.role] ?? "");
  const dashboard = await connectAs(roles.dashboard.role, second[roles.dashboard.role] ?? "");
  if (typeof job === "string" || typeof dashboard === "string") {
    throw new Error(
      `a client role cannot log in: spark job ${String(typeof job === "string" ? job : "ok")}, dashboard ${String(typeof dashboard === "string" ? dashboard : "ok")}`,
    );
  }
  const tableName = `${keyspace}.${table}`;
  expect("spark job INSERT into its table", "allowed", await attempt(job, insert(tableName)));
  expect("spark job SELECT its table", "allowed", await attempt(job, `SELECT id FROM ${tableName} LIMIT 1`));
  expect("spark job INSERT into another table", "unauthorized", await attempt(job, insert(otherTable)));
  expect("spark job DROP its table", "unauthorized", await attempt(job, `DROP TABLE ${tableName}`));
  expect("spark job TRUNCATE its table", "unauthorized", await attempt(job, `TRUNCATE ${tableName}`));
  expect(
    "spark job CREATE TABLE",
    "unauthorized",
    await attempt(job, `CREATE TABLE ${keyspace}.made_by_job (id uuid PRIMARY KEY)`),
  );
  expect(
    "spark job CREATE ROLE",
    "unauthorized",
    await attempt(job, "CREATE ROLE intruder WITH LOGIN = true AND PASSWORD = 'x'"),
  );
  expect("dashboard SELECT the table", "allowed", await attempt(dashboard, `SELECT id FROM ${tableName} LIMIT 1`));
  expect("dashboard INSERT into the table", "unauthorized", await attempt(dashboard, insert(tableName)));
  expect(
    "dashboard DELETE from the table",
    "unauthorized",
    await attempt(dashboard, `DELETE FROM ${tableName} WHERE id = 5b6962dd-3f90-4c93-8f61-eabfb4e8e14a`),
  );
  expect(
    "dashboard SELECT another table",
    "unauthorized",
    await attempt(dashboard, `SELECT id FROM ${otherTable} LIMIT 1`),
  );
  expect("dashboard DROP the table", "unauthorized", await attempt(dashboard, `DROP TABLE ${tableName}`));
  await job.shutdown();
  await dashboard.shutdown();

  let failed = 0;
  for (const { check, expected, actual } of results) {
    const ok = actual === expected;
    if (!ok) failed += 1;
    process.stdout.write(`${ok ? "PASS" : "FAIL"}  ${check}: ${actual}${ok ? "" : ` (expected ${expected})`}\n`);
  }
  process.stdout.write(`cassandra-roles: ${results.length - failed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
}

/** main, with a failure reported as exit code 1, and the engines it started stopped (and waited for) either way. */
async function run(): Promise<void> {
  try {
    await main();
  } catch (error: unknown) {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}

void run();
