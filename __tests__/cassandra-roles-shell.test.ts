import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cassandraClientRoles,
  cassandraRolesCqlTemplate,
  fillRolePasswords,
  rolesCqlShell,
} from "../constructs/resources/cassandra-roles";
import { deriveNaming } from "../config/naming";
import { loadConfig } from "../config/load";

/** The roles Job's shell (constructs/resources/cassandra-roles.ts), run by a real bash on files laid out as the Job mounts them. */
it("the Job's shell fills the passwords exactly as fillRolePasswords, quotes doubled and `&` kept", () => {
  const naming = deriveNaming(loadConfig({ profile: "kind" }));
  const directory = mkdtempSync(join(tmpdir(), "cassandra-roles-"));
  const passwords: Record<string, string> = {};
  for (const { role } of Object.values(cassandraClientRoles(naming))) {
    passwords[role] = `a'b&c\\d$e"${role}`;
    mkdirSync(join(directory, role));
    writeFileSync(join(directory, role, "password"), passwords[role]);
  }
  const template = join(directory, "template.cql");
  writeFileSync(template, cassandraRolesCqlTemplate(naming));
  const script = ["set -eu", ...rolesCqlShell(naming, template, directory, join(directory, "out.cql"))].join("\n");
  execFileSync("bash", ["-c", script]);
  const cql = readFileSync(join(directory, "out.cql"), "utf8");
  expect(cql).toBe(fillRolePasswords(cassandraRolesCqlTemplate(naming), passwords));
  expect(cql).toContain(`PASSWORD = 'a''b&c\\d$e"spark_job'`);
  expect(cql).not.toContain("@password:");
});
