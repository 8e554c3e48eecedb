import { CompressionTypes, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from "kafkajs";
import type { CompressionCodec, ProducerConfig } from "./config";

export const kafkaLogLevels = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

const levelNames: Record<number, string> = {
  [logLevel.ERROR]: "ERROR",
  [logLevel.WARN]: "WARN",
  [logLevel.INFO]: "INFO",
  [logLevel.DEBUG]: "DEBUG",
};

/**
 * We bound retries on purpose (a `--count` run should fail rather than hang forever when
 * the cluster is gone), so kafkajs' warning about limited idempotent retries is expected
 * noise; ordering is still protected by maxInFlightRequests=1.
 */
const expectedWarnings = [/Limiting retries for the idempotent producer/];

/** One compact stderr line per kafkajs log entry. */
export function formatKafkaLogEntry(entry: LogEntry): string | undefined {
  const { message, broker, error } = entry.log as { message: string; broker?: string; error?: string };
  if (expectedWarnings.some((pattern) => pattern.test(message))) return undefined;
  const details = [broker ? `broker ${broker}` : "", error && !message.includes(error) ? error : ""].filter(
    (part) => part !== "",
  );
  return `kafkajs ${levelNames[entry.level] ?? entry.level} [${entry.namespace}] ${message}${details.length > 0 ? ` (${details.join("; ")})` : ""}`;
}

function saslOptions(environment: ProducerConfig["environment"]): SASLOptions | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_USERNAME: username = "", KAFKA_PASSWORD: password = "" } = environment;
  if (mechanism === undefined) return undefined;
  return { mechanism, username, password };
}

/** kafkajs client options from our configuration; `log` receives formatted kafkajs log lines. */
export function buildKafkaClientConfig(
  config: ProducerConfig,
  log: (line: string) => void,
  level: logLevel = logLevel.WARN,
): KafkaConfig {
  const { environment } = config;
  const sasl = saslOptions(environment);
  const ssl = environment.KAFKA_TLS
    ? config.kafkaCertificateAuthority !== undefined
      ? { ca: [config.kafkaCertificateAuthority] }
      : true
    : false;
  return {
    clientId: environment.KAFKA_CLIENT_ID,
    brokers: environment.KAFKA_BOOTSTRAP_SERVERS,
    ssl,
    ...(sasl !== undefined ? { sasl } : {}),
    connectionTimeout: environment.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeout: environment.KAFKA_REQUEST_TIMEOUT_MS,
    retry: {
      retries: environment.KAFKA_RETRIES,
      initialRetryTime: environment.KAFKA_RETRY_INITIAL_MS,
      maxRetryTime: environment.KAFKA_RETRY_MAX_MS,
    },
    logLevel: level,
    logCreator: () => (entry) => {
      const line = formatKafkaLogEntry(entry);
      if (line !== undefined) log(line);
    },
  };
}

export function kafkaCompression(codec: CompressionCodec): CompressionTypes {
  return codec === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None;
}
