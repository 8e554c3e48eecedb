import * as z from "zod";
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import {
  ConfigurationError,
  booleanVariable,
  commaListVariable,
  integerVariable,
  parseEnvironment,
  readSecretFile,
  secretSourceIssues,
  type EnvironmentVariables,
} from "../../shared/environment";

/** Codecs kafkajs implements without extra packages; snappy, lz4 and zstd need native codec plugins we do not ship. */
export const supportedCompressionCodecs = ["none", "gzip"] as const;
export type CompressionCodec = (typeof supportedCompressionCodecs)[number];

const positiveNumber = (message: string) =>
  z.coerce.number({ message }).refine((value) => Number.isFinite(value) && value > 0, { message });

/** Every variable the producer reads: the one declaration its loader and the stack's constructs share. */
export const producerEnvironmentSchema = z
  .object({
    KAFKA_BOOTSTRAP_SERVERS: commaListVariable(/^[^\s:,]+:\d{1,5}$/, "host:port"),
    KAFKA_TOPIC: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,249}$/, { message: "expected a Kafka topic name" })
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
    KAFKA_CONNECTION_TIMEOUT_MS: integerVariable(10_000, 100),
    KAFKA_REQUEST_TIMEOUT_MS: integerVariable(30_000, 100),
    // 14 doublings from 300 ms, capped at 30 s, wait at least ~160 s in all (kafkajs randomises each by ±20%): enough
    // to ride out a broker restart (e2e/faults.ts, kafka-broker-kill), still bounded so a run fails instead of hanging.
    KAFKA_RETRIES: integerVariable(14, 1, 1_000),
    KAFKA_RETRY_INITIAL_MS: integerVariable(300, 1),
    KAFKA_RETRY_MAX_MS: integerVariable(30_000, 1),
    KAFKA_LOG_LEVEL: z
      .enum(["error", "warn", "info", "debug"], { message: "expected error, warn, info or debug" })
      .default("warn"),
    SCHEMA_REGISTRY_URL: z.url({ message: "expected an http(s) URL, e.g. http://schema-registry:8081" }),
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
    PRODUCER_RATE: positiveNumber("expected records per second > 0").default(10),
    PRODUCER_LINGER_MS: integerVariable(50, 1, 60_000),
    PRODUCER_PROGRESS_INTERVAL_MS: integerVariable(5_000, 100),
    PRODUCER_SHUTDOWN_TIMEOUT_MS: integerVariable(15_000, 100),
    RANDOMUSER_URL: z.url({ message: "expected an http(s) URL" }).default("https://randomuser.me/api/"),
    RANDOMUSER_PAGE_SIZE: integerVariable(100, 1, 5_000),
    RANDOMUSER_TIMEOUT_MS: integerVariable(10_000, 100),
    RANDOMUSER_RETRIES: integerVariable(5, 0, 100),
    RANDOMUSER_RETRY_INITIAL_MS: integerVariable(500, 1),
    RANDOMUSER_RETRY_MAX_MS: integerVariable(15_000, 1),
  })
  .superRefine((environment, context) => {
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
  if (!Number.isFinite(parsed) || parsed <= 0 || (integer && !Number.isInteger(parsed))) {
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

function readPem(variable: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigurationError(
      `invalid producer configuration:\n  - ${variable}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function loadProducerConfig(environment: NodeJS.ProcessEnv, argv: readonly string[]): ProducerConfig {
  const parsed = parseEnvironment(producerEnvironmentSchema, environment, "producer");
  const plan = parseRunPlan(argv, parsed.PRODUCER_RATE);
  if (parsed.KAFKA_PASSWORD_FILE !== undefined) {
    parsed.KAFKA_PASSWORD = readSecretFile("producer", "KAFKA_PASSWORD_FILE", parsed.KAFKA_PASSWORD_FILE);
  }
  return {
    environment: parsed,
    plan,
    kafkaCertificateAuthority: readPem("KAFKA_TLS_CA_FILE", parsed.KAFKA_TLS_CA_FILE),
    schemaRegistryCertificateAuthority: readPem("SCHEMA_REGISTRY_CA_FILE", parsed.SCHEMA_REGISTRY_CA_FILE),
  };
}
