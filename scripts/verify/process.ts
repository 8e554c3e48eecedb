import { spawnSync } from "node:child_process";

/** What a finished command left behind. */
export interface CommandResult {
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface CommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Seconds after which the command is killed; it then counts as failed. */
  readonly timeoutSeconds?: number;
}

/** Runs a program (no shell) and captures its output; a program that cannot start yields code 127. */
export function runCommand(program: string, args: readonly string[], options: CommandOptions = {}): CommandResult {
  const started = process.hrtime.bigint();
  const result = spawnSync(program, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
    timeout: (options.timeoutSeconds ?? 1800) * 1000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const command = [program, ...args].join(" ");
  if (result.error) {
    return {
      command,
      code: 127,
      stdout: result.stdout ?? "",
      stderr: `${result.error.message}\n${result.stderr ?? ""}`,
      seconds,
    };
  }
  return { command, code: result.status ?? 128, stdout: result.stdout, stderr: result.stderr, seconds };
}

/** The last lines of a command's output, for an error message a user can act on. */
export function tail(result: CommandResult, lines = 25): string {
  const text = `${result.stdout}\n${result.stderr}`.trim().split("\n");
  return text.slice(-lines).join("\n");
}
