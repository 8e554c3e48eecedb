/** The six faults: each injects its fault, heals it, and says when the pipeline's cause was removed. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sleep, stopProcess, type ManagedProcess } from "../processes";
import type { Stack } from "../stack";
import {
  killEngine,
  pauseEngine,
  restartLikeKubelet,
  restartWhenReady,
  signalEngine,
  waitForBroker,
  waitForCassandra,
  waitForRegistry,
  waitForZooKeeper,
  type LiveEngines,
} from "./engines";
import type { FaultName } from "./options";
import type { SparkSupervisor } from "./supervisor";

export interface FaultContext {
  readonly stack: Stack;
  readonly engines: LiveEngines;
  readonly spark: SparkSupervisor;
  readonly producer: ManagedProcess;
  readonly checkpointLocation: string;
}

/** A fault; each of its effects is off unless set. */
export interface Fault {
  readonly name: FaultName;
  readonly title: string;
  /** The dashboard must report `degraded` at least once during the fault (its store is unreachable). */
  readonly expectDegraded?: boolean;
  /** The producer is the one stopped (SIGTERM): it must exit 0 early with an exact count. */
  readonly stopsProducer?: boolean;
  /** The job must keep committing batches while the fault lasts (it does not depend on the failed part). */
  readonly jobUnaffected?: boolean;
  /** Injects the fault, heals it, and resolves with the moment it was healed. */
  inject(context: FaultContext): Promise<number>;
}

function log(line: string): void {
  process.stdout.write(`  fault: ${line}\n`);
}

function batchIds(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Waits (bounded) until a micro-batch is planned but not committed, i.e. the job is mid-batch. */
async function waitForBatchInFlight(checkpointLocation: string): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const planned = Math.max(-1, ...batchIds(join(checkpointLocation, "offsets")));
    const committed = Math.max(-1, ...batchIds(join(checkpointLocation, "commits")));
    if (planned > committed) return true;
    await sleep(50);
  }
  return false;
}

export const faults: Record<FaultName, Fault> = {
  "producer-sigterm": {
    name: "producer-sigterm",
    title: "(5) producer stopped with SIGTERM mid-run",
    stopsProducer: true,
    jobUnaffected: true,
    inject: ({ producer }) => {
      log("SIGTERM to the producer");
      producer.child.kill("SIGTERM");
      return Promise.resolve(Date.now());
    },
  },
  "spark-kill": {
    name: "spark-kill",
    title: "(2) Spark job SIGKILLed mid-batch, restarted from its checkpoint",
    inject: async ({ spark, checkpointLocation }) => {
      const inFlight = await waitForBatchInFlight(checkpointLocation);
      log(
        `SIGKILL to the Spark job (${inFlight ? "a micro-batch planned and not committed" : "no batch seen in flight within 20 s"})`,
      );
      signalEngine(spark.process, "SIGKILL");
      return Date.now();
    },
  },
  "kafka-broker-kill": {
    name: "kafka-broker-kill",
    title: "(1) Kafka broker SIGKILLed, restarted 10 s later",
    inject: async ({ stack, engines }) => {
      log("SIGKILL to the broker");
      await killEngine(engines.broker);
      await sleep(10_000);
      engines.broker = await restartLikeKubelet(
        engines.broker,
        (broker) => waitForBroker(broker, stack.kafka.bootstrapServers),
        log,
      );
      return Date.now();
    },
  },
  "cassandra-stop-kill": {
    name: "cassandra-stop-kill",
    title: "(3) Cassandra SIGSTOP 20 s / SIGCONT, then SIGKILL and restart",
    expectDegraded: true,
    inject: async ({ engines }) => {
      log("SIGSTOP to Cassandra for 20 s");
      await pauseEngine(engines.cassandra, 20_000);
      log("SIGCONT; SIGKILL 5 s later, then restart on the same data");
      await sleep(5_000);
      await killEngine(engines.cassandra);
      engines.cassandra = await restartWhenReady(engines.cassandra, waitForCassandra);
      return Date.now();
    },
  },
  "zookeeper-restart": {
    name: "zookeeper-restart",
    title: "(6) ZooKeeper restarted with the broker running",
    jobUnaffected: true,
    inject: async ({ engines }) => {
      log("stopping ZooKeeper (SIGTERM), starting it again 5 s later");
      await stopProcess(engines.zookeeper);
      await sleep(5_000);
      engines.zookeeper = await restartWhenReady(engines.zookeeper, waitForZooKeeper);
      return Date.now();
    },
  },
  "registry-down": {
    name: "registry-down",
    title: "(4) Schema Registry unavailable for 20 s (SIGSTOP/SIGCONT)",
    jobUnaffected: true,
    // SIGSTOP, not a kill: this registry keeps schemas in memory (H2), so a restart would forget every id;
    // the cluster's registry stores them durably, so "unavailable" is what a real outage looks like.
    inject: async ({ stack, engines }) => {
      log("SIGSTOP to the Schema Registry for 20 s");
      await pauseEngine(engines.registry, 20_000);
      await waitForRegistry(stack.schemaRegistry.url);
      return Date.now();
    },
  },
};
