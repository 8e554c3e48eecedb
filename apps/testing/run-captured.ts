import { spawn, type SpawnOptions } from "node:child_process";

/** How a process the app tests started came to its end, with everything it printed. */
export interface Captured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/**
 * Runs `command` to its end, collecting stdout and stderr (the app tests' way to run a real bundle or entry point).
 * With `killAfterMs`, a process still running then is killed (code null), e.g. an app that got past its configuration.
 */
export function runCaptured(
  command: string,
  args: readonly string[],
  options: Pick<SpawnOptions, "cwd" | "env"> & { readonly killAfterMs?: number },
): Promise<Captured> {
  const started = Date.now();
  const { killAfterMs, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] });
    const stop = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(stop);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}
