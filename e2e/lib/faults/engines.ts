/**
 * Fault injection on the stack's engine processes: signals to a whole process group, and a restart of the same
 * engine with the same command line, configuration and data directory (the run directory is kept).
 */
import { cassandraClient } from "../cassandra";
import { kafkaClient } from "../kafka";
import { ports } from "../settings";
import { portOpen, sleep, startProcess, stopProcess, waitFor, type ManagedProcess } from "../processes";
import type { Stack } from "../stack";

/** The engines a scenario may kill; replaced in place when one is restarted. */
export interface LiveEngines {
  zookeeper: ManagedProcess;
  broker: ManagedProcess;
  cassandra: ManagedProcess;
  registry: ManagedProcess;
  dashboard: ManagedProcess;
}

export function liveEngines(stack: Stack): LiveEngines {
  if (stack.cassandra === undefined || stack.dashboard === undefined)
    throw new Error("the fault suite needs the stack with Cassandra, the Spark job and the dashboard");
  return {
    zookeeper: stack.kafka.zookeeper,
    broker: stack.kafka.broker,
    cassandra: stack.cassandra.process,
    registry: stack.schemaRegistry.process,
    dashboard: stack.dashboard.process,
  };
}

/** Sends a signal to the process's whole group (the JVM, or spark-submit and its driver). */
export function signalEngine(managed: ManagedProcess, signal: NodeJS.Signals): void {
  const pid = managed.child.pid;
  if (pid === undefined) throw new Error(`${managed.name} has no pid`);
  process.kill(-pid, signal);
}

/** SIGSTOP for a while, then SIGCONT even when interrupted: the engine is frozen, not gone (its state survives). */
export async function pauseEngine(managed: ManagedProcess, milliseconds: number): Promise<void> {
  signalEngine(managed, "SIGSTOP");
  try {
    await sleep(milliseconds);
  } finally {
    signalEngine(managed, "SIGCONT");
  }
}

/** SIGKILL, then wait (bounded) until the process has really exited. */
export async function killEngine(managed: ManagedProcess): Promise<void> {
  signalEngine(managed, "SIGKILL");
  await Promise.race([managed.exited, sleep(15_000)]);
  if (!managed.hasExited()) throw new Error(`${managed.name} did not exit within 15 s of SIGKILL`);
  // Its entry in the process list is stale now; stopProcess on a dead group returns at once.
  await stopProcess(managed, 1_000);
}

/** Starts the engine again exactly as it was started (same arguments, environment, log file, data). */
export function restartEngine(managed: ManagedProcess): ManagedProcess {
  if (managed.startOptions === undefined) throw new Error(`${managed.name} cannot be restarted: no start options`);
  return startProcess(managed.startOptions);
}

/** Starts the engine again once and resolves with it when it serves. */
export async function restartWhenReady(
  managed: ManagedProcess,
  waitUntilReady: (started: ManagedProcess) => Promise<number>,
): Promise<ManagedProcess> {
  const started = restartEngine(managed);
  await waitUntilReady(started);
  return started;
}

/**
 * Starts a killed engine again as kubelet restarts a crashed container: if it exits while starting, it is started
 * again after a back-off (10 s, 20 s, 40 s, like CrashLoopBackOff), up to `attempts` starts. A broker SIGKILLed a few
 * seconds ago needs this: its ZooKeeper registration lives until the old session expires (18 s by default), and
 * until then a new broker with the same id exits at start with NodeExists.
 */
export async function restartLikeKubelet(
  managed: ManagedProcess,
  waitUntilReady: (started: ManagedProcess) => Promise<number>,
  log: (line: string) => void,
  attempts = 4,
): Promise<ManagedProcess> {
  let current = managed;
  for (let attempt = 1; ; attempt++) {
    current = restartEngine(current);
    try {
      await waitUntilReady(current);
      return current;
    } catch (error) {
      if (!current.hasExited() || attempt >= attempts) throw error;
      const backOffMs = 10_000 * 2 ** (attempt - 1);
      log(`${current.name} exited while starting (attempt ${attempt}); starting it again in ${backOffMs / 1000} s`);
      await stopProcess(current, 1_000);
      await sleep(backOffMs);
    }
  }
}

export async function waitForBroker(broker: ManagedProcess, bootstrapServers: string): Promise<number> {
  const admin = kafkaClient(bootstrapServers, "faults-readiness").admin();
  try {
    return await waitFor(
      async () => {
        if (!(await portOpen(ports.kafka))) return false;
        await admin.connect();
        const cluster = await admin.describeCluster();
        return cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0;
      },
      { what: "Kafka broker after restart", timeoutMs: 120_000, process: broker },
    );
  } finally {
    await admin.disconnect();
  }
}

export async function waitForCassandra(cassandra: ManagedProcess): Promise<number> {
  return waitFor(
    async () => {
      if (!(await portOpen(ports.cassandraNative))) return false;
      const client = cassandraClient();
      try {
        await client.connect();
        await client.execute("SELECT release_version FROM system.local");
        return true;
      } finally {
        await client.shutdown();
      }
    },
    { what: "Cassandra after restart", timeoutMs: 240_000, process: cassandra, intervalMs: 2000 },
  );
}

export async function waitForZooKeeper(zookeeper: ManagedProcess): Promise<number> {
  return waitFor(() => portOpen(ports.zookeeper), {
    what: "ZooKeeper after restart",
    timeoutMs: 60_000,
    process: zookeeper,
  });
}

export async function waitForRegistry(registryUrl: string): Promise<number> {
  return waitFor(async () => (await fetch(`${registryUrl}/subjects`, { signal: AbortSignal.timeout(2000) })).ok, {
    what: "Schema Registry answering again",
    timeoutMs: 60_000,
    intervalMs: 500,
  });
}
