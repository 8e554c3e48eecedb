import {
  cassandraClientRoles,
  cassandraRolesCqlTemplate,
  rolesCqlShell,
} from "../constructs/resources/cassandra-roles";
import { deriveNaming } from "../config/naming";
import { synthesize } from "./support/synth";

/**
 * Least privilege in Cassandra (issue 11): the superuser stays in Cassandra's namespace with the schema Job; each
 * client runs as its own role. What the roles may do is proven on a real Cassandra by `e2e/cassandra-roles.ts`.
 */
describe.each(["kind", "cloud"] as const)("Cassandra roles (%s)", (profile) => {
  const stack = synthesize(profile);
  const naming = deriveNaming(stack.config);
  const roles = cassandraClientRoles(naming);
  const superuser = naming.cassandra.superuserSecret;

  it("generates the superuser secret only in Cassandra's namespace, and one secret per client role", () => {
    const generated = stack.release("cassandra-resources").values.generatedSecrets as {
      name: string;
      namespaces: string[];
      username: string;
    }[];
    expect(generated.find((s) => s.name === superuser)?.namespaces).toEqual([naming.namespaces.cassandra]);
    for (const { role, secret } of Object.values(roles)) {
      expect(generated.find((s) => s.name === secret)).toEqual({
        name: secret,
        namespaces: [naming.namespaces.cassandra, naming.namespaces.apps],
        username: role,
      });
    }
  });

  it("names the superuser secret nowhere outside the Cassandra releases", () => {
    const outside = stack.releases.filter(
      (r) => r.namespace !== naming.namespaces.cassandra && r.rawValues.includes(superuser),
    );
    expect(outside.map((r) => r.name)).toEqual([]);
  });

  it("gives the dashboard and the Spark job their own role's secret", () => {
    expect(stack.release("dashboard").rawValues).toContain(roles.dashboard.secret);
    expect(stack.release("dashboard").rawValues).not.toContain(roles.sparkJob.secret);
    const sparkApp = JSON.stringify(stack.manifestObjects.filter(({ object }) => object.kind === "SparkApplication"));
    expect(sparkApp).toContain(roles.sparkJob.secret);
    expect(sparkApp).not.toContain(roles.dashboard.secret);
  });

  it("grants the dashboard SELECT only and the Spark job SELECT and MODIFY, on the one table", () => {
    const grants = cassandraRolesCqlTemplate(naming)
      .split("\n")
      .filter((line) => line.startsWith("GRANT"));
    const table = `${naming.cassandra.keyspace}.${naming.cassandra.table}`;
    expect(grants).toEqual([
      `GRANT SELECT ON TABLE ${table} TO "${roles.sparkJob.role}";`,
      `GRANT MODIFY ON TABLE ${table} TO "${roles.sparkJob.role}";`,
      `GRANT SELECT ON TABLE ${table} TO "${roles.dashboard.role}";`,
    ]);
  });

  it("runs the role CQL from the schema Job, with each role's password mounted alone", () => {
    const job = stack.manifestObjects.find(
      ({ object }) => object.kind === "Job" && object.metadata?.name?.startsWith(naming.cassandra.schemaJob),
    );
    const spec = JSON.stringify(job?.object);
    for (const line of rolesCqlShell(naming, "/schema/roles.cql.template", "/role-passwords", "/tmp/roles.cql")) {
      expect(spec).toContain(JSON.stringify(line).slice(1, -1));
    }
    for (const { secret } of Object.values(roles)) {
      expect(spec).toContain(JSON.stringify({ secretName: secret, items: [{ key: "password", path: "password" }] }));
    }
  });
});
