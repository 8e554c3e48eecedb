import * as z from "zod";
import {
  parseEnvironment,
  readFileVariable,
  secretSourceIssues,
  type EnvironmentVariables,
} from "../../shared/environment";
import {
  addressListVariable,
  booleanVariable,
  cqlIdentifierPattern,
  integerVariable,
  millisecondsVariable,
} from "../../shared/variables";

const cqlIdentifier = (defaultValue: string) =>
  z
    .string()
    .regex(cqlIdentifierPattern, {
      message: "expected a CQL identifier (letter, then letters, digits or _; at most 48)",
    })
    .default(defaultValue);

/** Every variable the dashboard reads: the one declaration its loader and the stack's constructs share. */
export const dashboardEnvironmentSchema = z
  .object({
    // A contact point without a port uses CASSANDRA_PORT; an IPv6 address goes in brackets, e.g. [fd00::1]:9042.
    CASSANDRA_CONTACT_POINTS: addressListVariable(/\[[0-9a-fA-F:]+\]|[^\s:,[\]/]+/, "optional"),
    CASSANDRA_PORT: integerVariable(9042, 1, 65_535),
    CASSANDRA_LOCAL_DATACENTER: z.string().default("datacenter1"),
    CASSANDRA_USERNAME: z.string().optional(),
    CASSANDRA_PASSWORD: z.string().optional(),
    /** Path of a file holding the password (a mounted Secret key); what the stack sets instead of CASSANDRA_PASSWORD. */
    CASSANDRA_PASSWORD_FILE: z.string().optional(),
    CASSANDRA_KEYSPACE: cqlIdentifier("spark_streams"),
    CASSANDRA_TABLE: cqlIdentifier("created_users"),
    CASSANDRA_TLS: booleanVariable(false),
    CASSANDRA_TLS_CA_FILE: z.string().optional(),
    CASSANDRA_REQUEST_TIMEOUT_MS: millisecondsVariable(12_000, 100),
    PORT: integerVariable(8080, 0, 65_535),
    DASHBOARD_CACHE_SECONDS: integerVariable(5, 0, 3_600),
    DASHBOARD_PUSH_SECONDS: integerVariable(3, 1, 3_600),
    DASHBOARD_SCAN_PAGE_SIZE: integerVariable(1_000, 10, 100_000),
    DASHBOARD_LATEST_LIMIT: integerVariable(10, 1, 100),
    DASHBOARD_INGEST_MINUTES: integerVariable(30, 1, 1_440),
    DASHBOARD_RECONNECT_AFTER_SECONDS: integerVariable(30, 1, 3_600),
  })
  .superRefine((environment, context) => {
    const password = environment.CASSANDRA_PASSWORD ?? environment.CASSANDRA_PASSWORD_FILE;
    if ((environment.CASSANDRA_USERNAME === undefined) !== (password === undefined)) {
      context.addIssue({
        code: "custom",
        path: ["CASSANDRA_PASSWORD"],
        message: "CASSANDRA_USERNAME and CASSANDRA_PASSWORD (or CASSANDRA_PASSWORD_FILE) must be set together",
      });
    }
    for (const issue of secretSourceIssues(environment, "CASSANDRA_PASSWORD", undefined)) {
      context.addIssue({ code: "custom", ...issue });
    }
    // Alone it would be ignored, which hides a mistake.
    if (!environment.CASSANDRA_TLS && environment.CASSANDRA_TLS_CA_FILE !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["CASSANDRA_TLS_CA_FILE"],
        message: "is only read with CASSANDRA_TLS=true: set CASSANDRA_TLS=true or unset CASSANDRA_TLS_CA_FILE",
      });
    }
  });

export type DashboardEnvironment = z.infer<typeof dashboardEnvironmentSchema>;
/** The dashboard's environment as a manifest sets it. */
export type DashboardVariables = EnvironmentVariables<typeof dashboardEnvironmentSchema>;

export interface DashboardConfig {
  environment: DashboardEnvironment;
  /** PEM contents of CASSANDRA_TLS_CA_FILE, read at start so a bad path fails early. */
  cassandraCertificateAuthority: string | undefined;
}

export function loadDashboardConfig(environment: NodeJS.ProcessEnv): DashboardConfig {
  const parsed = parseEnvironment(dashboardEnvironmentSchema, environment, "dashboard");
  const readFile = (variable: string, path: string | undefined) => readFileVariable("dashboard", variable, path);
  if (parsed.CASSANDRA_PASSWORD_FILE !== undefined) {
    parsed.CASSANDRA_PASSWORD = readFile("CASSANDRA_PASSWORD_FILE", parsed.CASSANDRA_PASSWORD_FILE);
  }
  return {
    environment: parsed,
    cassandraCertificateAuthority: readFile("CASSANDRA_TLS_CA_FILE", parsed.CASSANDRA_TLS_CA_FILE),
  };
}
