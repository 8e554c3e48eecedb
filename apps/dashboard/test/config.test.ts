import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "../../shared/environment";
import { buildClientOptions, explainCassandraError } from "../src/cassandra-repository";
import { loadDashboardConfig } from "../src/config";
import { errors } from "cassandra-driver";

describe("loadDashboardConfig", () => {
  it("applies defaults", () => {
    const { environment } = loadDashboardConfig({ CASSANDRA_CONTACT_POINTS: "cassandra-0, cassandra-1:9142" });
    expect(environment).toMatchObject({
      CASSANDRA_CONTACT_POINTS: ["cassandra-0", "cassandra-1:9142"],
      CASSANDRA_PORT: 9042,
      CASSANDRA_KEYSPACE: "spark_streams",
      CASSANDRA_TABLE: "created_users",
      PORT: 8080,
      DASHBOARD_CACHE_SECONDS: 5,
    });
  });

  it("names bad variables", () => {
    let message = "";
    try {
      loadDashboardConfig({
        CASSANDRA_PORT: "70000",
        CASSANDRA_KEYSPACE: "spark-streams; DROP",
        CASSANDRA_USERNAME: "reader",
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toContain("CASSANDRA_CONTACT_POINTS: required but not set");
    expect(message).toContain("CASSANDRA_PORT: expected a whole number from 1 to 65535");
    expect(message).toContain("CASSANDRA_KEYSPACE: expected a CQL identifier");
  });

  // Each value used to be accepted (or refused without saying what is accepted) before the loader checked it.
  it.each([
    [
      "CASSANDRA_CONTACT_POINTS",
      "cassandra:0",
      "each entry must be host or host:port, the port from 1 to 65535 (entry 1)",
    ],
    [
      "CASSANDRA_CONTACT_POINTS",
      "cassandra-0,cassandra-1:99999",
      "each entry must be host or host:port, the port from 1 to 65535 (entry 2)",
    ],
    ["CASSANDRA_CONTACT_POINTS", "cassandra 0", "each entry must be host or host:port, the port from 1 to 65535"],
    ["CASSANDRA_CONTACT_POINTS", " , ", "expected at least one host or host:port"],
    ["CASSANDRA_PORT", "0x2352", "expected a whole number from 1 to 65535"],
    ["CASSANDRA_PORT", "0", "expected a whole number from 1 to 65535"],
    ["CASSANDRA_REQUEST_TIMEOUT_MS", "2147483648", "expected a whole number from 100 to 2147483647"],
    ["CASSANDRA_REQUEST_TIMEOUT_MS", "1e4", "expected a whole number from 100 to 2147483647"],
    ["CASSANDRA_TABLE", "users;drop", "expected a CQL identifier (letter, then letters, digits or _; at most 48)"],
    ["CASSANDRA_TLS", "on", "expected true or false"],
    ["PORT", "8080.5", "expected a whole number from 0 to 65535"],
    ["DASHBOARD_PUSH_SECONDS", "0", "expected a whole number from 1 to 3600"],
    ["DASHBOARD_CACHE_SECONDS", "-1", "expected a whole number from 0 to 3600"],
  ])("rejects %s=%j, naming the variable and what it accepts", (variable, value, accepted) => {
    let message = "";
    try {
      loadDashboardConfig({ CASSANDRA_CONTACT_POINTS: "cassandra", [variable]: value });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      message = (error as Error).message;
    }
    expect(message).toContain(`  - ${variable}: ${accepted}`);
    expect(message).toContain(`(got ${JSON.stringify(value.trim())})`);
  });

  it("accepts host names, IPv4 and bracketed IPv6 contact points, with or without a port", () => {
    const { environment } = loadDashboardConfig({
      CASSANDRA_CONTACT_POINTS: "cassandra-0.cassandra:9042, 10.0.0.7, [fd00::1]:65535, [::1]",
    });
    expect(environment.CASSANDRA_CONTACT_POINTS).toEqual([
      "cassandra-0.cassandra:9042",
      "10.0.0.7",
      "[fd00::1]:65535",
      "[::1]",
    ]);
  });

  it("requires username and password together", () => {
    expect(() => loadDashboardConfig({ CASSANDRA_CONTACT_POINTS: "c", CASSANDRA_USERNAME: "reader" })).toThrow(
      "CASSANDRA_USERNAME and CASSANDRA_PASSWORD (or CASSANDRA_PASSWORD_FILE) must be set together",
    );
  });

  it("refuses a CA file it would ignore (TLS off)", () => {
    expect(() => loadDashboardConfig({ CASSANDRA_CONTACT_POINTS: "c", CASSANDRA_TLS_CA_FILE: "/etc/ca.crt" })).toThrow(
      "CASSANDRA_TLS_CA_FILE: is only read with CASSANDRA_TLS=true: set CASSANDRA_TLS=true or unset CASSANDRA_TLS_CA_FILE",
    );
  });

  it("reads the password from CASSANDRA_PASSWORD_FILE verbatim, and refuses both sources at once", () => {
    const file = join(mkdtempSync(join(tmpdir(), "dashboard-config-")), "password");
    writeFileSync(file, "s3cret pass ");
    const base = { CASSANDRA_CONTACT_POINTS: "c", CASSANDRA_USERNAME: "dashboard" };
    expect(loadDashboardConfig({ ...base, CASSANDRA_PASSWORD_FILE: file }).environment.CASSANDRA_PASSWORD).toBe(
      "s3cret pass ",
    );
    expect(() => loadDashboardConfig({ ...base, CASSANDRA_PASSWORD_FILE: "/nonexistent/password" })).toThrow(
      "CASSANDRA_PASSWORD_FILE: cannot read /nonexistent/password",
    );
    expect(() => loadDashboardConfig({ ...base, CASSANDRA_PASSWORD: "p", CASSANDRA_PASSWORD_FILE: file })).toThrow(
      "set CASSANDRA_PASSWORD or CASSANDRA_PASSWORD_FILE, not both",
    );
  });

  it("builds driver options from the environment", () => {
    const options = buildClientOptions(
      loadDashboardConfig({
        CASSANDRA_CONTACT_POINTS: "c1,c2",
        CASSANDRA_PORT: "9142",
        CASSANDRA_LOCAL_DATACENTER: "dc1",
        CASSANDRA_USERNAME: "u",
        CASSANDRA_PASSWORD: "p",
      }),
    );
    expect(options).toMatchObject({
      contactPoints: ["c1", "c2"],
      localDataCenter: "dc1",
      protocolOptions: { port: 9142 },
    });
    expect(options.authProvider).toBeDefined();
    expect(options.sslOptions).toBeUndefined();
  });
});

describe("explainCassandraError", () => {
  it("summarizes unreachable hosts on one line", () => {
    const error = new errors.NoHostAvailableError({ "10.0.0.1:9042": new Error("connect ECONNREFUSED 10.0.0.1:9042") });
    expect(explainCassandraError(error, "ks", "t")).toBe(
      "no Cassandra host available (10.0.0.1:9042: connect ECONNREFUSED 10.0.0.1:9042)",
    );
  });

  it("says when the table does not exist yet", () => {
    expect(
      explainCassandraError(new Error("unconfigured table created_users"), "spark_streams", "created_users"),
    ).toContain("table spark_streams.created_users does not exist yet");
  });
});
