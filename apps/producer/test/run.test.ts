import { CompressionTypes } from "kafkajs";
import { encodedBatches } from "../src/batches";
import { toKafkaMessage } from "../src/encoding";
import { HealthState } from "../src/health";
import { startHealthServer } from "../src/health-server";
import { runProducer, type RunSettings } from "../src/run";
import { createGeneratorSource } from "../src/source";
import { FakeProducer } from "./fake-producer";
import { probe } from "./http-probe";

const settings = (overrides: Partial<RunSettings> = {}): RunSettings => ({
  plan: { total: 250, ratePerSecond: undefined, description: "250 records" },
  topic: "users_created",
  bootstrapServers: ["kafka:9092"],
  batchSize: 100,
  compression: CompressionTypes.GZIP,
  lingerMs: 10,
  progressIntervalMs: 60_000,
  disconnectTimeoutMs: 1000,
  ...overrides,
});

const idAsValue = (record: { id: string }): Buffer => Buffer.from(record.id);

function dependencies(producer: FakeProducer, logged: string[] = []) {
  return {
    registerSchema: async () => 7,
    openBatches: () => encodedBatches(createGeneratorSource("run-test"), idAsValue),
    createProducer: () => producer,
    toMessage: toKafkaMessage,
    log: (line: string) => logged.push(line),
  };
}

describe("runProducer", () => {
  it("--count sends exactly N in batches, keyed by id, acks=all, compressed, then disconnects", async () => {
    const producer = new FakeProducer();
    const summary = await runProducer(settings(), dependencies(producer), new AbortController().signal);
    expect(summary).toMatchObject({ sent: 250, topic: "users_created", schemaId: 7, stoppedBySignal: false });
    expect(producer.events).toEqual(["connect", "send 100", "send 100", "send 50", "disconnect"]);
    const messages = producer.batches.flatMap((batch) => batch.messages);
    expect(new Set(messages.map((message) => message.key)).size).toBe(250);
    expect(messages.every((message) => message.key === (message.value as Buffer).toString())).toBe(true);
    expect(
      producer.batches.every(
        (batch) => batch.acks === -1 && batch.compression === CompressionTypes.GZIP && batch.topic === "users_created",
      ),
    ).toBe(true);
  });

  it("paces with a rate", async () => {
    const producer = new FakeProducer();
    const started = Date.now();
    const summary = await runProducer(
      settings({ plan: { total: 20, ratePerSecond: 100, description: "" } }),
      dependencies(producer),
      new AbortController().signal,
    );
    expect(summary.sent).toBe(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(producer.batches.length).toBeGreaterThan(2);
  });

  it("on shutdown finishes the batch in flight, sends nothing more, and disconnects", async () => {
    const producer = new FakeProducer();
    const controller = new AbortController();
    producer.onSend = async () => {
      if (producer.events.filter((event) => event.startsWith("send")).length === 2) {
        controller.abort();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const summary = await runProducer(
      settings({ plan: { total: undefined, ratePerSecond: undefined, description: "" } }),
      dependencies(producer),
      controller.signal,
    );
    expect(summary).toMatchObject({ sent: 200, stoppedBySignal: true });
    expect(producer.events).toEqual(["connect", "send 100", "send 100", "disconnect"]);
  });

  it("prepares the next batch while one is in flight, and never has two batches in flight", async () => {
    const producer = new FakeProducer();
    let inFlight = 0;
    let mostInFlight = 0;
    let takenWhileSending = 0;
    const batches = encodedBatches(createGeneratorSource("pipeline"), idAsValue);
    producer.onSend = async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    };
    const deps = {
      ...dependencies(producer),
      openBatches: () => ({
        ...batches,
        take: (count: number) => {
          if (inFlight > 0) takenWhileSending += 1;
          return batches.take(count);
        },
      }),
    };
    const summary = await runProducer(settings(), deps, new AbortController().signal);
    expect(summary.sent).toBe(250);
    expect(mostInFlight).toBe(1);
    expect(takenWhileSending).toBe(2);
    expect(producer.events).toEqual(["connect", "send 100", "send 100", "send 50", "disconnect"]);
  });

  it("on shutdown while waiting for the registry, never connects", async () => {
    const producer = new FakeProducer();
    const controller = new AbortController();
    const deps = {
      ...dependencies(producer),
      registerSchema: () => new Promise<number>(() => undefined),
    };
    setTimeout(() => controller.abort(), 10);
    const summary = await runProducer(settings(), deps, controller.signal);
    expect(summary).toMatchObject({ sent: 0, schemaId: undefined, stoppedBySignal: true });
    expect(producer.events).toEqual([]);
  });

  it("names KAFKA_BOOTSTRAP_SERVERS when the connection fails", async () => {
    const producer = new FakeProducer();
    producer.connectError = new Error("Connection error: connect ECONNREFUSED");
    await expect(runProducer(settings(), dependencies(producer), new AbortController().signal)).rejects.toThrow(
      "could not connect to Kafka at KAFKA_BOOTSTRAP_SERVERS=kafka:9092: Connection error: connect ECONNREFUSED",
    );
    expect(producer.events).toEqual(["connect", "disconnect"]);
  });

  it("reports a failed send with the topic and progress so far", async () => {
    const producer = new FakeProducer();
    producer.onSend = () => {
      if (producer.batches.length === 1) producer.sendError = new Error("The producer is fenced");
    };
    await expect(runProducer(settings(), dependencies(producer), new AbortController().signal)).rejects.toThrow(
      "failed to send 100 records to topic users_created (100 sent before): The producer is fenced",
    );
    expect(producer.events.at(-1)).toBe("disconnect");
  });

  it("logs progress on long runs", async () => {
    const producer = new FakeProducer();
    const logged: string[] = [];
    let clock = 0;
    const deps = { ...dependencies(producer, logged), now: () => (clock += 400) };
    await runProducer(settings({ progressIntervalMs: 1000 }), deps, new AbortController().signal);
    expect(logged.some((line) => /^progress: sent \d+\/250 \(\d+\.\d%\) records, rate/.test(line))).toBe(true);
  });
});

describe("runProducer reporting to the health state", () => {
  const limitMs = 1_000;

  it("turns /healthz to 503 when acknowledgements stop, and back to 200 once the run ends", async () => {
    const clock = { now: 0 };
    const health = new HealthState(limitMs, () => clock.now);
    const server = await startHealthServer(0, () => health.verdict(), "127.0.0.1");
    const producer = new FakeProducer();
    const controller = new AbortController();
    let releaseStuckSend = (): void => undefined;
    const stuckSendStarted = new Promise<void>((started) => {
      producer.onSend = () => {
        // The third send never completes until released; the others complete at once.
        if (producer.batches.length !== 2) return;
        started();
        return new Promise<void>((release) => (releaseStuckSend = release));
      };
    });
    try {
      const run = runProducer(
        settings({ plan: { total: undefined, ratePerSecond: undefined, description: "" } }),
        { ...dependencies(producer), health },
        controller.signal,
      );
      await stuckSendStarted;
      expect(await probe(server.port, "/healthz")).toMatchObject({ status: 200, body: "ok\n" });
      clock.now += limitMs + 1;
      expect(await probe(server.port, "/healthz")).toMatchObject({
        status: 503,
        body: "no acknowledgement from Kafka for 1.0 s with a batch in flight (limit 1.0 s)\n",
      });
      controller.abort();
      releaseStuckSend();
      expect(await run).toMatchObject({ stoppedBySignal: true });
      clock.now += 10 * limitMs;
      expect((await probe(server.port, "/healthz")).status).toBe(200);
    } finally {
      controller.abort();
      releaseStuckSend();
      await server.close();
    }
  });

  it("stays healthy while a slow rate leaves nothing due for far longer than the limit", async () => {
    const clock = { now: 0 };
    const health = new HealthState(limitMs, () => clock.now);
    const producer = new FakeProducer();
    const controller = new AbortController();
    const verdictsWhileIdle: unknown[] = [];
    const sleep = async (milliseconds: number): Promise<void> => {
      // Lets the batch in flight be acknowledged first, as the real wait would.
      await new Promise((resolve) => setImmediate(resolve));
      clock.now += milliseconds;
      verdictsWhileIdle.push(health.verdict());
      if (verdictsWhileIdle.length === 3) controller.abort();
    };
    const summary = await runProducer(
      // One record every 100 s, the limit is 1 s.
      settings({ plan: { total: undefined, ratePerSecond: 0.01, description: "" } }),
      { ...dependencies(producer), health, now: () => clock.now, sleep },
      controller.signal,
    );
    expect(summary.sent).toBe(3);
    expect(clock.now).toBeGreaterThan(200 * limitMs);
    expect(verdictsWhileIdle).toEqual([{ healthy: true }, { healthy: true }, { healthy: true }]);
  });
});
