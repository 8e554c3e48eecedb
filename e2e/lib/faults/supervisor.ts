/**
 * Restarts the Spark job whenever it exits, as the Spark operator does for the stack's SparkApplication
 * (constructs/resources/spark-application.ts: restartPolicy Always). The checkpoint directory is the same, so a
 * restarted job resumes from the last committed micro-batch.
 */
import { sleep, stopProcess, type ManagedProcess } from "../processes";
import { restartEngine } from "./engines";

export class SparkSupervisor {
  private stopped = false;
  private readonly loop: Promise<void>;
  /** Every exit seen, with its code or signal, for the report. */
  readonly exits: string[] = [];

  constructor(
    private current: ManagedProcess,
    /** Delay before a restart, like the operator's onFailureRetryInterval (kept short here). */
    private readonly restartDelayMs = 2_000,
  ) {
    this.loop = this.watch();
  }

  get process(): ManagedProcess {
    return this.current;
  }

  get restarts(): number {
    return this.exits.length;
  }

  private async watch(): Promise<void> {
    while (!this.stopped) {
      const exit = await Promise.race([this.current.exited, sleep(1000).then(() => undefined)]);
      if (exit === undefined || this.stopped) continue;
      this.exits.push(exit);
      process.stdout.write(`spark job exited (${exit}); restarting it from its checkpoint\n`);
      await stopProcess(this.current, 1_000);
      await sleep(this.restartDelayMs);
      if (this.stopped) return;
      try {
        this.current = restartEngine(this.current);
      } catch (error) {
        // The run is being stopped (processes.ts refuses new starts then).
        process.stdout.write(`spark job not restarted: ${error instanceof Error ? error.message : String(error)}\n`);
        return;
      }
    }
  }

  /** Stops watching and stops the job (SIGTERM: it stops its query between batches). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await stopProcess(this.current, 30_000);
  }
}
