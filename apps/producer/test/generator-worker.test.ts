import { join } from "node:path";
import { createUserEncoder } from "../src/encoding";
import { generateUser } from "../src/generator";
import { generatorWorkerBatches, type WorkerEntry } from "../src/generator-worker";

// The worker runs the TypeScript source through tsx here; in the bundle it runs the bundle itself (process.test.ts).
const entry: WorkerEntry = {
  file: join(__dirname, "..", "src", "generator-worker.ts"),
  execArgv: ["--require", "tsx/cjs"],
};

jest.setTimeout(30_000);

describe("generatorWorkerBatches", () => {
  it("gives the generator's records in order, keyed by id and framed as the in-thread encoder frames them", async () => {
    const batches = generatorWorkerBatches({ seed: "worker", schemaId: 77, chunkRecords: 100, startIndex: 5, entry });
    const encode = createUserEncoder(77);
    try {
      let index = 5;
      // Takes smaller than, equal to and larger than a chunk, so records are split across and joined from chunks.
      for (const count of [1, 37, 100, 250, 62, 1]) {
        const { keys, values } = await batches.take(count);
        expect(keys).toHaveLength(count);
        expect(values).toHaveLength(count);
        keys.forEach((key, offset) => {
          const user = generateUser("worker", index + offset);
          expect(key.toString()).toBe(user.id);
          expect(values[offset]?.equals(encode(user))).toBe(true);
        });
        index += count;
      }
    } finally {
      await batches.close();
    }
  });

  it("refuses to take once closed", async () => {
    const batches = generatorWorkerBatches({ seed: "worker", schemaId: 1, chunkRecords: 10, entry });
    await batches.take(3);
    await batches.close();
    await expect(batches.take(1)).rejects.toThrow("the record generator is closed");
  });

  it("fails a take, naming the thread, when the worker cannot run", async () => {
    const batches = generatorWorkerBatches({
      seed: "worker",
      schemaId: 1,
      chunkRecords: 10,
      entry: { file: join(__dirname, "no-such-worker.js") },
    });
    try {
      await expect(batches.take(1)).rejects.toThrow(/the record generator thread failed: .*no-such-worker\.js/);
    } finally {
      await batches.close();
    }
  });
});
