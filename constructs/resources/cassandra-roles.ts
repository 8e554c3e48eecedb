import type { Naming } from "../../config/naming";
import type { GeneratedSecret } from "./generated-secret";

/** The CQL permissions a client role gets on the one table (https://cassandra.apache.org/doc/5.0/cassandra/developing/cql/security.html). */
export type TablePermission = "SELECT" | "MODIFY";

export type CassandraClient = keyof Naming["cassandra"]["roles"];

export interface CassandraClientRole {
  readonly role: string;
  /** Generated Secret holding `username` (= role) and `password`. */
  readonly secret: string;
  readonly permissions: readonly TablePermission[];
}

/** What each client may do on the table: the Spark job upserts (MODIFY; SELECT for the connector's reads), the dashboard reads. */
const permissionsOf: Readonly<Record<CassandraClient, readonly TablePermission[]>> = {
  sparkJob: ["SELECT", "MODIFY"],
  dashboard: ["SELECT"],
};

export function cassandraClientRoles(naming: Naming): Readonly<Record<CassandraClient, CassandraClientRole>> {
  const { roles } = naming.cassandra;
  return {
    sparkJob: { ...roles.sparkJob, permissions: permissionsOf.sparkJob },
    dashboard: { ...roles.dashboard, permissions: permissionsOf.dashboard },
  };
}

/**
 * One generated Secret per client role, in Cassandra's namespace (the schema Job reads the password there to set it)
 * and in the clients' namespaces.
 */
export function cassandraRoleSecrets(naming: Naming, clientNamespaces: readonly string[]): GeneratedSecret[] {
  return Object.values(cassandraClientRoles(naming)).map(({ role, secret }) => ({
    name: secret,
    namespaces: [naming.namespaces.cassandra, ...clientNamespaces],
    username: role,
  }));
}

/** The placeholder the roles template holds for a role's password, replaced at run time from the mounted secret. */
export function passwordPlaceholder(role: string): string {
  return `@password:${role}@`;
}

/** A CQL identifier in double quotes: role names are case-sensitive and may be reserved words. */
function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * CQL that creates or updates every client role and grants its permissions on the table, idempotent: CREATE ROLE IF
 * NOT EXISTS for a first run, ALTER ROLE so the password always matches the secret, GRANT (a repeated grant is a
 * no-op). Passwords are placeholders ({@link passwordPlaceholder}) inside CQL string literals.
 */
export function cassandraRolesCqlTemplate(naming: Naming): string {
  const table = `${naming.cassandra.keyspace}.${naming.cassandra.table}`;
  return Object.values(cassandraClientRoles(naming))
    .flatMap(({ role, permissions }) => {
      const credentials = `LOGIN = true AND SUPERUSER = false AND PASSWORD = '${passwordPlaceholder(role)}'`;
      return [
        `CREATE ROLE IF NOT EXISTS ${quoted(role)} WITH ${credentials};`,
        `ALTER ROLE ${quoted(role)} WITH ${credentials};`,
        ...permissions.map((permission) => `GRANT ${permission} ON TABLE ${table} TO ${quoted(role)};`),
      ];
    })
    .join("\n")
    .concat("\n");
}

/** A CQL string literal's content: a single quote is doubled. */
export function cqlStringContent(value: string): string {
  return value.replaceAll("'", "''");
}

/** The template with each role's password filled in, as the Job's shell does it ({@link rolesCqlShell}). */
export function fillRolePasswords(template: string, passwords: Readonly<Record<string, string>>): string {
  return Object.entries(passwords).reduce(
    (cql, [role, password]) => cql.replaceAll(passwordPlaceholder(role), cqlStringContent(password)),
    template,
  );
}

/**
 * Bash lines writing `output` from `template`, each placeholder replaced by the password file of its role
 * (`<passwordsDirectory>/<role>/password`), quotes doubled. The replacement is quoted so bash >= 5.2 does not
 * expand `&` in it (patsub_replacement).
 */
export function rolesCqlShell(naming: Naming, template: string, passwordsDirectory: string, output: string): string[] {
  return [
    `q="'"`,
    `cql="$(cat "${template}")"`,
    ...Object.values(cassandraClientRoles(naming)).flatMap(({ role }) => [
      `role_password="$(cat "${passwordsDirectory}/${role}/password")"`,
      'role_password="${role_password//"$q"/"$q$q"}"',
      `cql="\${cql//"${passwordPlaceholder(role)}"/"$role_password"}"`,
    ]),
    `printf '%s\\n' "$cql" > "${output}"`,
  ];
}
