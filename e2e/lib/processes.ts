import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";

/** A long-running engine process started in its own process group, so stopping it stops its children too. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<string>;
  hasExited(): boolean;
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
}

/** Polls check() until it returns true, printing "waiting for X… Ns" progress on one line. */
export async function waitFor(check: () => Promise<boolean>, options: WaitOptions): Promise<number> {
  const started = Date.now();
  const interval = options.intervalMs ?? 1000;
  const interactive = process.stdout.isTTY === true;
  let lastPrinted = -1;
  for (;;) {
    const elapsedSeconds = Math.floor((Date.now() - started) / 1000);
    if (options.process?.hasExited() === true) {
      throw new EngineError(
        `${options.process.name} exited while waiting for ${options.what}`,
        options.logFile ?? options.process.logFile,
      );
    }
    let ok = false;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    if (ok) {
      const seconds = (Date.now() - started) / 1000;
      const line = `ready: ${options.what} (${seconds.toFixed(1)}s)`;
      process.stdout.write(interactive ? `\r${line}\x1b[K\n` : `${line}\n`);
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
      process.stdout.write(`\rwaiting for ${options.what}… ${elapsedSeconds}s${extra}\x1b[K`);
    } else if (elapsedSeconds >= lastPrinted + 10) {
      lastPrinted = elapsedSeconds;
      process.stdout.write(`waiting for ${options.what}… ${elapsedSeconds}s${extra}\n`);
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

export interface CommandResult {
  readonly code: number;
  readonly output: string;
}

/** Runs a command to completion (in its own process group, so it is stopped with the run), capturing output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean } = {},
): Promise<CommandResult> {
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
    const collect = (data: Buffer): void => {
      chunks.push(data.toString());
      if (options.echo === true) process.stdout.write(data);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("error", (error) => {
      const index = running.indexOf(pseudo);
      if (index >= 0) running.splice(index, 1);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.once("close", (code) => {
      const index = running.indexOf(pseudo);
      if (index >= 0) running.splice(index, 1);
      resolvePromise({ code: code ?? 1, output: chunks.join("") });
    });
  });
}
