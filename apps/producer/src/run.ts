import { type CompressionTypes, type Message } from "kafkajs";
import { topicValueSubject } from "../../shared/schema-subject";
import type { RecordBatches } from "./batches";
import type { RunPlan } from "./config";
import type { SendEvents } from "./health";
import { nextBatchSize, waitBeforeNextBatch } from "./pacing";
import { ProgressMeter } from "./progress";
import { errorMessage } from "./retry";

/** The slice of a kafkajs producer the run loop uses (a fake in tests). */
export interface ProducerPort {
  connect(): Promise<void>;
  send(request: { topic: string; acks: number; compression: CompressionTypes; messages: Message[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

export interface RunSettings {
  plan: RunPlan;
  topic: string;
  bootstrapServers: readonly string[];
  batchSize: number;
  compression: CompressionTypes;
  lingerMs: number;
  progressIntervalMs: number;
  disconnectTimeoutMs: number;
}

export interface RunDependencies {
  /** Registers the schema (the Confluent registry client in production) and answers its id. */
  registerSchema: () => Promise<number>;
  /** The records to send, encoded for the registered schema id. */
  openBatches: (schemaId: number) => RecordBatches;
  createProducer: () => ProducerPort;
  toMessage: (key: string | Buffer, value: Buffer, producedAtMs: number) => Message;
  log: (line: string) => void;
  /** Told where the loop stands, for the health check; unset when no health server runs. */
  health?: SendEvents;
  now?: () => number;
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
}

export interface RunSummary {
  sent: number;
  topic: string;
  schemaId: number | undefined;
  elapsedSeconds: number;
  stoppedBySignal: boolean;
}

const stopped = Symbol("stopped");

/** Resolves with the promise's value, or with `stopped` as soon as a shutdown is requested. */
function unlessStopped<Value>(promise: Promise<Value>, signal: AbortSignal): Promise<Value | typeof stopped> {
  if (signal.aborted) return Promise.resolve(stopped);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(stopped);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- forwards the wrapped promise's own rejection unchanged
        reject(error);
      },
    );
  });
}

export function abortableSleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, milliseconds);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

async function disconnectWithin(producer: ProducerPort, timeoutMs: number, log: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log(`Kafka disconnect did not finish within ${timeoutMs} ms; exiting anyway`);
      resolve();
    }, timeoutMs);
  });
  await Promise.race([
    producer.disconnect().catch((error: unknown) => log(`disconnect failed: ${errorMessage(error)}`)),
    timeout,
  ]);
  clearTimeout(timer);
}

/**
 * Registers the schema, connects, and sends the plan's records in paced batches. A shutdown
 * request stops waiting (registration, connection, pacing) at once, but a batch already
 * handed to Kafka is always awaited, then the producer disconnects. Errors carry the
 * variable or stage to look at.
 */
export async function runProducer(
  settings: RunSettings,
  dependencies: RunDependencies,
  shutdown: AbortSignal,
): Promise<RunSummary> {
  const now = dependencies.now ?? Date.now;
  const sleep = dependencies.sleep ?? abortableSleep;
  const { log, health } = dependencies;
  const { plan } = settings;
  const startedAt = now();
  const summary: RunSummary = {
    sent: 0,
    topic: settings.topic,
    schemaId: undefined,
    elapsedSeconds: 0,
    stoppedBySignal: false,
  };
  const finish = (): RunSummary => {
    health?.finished();
    return { ...summary, elapsedSeconds: (now() - startedAt) / 1000, stoppedBySignal: shutdown.aborted };
  };

  const schemaId = await unlessStopped(dependencies.registerSchema(), shutdown);
  if (schemaId === stopped) return finish();
  summary.schemaId = schemaId;
  log(`schema registered under ${topicValueSubject(settings.topic)} with id ${schemaId}`);

  // Opened before connecting, so that records are being prepared while the connection is made.
  const batches = dependencies.openBatches(schemaId);
  log(`records from ${batches.description}`);
  const producer = dependencies.createProducer();
  const brokers = settings.bootstrapServers.join(",");
  log(`connecting to Kafka at ${brokers}`);
  try {
    let connected: void | typeof stopped;
    try {
      connected = await unlessStopped(producer.connect(), shutdown);
    } catch (error) {
      // eslint-disable-next-line preserve-caught-error -- the message already quotes the cause, and errorMessage() (retry.ts) would print an attached cause a second time
      throw new Error(`could not connect to Kafka at KAFKA_BOOTSTRAP_SERVERS=${brokers}: ${errorMessage(error)}`);
    }
    if (connected === stopped) return finish();
    log("connected; sending");
    health?.connected();
    const progress = new ProgressMeter(startedAt, settings.progressIntervalMs);
    // One batch in flight (the idempotent producer allows one request at a time): the next batch is generated and
    // encoded while the broker acknowledges the current one. Pacing counts records handed to Kafka.
    let inFlight: Promise<void> | undefined;
    let handedOver = 0;
    const sendBatch = async (messages: Message[], sentBefore: number): Promise<void> => {
      health?.batchHandedOver();
      try {
        await producer.send({ topic: settings.topic, acks: -1, compression: settings.compression, messages });
      } catch (error) {
        // eslint-disable-next-line preserve-caught-error -- the message already quotes the cause, and errorMessage() (retry.ts) would print an attached cause a second time
        throw new Error(
          `failed to send ${messages.length} records to topic ${settings.topic} (${sentBefore} sent before): ${errorMessage(error)}`,
        );
      }
      health?.batchAcknowledged();
      summary.sent += messages.length;
      const line = progress.maybeReport(now(), summary.sent, plan.total);
      if (line !== undefined) log(line);
    };
    try {
      while (!shutdown.aborted && (plan.total === undefined || handedOver < plan.total)) {
        const elapsedMs = now() - startedAt;
        const batchSize = nextBatchSize(elapsedMs, handedOver, plan.ratePerSecond, plan.total, settings.batchSize);
        if (batchSize === 0) {
          health?.nothingDue();
          await sleep(waitBeforeNextBatch(elapsedMs, handedOver, plan.ratePerSecond, settings.lingerMs), shutdown);
          continue;
        }
        health?.recordsDue();
        const { keys, values } = await batches.take(batchSize);
        const producedAt = now();
        const messages = keys.map((key, index) => dependencies.toMessage(key, values[index], producedAt));
        // Deliberately not raced against shutdown: a batch handed to Kafka is always flushed.
        if (inFlight !== undefined) await inFlight;
        inFlight = sendBatch(messages, summary.sent);
        // A failed send must not surface as an unhandled rejection while the next batch is prepared.
        inFlight.catch(() => undefined);
        handedOver += messages.length;
      }
    } finally {
      // The batch in flight is flushed even when preparing the next one failed or a shutdown was asked for.
      if (inFlight !== undefined) await inFlight;
    }
    return finish();
  } finally {
    await batches.close();
    await disconnectWithin(producer, settings.disconnectTimeoutMs, log);
  }
}
