import type { ProducerEnvironment } from "./config";

/** What the send loop (run.ts) tells the health check as it goes. */
export interface SendEvents {
  /** Connected to Kafka: starting is over, sending begins. */
  connected(): void;
  /** Records are due now, so until they are acknowledged the producer waits on its source or on Kafka. */
  recordsDue(): void;
  /** Nothing is due before the next paced record. */
  nothingDue(): void;
  batchHandedOver(): void;
  batchAcknowledged(): void;
  /** Every planned record was acknowledged, or a shutdown was asked for. */
  finished(): void;
}

export type HealthVerdict = { readonly healthy: true } | { readonly healthy: false; readonly reason: string };

const healthy: HealthVerdict = { healthy: true };

const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(1)} s`;

/**
 * Healthy while starting (schema registration and connect) for up to `limitMs`, while idle by design (nothing due at
 * the paced rate, or the run finished), and while records wait but the last acknowledgement, or the moment they began
 * to wait, is at most `limitMs` ago. So a producer whose sends stop completing turns unhealthy; a slow rate does not.
 */
export class HealthState implements SendEvents {
  private phase: "starting" | "sending" | "finished" = "starting";
  private readonly startedAt: number;
  private lastAcknowledgedAt: number;
  private batchesInFlight = 0;
  private due = false;
  /** Since when records have waited without a break; undefined while nothing waits. */
  private waitingSince: number | undefined;

  constructor(
    private readonly limitMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.lastAcknowledgedAt = this.startedAt;
  }

  connected(): void {
    this.phase = "sending";
    this.lastAcknowledgedAt = this.now();
  }

  recordsDue(): void {
    this.due = true;
    this.noteWhetherWaiting();
  }

  nothingDue(): void {
    this.due = false;
    this.noteWhetherWaiting();
  }

  batchHandedOver(): void {
    this.batchesInFlight += 1;
    this.noteWhetherWaiting();
  }

  batchAcknowledged(): void {
    this.batchesInFlight -= 1;
    this.lastAcknowledgedAt = this.now();
    this.noteWhetherWaiting();
  }

  finished(): void {
    this.phase = "finished";
  }

  verdict(): HealthVerdict {
    const now = this.now();
    const limit = `limit ${seconds(this.limitMs)}`;
    if (this.phase === "starting") {
      const startingMs = now - this.startedAt;
      if (startingMs <= this.limitMs) return healthy;
      return {
        healthy: false,
        reason: `still registering the schema or connecting to Kafka after ${seconds(startingMs)} (${limit})`,
      };
    }
    if (this.phase === "finished" || this.waitingSince === undefined) return healthy;
    const silentMs = now - Math.max(this.lastAcknowledgedAt, this.waitingSince);
    if (silentMs <= this.limitMs) return healthy;
    return {
      healthy: false,
      reason:
        this.batchesInFlight > 0
          ? `no acknowledgement from Kafka for ${seconds(silentMs)} with a batch in flight (${limit})`
          : `no batch handed to Kafka for ${seconds(silentMs)} while records are due; the record source may be stuck (${limit})`,
    };
  }

  private noteWhetherWaiting(): void {
    if (!this.due && this.batchesInFlight === 0) this.waitingSince = undefined;
    else this.waitingSince ??= this.now();
  }
}

/** Never shorter: a long GC pause or a busy node must not look like a stuck producer. */
const shortestLimitMs = 30_000;

/**
 * How long the producer may go without an acknowledgement while records wait (and may take to start) before it
 * counts as stuck: the longest kafkajs can legitimately keep one send (or the connect) going before it fails the run
 * on its own, plus, with the RandomUser source, the longest page fetch that may precede the send. A shorter bound,
 * such as a few request timeouts, would have the kubelet restart the producer in the middle of the retries that
 * deliberately ride out a broker restart (KAFKA_RETRIES in config.ts, at least ~160 s); past this bound kafkajs is no
 * longer working on the send, so only a restart helps. About 16.5 minutes with the defaults.
 */
export function stuckAfterMs(environment: ProducerEnvironment): number {
  const kafkaRetries = environment.KAFKA_RETRIES;
  // Each attempt may reconnect and then wait for the response. kafkajs (src/retry/index.js) waits up to 1.2 times
  // KAFKA_RETRY_INITIAL_MS before the first retry and at most KAFKA_RETRY_MAX_MS before each later one.
  const kafkaMs =
    (kafkaRetries + 1) * (environment.KAFKA_CONNECTION_TIMEOUT_MS + environment.KAFKA_REQUEST_TIMEOUT_MS) +
    1.2 * environment.KAFKA_RETRY_INITIAL_MS +
    (kafkaRetries - 1) * environment.KAFKA_RETRY_MAX_MS;
  // retry.ts waits at most RANDOMUSER_RETRY_MAX_MS between attempts.
  const sourceMs =
    environment.PRODUCER_SOURCE === "randomuser"
      ? (environment.RANDOMUSER_RETRIES + 1) * environment.RANDOMUSER_TIMEOUT_MS +
        environment.RANDOMUSER_RETRIES * environment.RANDOMUSER_RETRY_MAX_MS
      : 0;
  return Math.max(shortestLimitMs, Math.ceil(kafkaMs + sourceMs));
}
