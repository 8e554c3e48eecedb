import type { UserRecord } from "./record";
import type { UserSource } from "./source";

/** Records ready for Kafka, in source order: `keys[i]` (the user id) belongs to `values[i]` (its framed Avro). */
export interface EncodedRecords {
  readonly keys: readonly (string | Buffer)[];
  readonly values: readonly Buffer[];
}

/** Where the run loop takes its encoded records from; opened once the schema id is known. */
export interface RecordBatches {
  readonly description: string;
  /** Exactly `count` records after those taken before, or a rejection naming what failed. */
  take(count: number): Promise<EncodedRecords>;
  /** Stops any work ahead; records prepared but not taken are dropped (they were never handed to Kafka). */
  close(): Promise<void>;
}

/** Records from `source`, encoded on this thread as they are taken (the RandomUser API source). */
export function encodedBatches(source: UserSource, encode: (record: UserRecord) => Buffer): RecordBatches {
  return {
    description: source.description,
    take: async (count) => {
      const records = await source.take(count);
      return { keys: records.map((record) => record.id), values: records.map(encode) };
    },
    close: () => Promise.resolve(),
  };
}
