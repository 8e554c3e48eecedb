import * as z from "zod";
import { parseArgs } from "node:util";
import {
  ConfigurationError,
  parseEnvironment,
  readFileVariable,
  secretSourceIssues,
  type EnvironmentVariables,
} from "../../shared/environment";
import { addressListVariable, booleanVariable, integerVariable, millisecondsVariable } from "../../shared/variables";

/** Codecs kafkajs implements without extra packages; snappy, lz4 and zstd need native codec plugins we do not ship. */
export const supportedCompressionCodecs = ["none", "gzip"] as const;
export type CompressionCodec = (typeof supportedCompressionCodecs)[number];

/** Decimal notation only, as for whole numbers (shared/variables.ts): `0x10` or `1e3` would be typos. */
const decimalNumber = /^(\d+(\.\d*)?|\.\d+)$/;

const positiveNumber = (message: string) =>
  z
    .string()
    .regex(decimalNumber, { message })
    .transform(Number)
    .pipe(z.number().refine((value) => Number.isFinite(value) && value > 0, { message }));

const httpUrl = (example: string) =>
  z.url({ protocol: /^https?$/, message: `expected an http(s) URL, e.g. ${example}` });

/** Retry settings whose first delay must not exceed the longest, or the first would be silently cut to it. */
const retryDelayBounds = [
  ["KAFKA_RETRY_INITIAL_MS", "KAFKA_RETRY_MAX_MS"],
  ["RANDOMUSER_RETRY_INITIAL_MS", "RANDOMUSER_RETRY_MAX_MS"],
] as const;

/** Every variable the producer reads: the one declaration its loader and the stack's constructs share. */
export const producerEnvironmentSchema = z
  .object({
    // kafkajs splits each broker at its first colon, so an IPv6 address cannot be written here.
    KAFKA_BOOTSTRAP_SERVERS: addressListVariable(/[^\s:,/]+/, "required"),
    KAFKA_TOPIC: z
      .string()
      .regex(/^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/, {
        message: "expected a Kafka topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_' and '-', not '.' or '..'",
      })
      .default("users_created"),
    KAFKA_CLIENT_ID: z.string().default("streamstack-producer"),
    KAFKA_SASL_MECHANISM: z
      .enum(["scram-sha-512", "scram-sha-256", "plain"], {
        message: "expected scram-sha-512, scram-sha-256 or plain (unset for no authentication)",
      })
      .optional(),
    KAFKA_USERNAME: z.string().optional(),
    KAFKA_PASSWORD: z.string().optional(),
    /** Path of a file holding the password (a mounted Secret key); what the stack sets instead of KAFKA_PASSWORD. */
    KAFKA_PASSWORD_FILE: z.string().optional(),
    KAFKA_TLS: booleanVariable(false),
    KAFKA_TLS_CA_FILE: z.string().optional(),
    KAFKA_CONNECTION_TIMEOUT_MS: millisecondsVariable(10_000, 100),
    KAFKA_REQUEST_TIMEOUT_MS: millisecondsVariable(30_000, 100),
    // 14 doublings from 300 ms, capped at 30 s, wait at least ~160 s in all (kafkajs randomises each by ±20%): enough
    // to ride out a broker restart (e2e/faults.ts, kafka-broker-kill), still bounded so a run fails instead of hanging.
    KAFKA_RETRIES: integerVariable(14, 1, 1_000),
    KAFKA_RETRY_INITIAL_MS: millisecondsVariable(300, 1),
    KAFKA_RETRY_MAX_MS: millisecondsVariable(30_000, 1),
    KAFKA_LOG_LEVEL: z
      .enum(["error", "warn", "info", "debug"], { message: "expected error, warn, info or debug" })
      .default("warn"),
    SCHEMA_REGISTRY_URL: httpUrl("http://schema-registry:8081"),
    SCHEMA_REGISTRY_USERNAME: z.string().optional(),
    SCHEMA_REGISTRY_PASSWORD: z.string().optional(),
    SCHEMA_REGISTRY_CA_FILE: z.string().optional(),
    PRODUCER_SOURCE: z
      .enum(["generator", "randomuser"], { message: "expected generator or randomuser" })
      .default("generator"),
    PRODUCER_SEED: z.string().default("streamstack"),
    // Measured with npm run bench:producer: batch 1000 without compression sends twice as fast as batch 100 with gzip
    // on this project's reference machine; the stack's profiles still choose compression for the deployed producer.
    PRODUCER_BATCH_SIZE: integerVariable(1000, 1, 10_000),
    PRODUCER_COMPRESSION: z
      .enum(supportedCompressionCodecs, {
        message: `expected one of ${supportedCompressionCodecs.join(", ")} (kafkajs has no built-in snappy, lz4 or zstd)`,
      })
      .default("none"),
    PRODUCER_RATE: positiveNumber("expected records per second, a decimal number above 0 such as 10 or 0.5").default(
      10,
    ),
    PRODUCER_LINGER_MS: millisecondsVariable(50, 1, 60_000),
    PRODUCER_PROGRESS_INTERVAL_MS: millisecondsVariable(5_000, 100),
    PRODUCER_SHUTDOWN_TIMEOUT_MS: millisecondsVariable(15_000, 100),
    /** Port of the `GET /healthz` server the kubelet probes (health.ts); unset runs none, as one-shot runs need none. */
    // Unwrapped from integerVariable's default (the 0 is never used): unset means no server, not some port.
    PRODUCER_HEALTH_PORT: integerVariable(0, 1, 65_535).unwrap().optional(),
    RANDOMUSER_URL: httpUrl("https://randomuser.me/api/").default("https://randomuser.me/api/"),
    RANDOMUSER_PAGE_SIZE: integerVariable(100, 1, 5_000),
    RANDOMUSER_TIMEOUT_MS: millisecondsVariable(10_000, 100),
    RANDOMUSER_RETRIES: integerVariable(5, 0, 100),
    RANDOMUSER_RETRY_INITIAL_MS: millisecondsVariable(500, 1),
    RANDOMUSER_RETRY_MAX_MS: millisecondsVariable(15_000, 1),
  })
  .superRefine((environment, context) => {
    // Settings that only count together with another: alone they would be ignored, which hides a mistake.
    if (environment.KAFKA_SASL_MECHANISM === undefined && environment.KAFKA_USERNAME !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["KAFKA_USERNAME"],
        message: "is only used with KAFKA_SASL_MECHANISM: set it (scram-sha-512, scram-sha-256 or plain) or unset both",
      });
    }
    if (!environment.KAFKA_TLS && environment.KAFKA_TLS_CA_FILE !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["KAFKA_TLS_CA_FILE"],
        message: "is only read with KAFKA_TLS=true: set KAFKA_TLS=true or unset KAFKA_TLS_CA_FILE",
      });
    }
    if (environment.KAFKA_SASL_MECHANISM !== undefined) {
      if (environment.KAFKA_USERNAME === undefined) {
        context.addIssue({
          code: "custom",
          path: ["KAFKA_USERNAME"],
          message: `required when KAFKA_SASL_MECHANISM=${environment.KAFKA_SASL_MECHANISM}`,
        });
      }
    }
    const passwordRequired =
      environment.KAFKA_SASL_MECHANISM === undefined
        ? undefined
        : `required when KAFKA_SASL_MECHANISM=${environment.KAFKA_SASL_MECHANISM}`;
    for (const issue of secretSourceIssues(environment, "KAFKA_PASSWORD", passwordRequired)) {
      context.addIssue({ code: "custom", ...issue });
    }
    if ((environment.SCHEMA_REGISTRY_USERNAME === undefined) !== (environment.SCHEMA_REGISTRY_PASSWORD === undefined)) {
      context.addIssue({
        code: "custom",
        path: ["SCHEMA_REGISTRY_PASSWORD"],
        message: "SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD must be set together",
      });
    }
    for (const [initial, longest] of retryDelayBounds) {
      if (environment[initial] > environment[longest]) {
        context.addIssue({
          code: "custom",
          path: [initial],
          message: `expected at most ${longest} (${environment[longest]})`,
        });
      }
    }
  });

export type ProducerEnvironment = z.infer<typeof producerEnvironmentSchema>;
/** The producer's environment as a manifest sets it. */
export type ProducerVariables = EnvironmentVariables<typeof producerEnvironmentSchema>;

/** How many records to send and how fast. `total` undefined means run until stopped. */
export interface RunPlan {
  total: number | undefined;
  /** Records per second, or undefined for as fast as the broker accepts. */
  ratePerSecond: number | undefined;
  description: string;
}

export interface ProducerConfig {
  environment: ProducerEnvironment;
  plan: RunPlan;
  /** PEM contents read from KAFKA_TLS_CA_FILE / SCHEMA_REGISTRY_CA_FILE at start, so a bad path fails early. */
  kafkaCertificateAuthority: string | undefined;
  schemaRegistryCertificateAuthority: string | undefined;
}

export const usage = `usage: producer [--count N [--rate R]] | [--rate R --duration S] | [--rate R]
  --count N       send exactly N records, as fast as possible (or at --rate), then exit
  --rate R        records per second (default PRODUCER_RATE, 10)
  --duration S    with a rate: run S seconds, i.e. round(R*S) records, then exit
  (no flags)      continuous at PRODUCER_RATE until SIGTERM/SIGINT`;

function cliNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const written = integer ? /^\d+$/.test(value) : decimalNumber.test(value);
  if (!written || !Number.isFinite(parsed) || parsed <= 0 || (integer && !Number.isSafeInteger(parsed))) {
    throw new ConfigurationError(
      `invalid command line: --${flag} expects a ${integer ? "whole " : ""}number > 0, got ${JSON.stringify(value)}\n${usage}`,
    );
  }
  return parsed;
}

/** Turns the command line into a run plan; `defaultRate` comes from PRODUCER_RATE. */
export function parseRunPlan(argv: readonly string[], defaultRate: number): RunPlan {
  let values: { count?: string; rate?: string; duration?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { count: { type: "string" }, rate: { type: "string" }, duration: { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // Not `instanceof Error`: errors from node:util may come from another realm (e.g. under jest).
    const reason =
      typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
    throw new ConfigurationError(`invalid command line: ${reason}\n${usage}`);
  }
  const count = cliNumber("count", values.count, true);
  const rate = cliNumber("rate", values.rate, false);
  const duration = cliNumber("duration", values.duration, false);
  if (count !== undefined && duration !== undefined) {
    throw new ConfigurationError(`invalid command line: use either --count or --duration, not both\n${usage}`);
  }
  if (count !== undefined) {
    return {
      total: count,
      ratePerSecond: rate,
      description: rate === undefined ? `${count} records` : `${count} records at ${rate}/s`,
    };
  }
  const ratePerSecond = rate ?? defaultRate;
  if (duration !== undefined) {
    const total = Math.round(ratePerSecond * duration);
    if (total < 1)
      throw new ConfigurationError(
        `invalid command line: --rate ${ratePerSecond} for --duration ${duration} s is less than one record\n${usage}`,
      );
    return { total, ratePerSecond, description: `${total} records over ${duration} s at ${ratePerSecond}/s` };
  }
  return { total: undefined, ratePerSecond, description: `continuous at ${ratePerSecond}/s` };
}

export function loadProducerConfig(environment: NodeJS.ProcessEnv, argv: readonly string[]): ProducerConfig {
  const parsed = parseEnvironment(producerEnvironmentSchema, environment, "producer");
  const plan = parseRunPlan(argv, parsed.PRODUCER_RATE);
  const readFile = (variable: string, path: string | undefined) => readFileVariable("producer", variable, path);
  if (parsed.KAFKA_PASSWORD_FILE !== undefined) {
    parsed.KAFKA_PASSWORD = readFile("KAFKA_PASSWORD_FILE", parsed.KAFKA_PASSWORD_FILE);
  }
  return {
    environment: parsed,
    plan,
    kafkaCertificateAuthority: readFile("KAFKA_TLS_CA_FILE", parsed.KAFKA_TLS_CA_FILE),
    schemaRegistryCertificateAuthority: readFile("SCHEMA_REGISTRY_CA_FILE", parsed.SCHEMA_REGISTRY_CA_FILE),
  };
}
