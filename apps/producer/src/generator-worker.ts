import { isMainThread, parentPort, Worker, workerData, type MessagePort } from "node:worker_threads";
import type { EncodedRecords, RecordBatches } from "./batches";
import { createUserFrameWriter, type UserFrameWriter } from "./encoding";
import { generateUser } from "./generator";
import { errorMessage } from "./retry";

/**
 * The built-in generator and the Avro encoder on a thread of their own: generating and encoding take about as long as
 * kafkajs takes to send (npm run bench:producer), so on one thread they take turns. The worker prepares whole chunks
 * ahead; each chunk's keys and values lie back to back in one buffer that is moved, not copied, to the main thread.
 * Records depend only on (seed, index) (generator.ts), so chunks prepared but never taken change nothing.
 */

const role = "streamstack-producer-generator";

interface WorkerSettings {
  readonly role: typeof role;
  readonly seed: string;
  readonly startIndex: number;
  readonly schemaId: number;
  readonly chunkRecords: number;
}

/** `ends[2i]` is where record i's key ends in `bytes`, `ends[2i + 1]` where its value ends; each starts where the last ended. */
type FromWorker =
  | { readonly kind: "chunk"; readonly bytes: ArrayBuffer; readonly ends: Uint32Array }
  | { readonly kind: "failed"; readonly message: string };

/** A first guess per record (ours take about 320 bytes); a chunk grows when it is wrong. */
const estimatedRecordBytes = 512;

function encodeChunk(settings: WorkerSettings, firstIndex: number, write: UserFrameWriter) {
  const count = settings.chunkRecords;
  let target = Buffer.from(new ArrayBuffer(count * estimatedRecordBytes));
  const grow = (position: number, needed: number): void => {
    const larger = Buffer.from(new ArrayBuffer(Math.max(2 * target.length, position + needed)));
    target.copy(larger, 0, 0, position);
    target = larger;
  };
  const ends = new Uint32Array(2 * count);
  let position = 0;
  for (let offset = 0; offset < count; offset++) {
    const record = generateUser(settings.seed, firstIndex + offset);
    const keyBytes = Buffer.byteLength(record.id);
    if (position + keyBytes > target.length) grow(position, keyBytes);
    position += target.write(record.id, position, keyBytes, "utf8");
    ends[2 * offset] = position;
    let end = write(record, target, position);
    if (end < 0) {
      grow(position, -end);
      end = write(record, target, position);
    }
    position = end;
    ends[2 * offset + 1] = position;
  }
  return { bytes: target.buffer, ends };
}

/** The worker's side: one chunk per message received, in index order. */
function serveChunks(port: MessagePort, settings: WorkerSettings): void {
  const write = createUserFrameWriter(settings.schemaId);
  let nextIndex = settings.startIndex;
  port.on("message", () => {
    let answer: FromWorker;
    try {
      const { bytes, ends } = encodeChunk(settings, nextIndex, write);
      nextIndex += settings.chunkRecords;
      answer = { kind: "chunk", bytes, ends };
      port.postMessage(answer, [bytes, ends.buffer]);
    } catch (error) {
      answer = { kind: "failed", message: errorMessage(error) };
      port.postMessage(answer);
    }
  });
}

function isWorkerSettings(data: unknown): data is WorkerSettings {
  return typeof data === "object" && data !== null && (data as { role?: unknown }).role === role;
}

// In the single-file bundle this module runs in both threads; only the worker started below serves chunks.
if (!isMainThread && parentPort !== null && isWorkerSettings(workerData)) serveChunks(parentPort, workerData);

/** The file the worker thread runs, and Node options for it (tests load the TypeScript source through tsx). */
export interface WorkerEntry {
  readonly file: string;
  readonly execArgv?: string[];
}

export interface GeneratorWorkerOptions {
  readonly seed: string;
  readonly schemaId: number;
  /** Records per chunk: the producer's batch size, so a full batch is one chunk. */
  readonly chunkRecords: number;
  /** @default 0 */
  readonly startIndex?: number;
  /** Chunks kept prepared or in preparation ahead of the run loop. @default 2 */
  readonly chunksAhead?: number;
  /** @default this file: in the bundle, the bundle itself */
  readonly entry?: WorkerEntry;
}

interface ReadyChunk {
  readonly keys: Buffer[];
  readonly values: Buffer[];
  taken: number;
}

function unpack(bytes: ArrayBuffer, ends: Uint32Array): ReadyChunk {
  const keys: Buffer[] = [];
  const values: Buffer[] = [];
  let start = 0;
  for (let index = 0; index < ends.length; index += 2) {
    const keyEnd = ends[index];
    const valueEnd = ends[index + 1];
    keys.push(Buffer.from(bytes, start, keyEnd - start));
    values.push(Buffer.from(bytes, keyEnd, valueEnd - keyEnd));
    start = valueEnd;
  }
  return { keys, values, taken: 0 };
}

/** Records of the built-in generator for `seed`, generated and encoded on a worker thread. */
export function generatorWorkerBatches(options: GeneratorWorkerOptions): RecordBatches {
  const { chunkRecords } = options;
  const chunksAhead = options.chunksAhead ?? 2;
  const entry = options.entry ?? { file: __filename };
  const settings: WorkerSettings = {
    role,
    seed: options.seed,
    startIndex: options.startIndex ?? 0,
    schemaId: options.schemaId,
    chunkRecords,
  };
  const worker = new Worker(entry.file, {
    workerData: settings,
    ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
  });
  const ready: ReadyChunk[] = [];
  let requested = 0;
  let failure: Error | undefined;
  let closing = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const fail = (error: Error): void => {
    failure ??= error;
    notify();
  };
  worker.on("message", (message: FromWorker) => {
    requested -= 1;
    if (message.kind === "failed") fail(new Error(message.message));
    else ready.push(unpack(message.bytes, message.ends));
    notify();
  });
  worker.on("error", (error) => fail(new Error(`the record generator thread failed: ${errorMessage(error)}`)));
  worker.on("exit", (code) => {
    if (!closing) fail(new Error(`the record generator thread exited with code ${code}`));
  });

  const available = (): number => ready.reduce((sum, chunk) => sum + chunk.keys.length - chunk.taken, 0);
  /** Asks for chunks until `wanted` records are ready or on their way. */
  const requestUpTo = (wanted: number): void => {
    while (available() + requested * chunkRecords < wanted) {
      requested += 1;
      worker.postMessage("next");
    }
  };
  requestUpTo(chunksAhead * chunkRecords);

  return {
    description: `built-in generator (seed ${JSON.stringify(options.seed)}) on a worker thread`,
    take: async (count) => {
      if (closing) throw new Error("the record generator is closed");
      requestUpTo(count);
      while (failure === undefined && available() < count) await new Promise<void>((resolve) => (wake = resolve));
      if (failure !== undefined) throw failure;
      const keys: Buffer[] = [];
      const values: Buffer[] = [];
      while (keys.length < count) {
        const chunk = ready[0];
        if (chunk === undefined) break;
        const until = Math.min(chunk.keys.length, chunk.taken + count - keys.length);
        keys.push(...chunk.keys.slice(chunk.taken, until));
        values.push(...chunk.values.slice(chunk.taken, until));
        chunk.taken = until;
        if (chunk.taken === chunk.keys.length) ready.shift();
      }
      requestUpTo(chunksAhead * chunkRecords);
      const records: EncodedRecords = { keys, values };
      return records;
    },
    close: async () => {
      closing = true;
      await worker.terminate();
    },
  };
}
