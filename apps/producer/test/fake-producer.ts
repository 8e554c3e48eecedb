import type { CompressionTypes, Message } from "kafkajs";
import type { ProducerPort } from "../src/run";

export interface SentBatch {
  topic: string;
  acks: number;
  compression: CompressionTypes;
  messages: Message[];
}

/** Records what the run loop asks of Kafka; a test can fail or hold any call. */
export class FakeProducer implements ProducerPort {
  readonly batches: SentBatch[] = [];
  readonly events: string[] = [];
  connectError: Error | undefined;
  sendError: Error | undefined;
  /** Called when a send starts; may return a promise the send waits for. */
  onSend: ((batch: SentBatch) => Promise<void> | void) | undefined;

  async connect(): Promise<void> {
    this.events.push("connect");
    if (this.connectError) throw this.connectError;
  }

  async send(batch: SentBatch): Promise<unknown> {
    this.events.push(`send ${batch.messages.length}`);
    await this.onSend?.(batch);
    if (this.sendError) throw this.sendError;
    this.batches.push(batch);
    return [];
  }

  async disconnect(): Promise<void> {
    this.events.push("disconnect");
  }
}
