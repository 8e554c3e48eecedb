/**
 * The one process runner: long-running engines in their own process groups (stopped together on exit or Ctrl-C),
 * commands run to completion with their output captured, and polling waits with progress lines.
 * Used by e2e/, scripts/verify/, the measurements and the status view's tests.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";

/** A long-running engine process started in its own process group, so stopping it stops its children too. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<string>;
  hasExited(): boolean;
  /** How it was started, so a fault test can start the same engine again on the same data (startProcess only). */
  readonly startOptions?: StartOptions;
}

const running: ManagedProcess[] = [];
/** Set once a stop of everything has begun, so a start racing with it cannot leave a process behind. */
let stoppingEverything = false;

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts a detached process (its own process group) with stdout and stderr appended to logFile. */
export function startProcess(options: StartOptions): ManagedProcess {
  if (stoppingEverything) throw new Error(`not starting ${options.name}: the run is being stopped`);
  const logFd = openSync(options.logFile, "a");
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", logFd, logFd],
  });
  closeSync(logFd);
  let exitedFlag = false;
  const exited = new Promise<string>((resolvePromise) => {
    child.once("exit", (code, signal) => {
      exitedFlag = true;
      resolvePromise(signal ?? String(code));
    });
    child.once("error", (error) => {
      exitedFlag = true;
      resolvePromise(`spawn error: ${error.message}`);
    });
  });
  const managed: ManagedProcess = {
    name: options.name,
    child,
    logFile: options.logFile,
    exited,
    hasExited: () => exitedFlag,
    startOptions: options,
  };
  running.push(managed);
  return managed;
}

function signalGroup(managed: ManagedProcess, signal: NodeJS.Signals): void {
  const pid = managed.child.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops one process group: SIGTERM, then SIGKILL after graceMs if anything in the group is still alive. */
export async function stopProcess(managed: ManagedProcess, graceMs = 15_000): Promise<void> {
  const pid = managed.child.pid;
  const index = running.indexOf(managed);
  if (index >= 0) running.splice(index, 1);
  if (pid === undefined) return;
  signalGroup(managed, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(200);
  if (groupAlive(pid)) {
    signalGroup(managed, "SIGKILL");
    while (groupAlive(pid) && Date.now() < deadline + 5_000) await sleep(100);
  }
}

/** Stops every process started by this module, newest first (consumers before the engines they use). */
export async function stopAll(): Promise<void> {
  stoppingEverything = true;
  while (running.length > 0) {
    const managed = running[running.length - 1];
    process.stdout.write(`stopping ${managed.name}…\n`);
    await stopProcess(managed);
  }
}

/** Synchronous last resort for process exit paths where awaiting is impossible. */
function killAllNow(): void {
  for (const managed of running) signalGroup(managed, "SIGKILL");
}

let handlersInstalled = false;

/** Makes SIGINT/SIGTERM and uncaught errors stop every started process before the script exits. */
export function installCleanupHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  let stopping = false;
  // Listeners stay installed: a terminal's Ctrl-C reaches this process several times (directly, and relayed by
  // npx and tsx), and a signal without a listener would kill it before the engines are stopped.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`received ${signal} again; still stopping the engines…\n`);
      return;
    }
    stopping = true;
    process.stderr.write(`\nreceived ${signal}, stopping everything…\n`);
    void stopAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.once("exit", killAllNow);
}

/** The last lines of a log file, for showing why an engine broke. */
export function logTail(file: string, lines = 60): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const content = readFileSync(file, "utf8").split("\n");
  return content.slice(-lines - 1).join("\n");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

/** Raised when an engine does not become ready; carries the engine's log so the caller can show it. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly logFile: string | undefined,
  ) {
    super(message);
  }
}

export interface WaitOptions {
  /** What is awaited, shown in progress lines ("Cassandra native port"). */
  readonly what: string;
  readonly timeoutMs: number;
  /** If this process exits while waiting, stop waiting and fail with its log. */
  readonly process?: ManagedProcess;
  readonly intervalMs?: number;
  /** Logged on failure instead of the process's own log. */
  readonly logFile?: string;
  /** Extra progress shown after the elapsed time ("312/500 rows"). */
  readonly progress?: () => string;
  /** No progress or ready lines (for many short waits whose caller reports the outcome). */
  readonly quiet?: boolean;
}

/** Polls check() until it returns true, printing "waiting for X… Ns" progress on one line. */
export async function waitFor(check: () => Promise<boolean>, options: WaitOptions): Promise<number> {
  const started = Date.now();
  const interval = options.intervalMs ?? 1000;
  const interactive = process.stdout.isTTY === true && options.quiet !== true;
  const write = (text: string): void => {
    if (options.quiet !== true) process.stdout.write(text);
  };
  let lastPrinted = -1;
  for (;;) {
    const elapsedSeconds = Math.floor((Date.now() - started) / 1000);
    if (options.process?.hasExited() === true) {
      throw new EngineError(
        `${options.process.name} exited while waiting for ${options.what}`,
        options.logFile ?? options.process.logFile,
      );
    }
    let ok: boolean;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    if (ok) {
      const seconds = (Date.now() - started) / 1000;
      const line = `ready: ${options.what} (${seconds.toFixed(1)}s)`;
      write(interactive ? `\r${line}\x1b[K\n` : `${line}\n`);
      return seconds;
    }
    if (Date.now() - started > options.timeoutMs) {
      throw new EngineError(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for ${options.what}`,
        options.logFile ?? options.process?.logFile,
      );
    }
    const extra = options.progress !== undefined ? ` (${options.progress()})` : "";
    if (interactive) {
      write(`\rwaiting for ${options.what}… ${elapsedSeconds}s${extra}\x1b[K`);
    } else if (elapsedSeconds >= lastPrinted + 10) {
      lastPrinted = elapsedSeconds;
      write(`waiting for ${options.what}… ${elapsedSeconds}s${extra}\n`);
    }
    await sleep(interval);
  }
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = createConnection({ port, host });
    const done = (result: boolean): void => {
      socket.destroy();
      resolvePromise(result);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Fails early with a clear message when a port the run needs is taken by someone else. */
export async function assertPortsFree(portsToCheck: Record<string, number>): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(portsToCheck)) {
    if (await portOpen(port)) taken.push(`${name} (${port})`);
  }
  if (taken.length > 0) {
    throw new Error(
      `ports already in use on 127.0.0.1: ${taken.join(", ")}. Stop whatever listens there or override with E2E_*_PORT variables.`,
    );
  }
}

/** What a finished command left behind. */
export interface CommandResult {
  readonly command: string;
  /** Exit code; 127 when the program could not start, 128 when it was killed by a signal or timed out. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr as they arrived, interleaved. */
  readonly output: string;
  readonly seconds: number;
}

export interface CommandOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Also copy the output to this process's stdout as it arrives. */
  readonly echo?: boolean;
}

/** Runs a command to completion (in its own process group, so it is stopped with the run), capturing output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const started = process.hrtime.bigint();
  const line = [command, ...args].join(" ");
  return new Promise((resolvePromise, reject) => {
    if (stoppingEverything) {
      reject(new Error(`not running ${command}: the run is being stopped`));
      return;
    }
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pseudo: ManagedProcess = {
      name: `${command} ${args.slice(0, 2).join(" ")}`,
      child,
      logFile: "",
      exited: Promise.resolve(""),
      hasExited: () => child.exitCode !== null,
    };
    running.push(pseudo);
    const chunks: string[] = [];
    const streams = { stdout: [] as string[], stderr: [] as string[] };
    const collect =
      (stream: "stdout" | "stderr") =>
      (data: Buffer): void => {
        chunks.push(data.toString());
        streams[stream].push(data.toString());
        if (options.echo === true) process.stdout.write(data);
      };
    child.stdout?.on("data", collect("stdout"));
    child.stderr?.on("data", collect("stderr"));
    child.once("error", (error) => {
      const index = running.indexOf(pseudo);
      if (index >= 0) running.splice(index, 1);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.once("close", (code) => {
      const index = running.indexOf(pseudo);
      if (index >= 0) running.splice(index, 1);
      resolvePromise({
        command: line,
        code: code ?? 128,
        stdout: streams.stdout.join(""),
        stderr: streams.stderr.join(""),
        output: chunks.join(""),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
  });
}

/**
 * runCommand for synchronous callers (the verify pipeline's steps): no process group, and a program that cannot
 * start yields code 127 instead of an error.
 */
export function runCommandSync(
  program: string,
  args: readonly string[],
  options: Omit<CommandOptions, "echo"> & { readonly timeoutSeconds?: number } = {},
): CommandResult {
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
  const stdout = result.stdout ?? "";
  const stderr = result.error ? `${result.error.message}\n${result.stderr ?? ""}` : result.stderr;
  const code = result.error ? 127 : (result.status ?? 128);
  return { command: [program, ...args].join(" "), code, stdout, stderr, output: `${stdout}\n${stderr}`, seconds };
}

/** The last lines of a command's output, for an error message a user can act on. */
export function tail(result: CommandResult, lines = 25): string {
  return result.output.trim().split("\n").slice(-lines).join("\n");
}

/** A TCP port on loopback that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}
