import { isMainThread } from "node:worker_threads";
import { Kafka, Partitioners } from "kafkajs";
import { encodedBatches, type RecordBatches } from "./batches";
import { ConfigurationError } from "../../shared/environment";
import { loadProducerConfig, type ProducerConfig } from "./config";
import { createSchemaRegistry, createUserEncoder, registerUserSchema, toKafkaMessage } from "./encoding";
import { HealthState, stuckAfterMs } from "./health";
import { startHealthServer, type HealthServer } from "./health-server";
import { buildKafkaClientConfig, kafkaCompression, kafkaLogLevels } from "./kafka";
import { errorMessage } from "./retry";
import { runProducer } from "./run";
import { generatorWorkerBatches } from "./generator-worker";
import { createRandomUserSource } from "./source";

const log = (line: string): void => {
  process.stderr.write(`[producer] ${line}\n`);
};

/** The built-in generator runs on a worker thread (generator-worker.ts); RandomUser pages are encoded as they arrive. */
function openBatches(config: ProducerConfig, schemaId: number): RecordBatches {
  const { environment } = config;
  if (environment.PRODUCER_SOURCE === "generator") {
    return generatorWorkerBatches({
      seed: environment.PRODUCER_SEED,
      schemaId,
      chunkRecords: environment.PRODUCER_BATCH_SIZE,
    });
  }
  const source = createRandomUserSource({
    baseUrl: environment.RANDOMUSER_URL,
    seed: environment.PRODUCER_SEED,
    pageSize: environment.RANDOMUSER_PAGE_SIZE,
    timeoutMs: environment.RANDOMUSER_TIMEOUT_MS,
    retries: environment.RANDOMUSER_RETRIES,
    initialRetryDelayMs: environment.RANDOMUSER_RETRY_INITIAL_MS,
    maximumRetryDelayMs: environment.RANDOMUSER_RETRY_MAX_MS,
    log,
  });
  return encodedBatches(source, createUserEncoder(schemaId));
}

function listenForShutdown(controller: AbortController): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      log(`received ${signal} again; exiting without waiting for Kafka`);
      process.exit(1);
    }
    log(`received ${signal}: finishing the batch in flight, then disconnecting`);
    controller.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

/** A health state and its /healthz server, closed as soon as a shutdown is asked for; exits 1 if the port is taken. */
async function serveHealth(
  port: number,
  limitMs: number,
  shutdown: AbortSignal,
): Promise<{ state: HealthState; server: HealthServer }> {
  const state = new HealthState(limitMs);
  let server: HealthServer;
  try {
    server = await startHealthServer(port, () => state.verdict());
  } catch (error) {
    log(`error: cannot serve /healthz on PRODUCER_HEALTH_PORT=${port}: ${errorMessage(error)}`);
    process.exit(1);
  }
  shutdown.addEventListener("abort", () => void server.close(), { once: true });
  log(
    `serving /healthz on port ${server.port}: unhealthy after ${limitMs / 1000} s starting, or as long without an acknowledgement while records wait`,
  );
  return { state, server };
}

async function main(): Promise<void> {
  let config: ProducerConfig;
  try {
    config = loadProducerConfig(process.env, process.argv.slice(2));
  } catch (error) {
    log(error instanceof ConfigurationError ? error.message : `configuration failed: ${errorMessage(error)}`);
    process.exit(2);
  }
  const { environment, plan } = config;
  const controller = new AbortController();
  listenForShutdown(controller);
  const healthPort = environment.PRODUCER_HEALTH_PORT;
  const health =
    healthPort === undefined ? undefined : await serveHealth(healthPort, stuckAfterMs(environment), controller.signal);

  log(
    `plan: ${plan.description} to topic ${environment.KAFKA_TOPIC} via ${environment.KAFKA_BOOTSTRAP_SERVERS.join(",")}; batch ${environment.PRODUCER_BATCH_SIZE}, compression ${environment.PRODUCER_COMPRESSION}`,
  );
  const registry = createSchemaRegistry({
    url: environment.SCHEMA_REGISTRY_URL,
    username: environment.SCHEMA_REGISTRY_USERNAME,
    password: environment.SCHEMA_REGISTRY_PASSWORD,
    certificateAuthority: config.schemaRegistryCertificateAuthority,
  });
  const kafka = new Kafka(buildKafkaClientConfig(config, log, kafkaLogLevels[environment.KAFKA_LOG_LEVEL]));
  try {
    const summary = await runProducer(
      {
        plan,
        topic: environment.KAFKA_TOPIC,
        bootstrapServers: environment.KAFKA_BOOTSTRAP_SERVERS,
        batchSize: environment.PRODUCER_BATCH_SIZE,
        compression: kafkaCompression(environment.PRODUCER_COMPRESSION),
        lingerMs: environment.PRODUCER_LINGER_MS,
        progressIntervalMs: environment.PRODUCER_PROGRESS_INTERVAL_MS,
        disconnectTimeoutMs: environment.PRODUCER_SHUTDOWN_TIMEOUT_MS,
      },
      {
        registerSchema: () => registerUserSchema(registry, environment.SCHEMA_REGISTRY_URL, environment.KAFKA_TOPIC),
        openBatches: (schemaId) => openBatches(config, schemaId),
        // Idempotence with one request in flight: retries cannot duplicate or reorder records; sends use acks=all.
        createProducer: () =>
          kafka.producer({
            idempotent: true,
            maxInFlightRequests: 1,
            createPartitioner: Partitioners.DefaultPartitioner,
          }),
        toMessage: toKafkaMessage,
        log,
        health: health?.state,
      },
      controller.signal,
    );
    log(
      `${summary.stoppedBySignal ? "stopped" : "done"}: sent ${summary.sent} records to ${summary.topic} in ${summary.elapsedSeconds.toFixed(1)} s`,
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    await health?.server.close();
    process.exit(0);
  } catch (error) {
    log(`error: ${errorMessage(error)}`);
    process.exit(1);
  }
}

// The bundle is also the generator's worker thread (generator-worker.ts), which must not start a producer.
if (isMainThread) void main();
