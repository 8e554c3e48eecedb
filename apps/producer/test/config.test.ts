import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "../../shared/environment";
import { loadProducerConfig, parseRunPlan } from "../src/config";

const minimal = {
  KAFKA_BOOTSTRAP_SERVERS: "kafka-0:9092, kafka-1:9092",
  SCHEMA_REGISTRY_URL: "http://schema-registry:8081",
};

function configurationError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigurationError");
}

describe("loadProducerConfig", () => {
  it("applies defaults", () => {
    const { environment, plan } = loadProducerConfig(minimal, []);
    expect(environment).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: ["kafka-0:9092", "kafka-1:9092"],
      KAFKA_TOPIC: "users_created",
      KAFKA_TLS: false,
      PRODUCER_SOURCE: "generator",
      PRODUCER_COMPRESSION: "none",
      PRODUCER_BATCH_SIZE: 1000,
      PRODUCER_RATE: 10,
    });
    expect(environment.KAFKA_SASL_MECHANISM).toBeUndefined();
    expect(environment.PRODUCER_HEALTH_PORT).toBeUndefined();
    expect(plan).toEqual({ total: undefined, ratePerSecond: 10, description: "continuous at 10/s" });
  });

  it("names every missing required variable", () => {
    const message = configurationError(() => loadProducerConfig({}, []));
    expect(message).toContain("KAFKA_BOOTSTRAP_SERVERS: required but not set");
    expect(message).toContain("SCHEMA_REGISTRY_URL: required but not set");
  });

  it("treats empty strings as unset", () => {
    expect(loadProducerConfig({ ...minimal, KAFKA_TOPIC: "", PRODUCER_BATCH_SIZE: " " }, []).environment).toMatchObject(
      { KAFKA_TOPIC: "users_created", PRODUCER_BATCH_SIZE: 1000 },
    );
    expect(loadProducerConfig({ ...minimal, PRODUCER_HEALTH_PORT: "" }, []).environment.PRODUCER_HEALTH_PORT).toBe(
      undefined,
    );
  });

  it("explains bad values with the variable and the value", () => {
    const message = configurationError(() =>
      loadProducerConfig(
        {
          ...minimal,
          KAFKA_BOOTSTRAP_SERVERS: "kafka:9092,kafka",
          KAFKA_TLS: "maybe",
          PRODUCER_BATCH_SIZE: "0",
          PRODUCER_COMPRESSION: "zstd",
        },
        [],
      ),
    );
    expect(message).toContain(
      "KAFKA_BOOTSTRAP_SERVERS: each entry must be host:port, the port from 1 to 65535 (entry 2)",
    );
    expect(message).toContain('KAFKA_TLS: expected true or false (got "maybe")');
    expect(message).toContain("PRODUCER_BATCH_SIZE: expected a whole number from 1 to 10000");
    expect(message).toContain("PRODUCER_COMPRESSION: expected one of none, gzip");
  });

  it("requires credentials with SASL and never echoes a password", () => {
    const message = configurationError(() =>
      loadProducerConfig({ ...minimal, KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_PASSWORD: "hunter2" }, []),
    );
    expect(message).toContain("KAFKA_USERNAME: required when KAFKA_SASL_MECHANISM=scram-sha-512");
    expect(message).not.toContain("hunter2");
    const mechanism = configurationError(() => loadProducerConfig({ ...minimal, KAFKA_SASL_MECHANISM: "gssapi" }, []));
    expect(mechanism).toContain("KAFKA_SASL_MECHANISM: expected scram-sha-512");
  });

  it("reads the password from KAFKA_PASSWORD_FILE verbatim, and requires exactly one source with SASL", () => {
    const file = join(mkdtempSync(join(tmpdir(), "producer-config-")), "password");
    writeFileSync(file, "pa$$ word");
    const sasl = { ...minimal, KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_USERNAME: "producer" };
    expect(loadProducerConfig({ ...sasl, KAFKA_PASSWORD_FILE: file }, []).environment.KAFKA_PASSWORD).toBe("pa$$ word");
    expect(configurationError(() => loadProducerConfig(sasl, []))).toContain(
      "KAFKA_PASSWORD_FILE: KAFKA_PASSWORD_FILE (or KAFKA_PASSWORD) is required when KAFKA_SASL_MECHANISM=scram-sha-512",
    );
    expect(
      configurationError(() => loadProducerConfig({ ...sasl, KAFKA_PASSWORD: "x", KAFKA_PASSWORD_FILE: file }, [])),
    ).toContain("set KAFKA_PASSWORD or KAFKA_PASSWORD_FILE, not both");
    expect(
      configurationError(() => loadProducerConfig({ ...sasl, KAFKA_PASSWORD_FILE: "/nonexistent/password" }, [])),
    ).toContain("KAFKA_PASSWORD_FILE: cannot read /nonexistent/password");
  });

  it("reads the CA file at start and names the variable when it cannot", () => {
    const message = configurationError(() =>
      loadProducerConfig({ ...minimal, KAFKA_TLS: "true", KAFKA_TLS_CA_FILE: "/nonexistent/ca.crt" }, []),
    );
    expect(message).toMatch(/KAFKA_TLS_CA_FILE: cannot read \/nonexistent\/ca\.crt/);
    const readable = loadProducerConfig({ ...minimal, KAFKA_TLS: "true", KAFKA_TLS_CA_FILE: __filename }, []);
    expect(readable.kafkaCertificateAuthority).toContain("reads the CA file");
  });

  // Each value used to be accepted (or refused without saying what is accepted) before the loader checked it.
  it.each([
    ["KAFKA_BOOTSTRAP_SERVERS", "kafka:0", "each entry must be host:port, the port from 1 to 65535 (entry 1)"],
    [
      "KAFKA_BOOTSTRAP_SERVERS",
      "kafka-0:9092,kafka-1:65536",
      "each entry must be host:port, the port from 1 to 65535 (entry 2)",
    ],
    ["KAFKA_BOOTSTRAP_SERVERS", "[::1]:9092", "each entry must be host:port, the port from 1 to 65535 (entry 1)"],
    ["KAFKA_BOOTSTRAP_SERVERS", ",", "expected at least one host:port"],
    ["KAFKA_TOPIC", "..", "expected a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_' and '-', not '.' or '..'"],
    ["KAFKA_TOPIC", "users created", "expected a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9"],
    ["KAFKA_RETRIES", "abc", "expected a whole number from 1 to 1000"],
    ["KAFKA_CONNECTION_TIMEOUT_MS", "3000000000", "expected a whole number from 100 to 2147483647"],
    ["KAFKA_REQUEST_TIMEOUT_MS", "2.5", "expected a whole number from 100 to 2147483647"],
    ["KAFKA_LOG_LEVEL", "trace", "expected error, warn, info or debug"],
    ["SCHEMA_REGISTRY_URL", "schema-registry:8081", "expected an http(s) URL, e.g. http://schema-registry:8081"],
    ["PRODUCER_BATCH_SIZE", "0x10", "expected a whole number from 1 to 10000"],
    ["PRODUCER_BATCH_SIZE", "1e3", "expected a whole number from 1 to 10000"],
    ["PRODUCER_BATCH_SIZE", "-5", "expected a whole number from 1 to 10000"],
    ["PRODUCER_RATE", "0", "expected records per second, a decimal number above 0 such as 10 or 0.5"],
    ["PRODUCER_RATE", "0x10", "expected records per second, a decimal number above 0 such as 10 or 0.5"],
    ["PRODUCER_LINGER_MS", "60001", "expected a whole number from 1 to 60000"],
    ["RANDOMUSER_URL", "ftp://randomuser.me/api/", "expected an http(s) URL, e.g. https://randomuser.me/api/"],
    ["RANDOMUSER_RETRIES", "-1", "expected a whole number from 0 to 100"],
    ["PRODUCER_HEALTH_PORT", "0", "expected a whole number from 1 to 65535"],
    ["PRODUCER_HEALTH_PORT", "65536", "expected a whole number from 1 to 65535"],
    ["PRODUCER_HEALTH_PORT", "80.5", "expected a whole number from 1 to 65535"],
  ])("rejects %s=%j, naming the variable and what it accepts", (variable, value, accepted) => {
    const message = configurationError(() => loadProducerConfig({ ...minimal, [variable]: value }, []));
    expect(message).toContain(`  - ${variable}: ${accepted}`);
    expect(message).toContain(`(got ${JSON.stringify(value)})`);
  });

  it("rejects a setting that would be ignored without the one it goes with", () => {
    expect(configurationError(() => loadProducerConfig({ ...minimal, KAFKA_USERNAME: "producer" }, []))).toContain(
      "  - KAFKA_USERNAME: is only used with KAFKA_SASL_MECHANISM: set it (scram-sha-512, scram-sha-256 or plain) or unset both",
    );
    expect(
      configurationError(() => loadProducerConfig({ ...minimal, KAFKA_TLS_CA_FILE: "/etc/ca.crt" }, [])),
    ).toContain(
      "  - KAFKA_TLS_CA_FILE: is only read with KAFKA_TLS=true: set KAFKA_TLS=true or unset KAFKA_TLS_CA_FILE",
    );
  });

  it("rejects a first retry delay above the longest, which the backoff would silently cut", () => {
    const message = configurationError(() =>
      loadProducerConfig({ ...minimal, KAFKA_RETRY_INITIAL_MS: "5000", KAFKA_RETRY_MAX_MS: "100" }, []),
    );
    expect(message).toContain('  - KAFKA_RETRY_INITIAL_MS: expected at most KAFKA_RETRY_MAX_MS (100) (got "5000")');
    expect(
      configurationError(() => loadProducerConfig({ ...minimal, RANDOMUSER_RETRY_INITIAL_MS: "20000" }, [])),
    ).toContain("  - RANDOMUSER_RETRY_INITIAL_MS: expected at most RANDOMUSER_RETRY_MAX_MS (15000)");
  });

  it.each([
    ["KAFKA_BOOTSTRAP_SERVERS", "10.0.0.7:1,kafka.example.com:65535", ["10.0.0.7:1", "kafka.example.com:65535"]],
    ["KAFKA_CONNECTION_TIMEOUT_MS", "2147483647", 2_147_483_647],
    ["PRODUCER_RATE", ".5", 0.5],
    ["PRODUCER_HEALTH_PORT", "1", 1],
    ["PRODUCER_HEALTH_PORT", " 65535 ", 65_535],
    ["SCHEMA_REGISTRY_URL", "https://registry.example.com:8443/base", "https://registry.example.com:8443/base"],
  ])("accepts %s=%j at the edge of what it accepts", (variable, value, loaded) => {
    expect(loadProducerConfig({ ...minimal, [variable]: value }, []).environment).toHaveProperty(variable, loaded);
  });

  it("rejects unknown sources", () => {
    expect(configurationError(() => loadProducerConfig({ ...minimal, PRODUCER_SOURCE: "faker" }, []))).toContain(
      "PRODUCER_SOURCE: expected generator or randomuser",
    );
  });
});

describe("parseRunPlan", () => {
  it("--count N sends N as fast as possible", () => {
    expect(parseRunPlan(["--count", "500"], 10)).toEqual({
      total: 500,
      ratePerSecond: undefined,
      description: "500 records",
    });
    expect(parseRunPlan(["--count=5", "--rate", "2"], 10)).toMatchObject({ total: 5, ratePerSecond: 2 });
  });

  it("--rate R --duration S sends round(R*S) records", () => {
    expect(parseRunPlan(["--rate", "50", "--duration", "3"], 10)).toMatchObject({ total: 150, ratePerSecond: 50 });
    expect(parseRunPlan(["--duration", "2.5"], 4)).toMatchObject({ total: 10, ratePerSecond: 4 });
  });

  it("no flags (or only --rate) runs continuously", () => {
    expect(parseRunPlan([], 7)).toMatchObject({ total: undefined, ratePerSecond: 7 });
    expect(parseRunPlan(["--rate", "0.5"], 7)).toMatchObject({ total: undefined, ratePerSecond: 0.5 });
  });

  it("rejects bad flags with the usage text", () => {
    expect(() => parseRunPlan(["--count", "1.5"], 10)).toThrow(
      /--count expects a whole number > 0, got "1.5"[\s\S]*usage:/,
    );
    expect(() => parseRunPlan(["--rate=-1"], 10)).toThrow("--rate expects a number > 0");
    expect(() => parseRunPlan(["--count", "0x10"], 10)).toThrow('--count expects a whole number > 0, got "0x10"');
    expect(() => parseRunPlan(["--count", "1e3"], 10)).toThrow('--count expects a whole number > 0, got "1e3"');
    expect(() => parseRunPlan(["--rate", "0x10"], 10)).toThrow('--rate expects a number > 0, got "0x10"');
    expect(() => parseRunPlan(["--count", "3", "--duration", "2"], 10)).toThrow("either --count or --duration");
    expect(() => parseRunPlan(["--bogus"], 10)).toThrow(/invalid command line: .*bogus/);
    expect(() => parseRunPlan(["--rate", "0.1", "--duration", "1"], 10)).toThrow("less than one record");
  });
});
