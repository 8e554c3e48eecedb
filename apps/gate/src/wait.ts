import { unmetChecks, type Target } from "./condition";
import type { Fetched, Getter } from "./api";

export interface WaitOptions {
  readonly targets: readonly Target[];
  readonly timeoutSeconds: number;
  readonly intervalSeconds: number;
  /** Refusals are retried this long before they are final (RBAC applied with the gate may not be visible yet). @default 30 */
  readonly forbiddenGraceSeconds?: number;
  readonly get: Getter;
  readonly now?: () => number;
  readonly sleep?: (milliseconds: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export type WaitOutcome =
  | { readonly ready: true }
  /** `forbidden` stops after a short grace period: waiting cannot fix missing RBAC. */
  | { readonly ready: false; readonly reason: "timeout" | "forbidden"; readonly report: string };

/** Why a target is not ready, from one GET; undefined when it is ready. */
function stateOf(fetched: Fetched, target: Target): string | undefined {
  switch (fetched.kind) {
    case "object": {
      const unmet = unmetChecks(fetched.object, target.checks);
      return unmet.length === 0 ? undefined : unmet.join("; ");
    }
    case "absent":
      return "the object does not exist (yet)";
    case "forbidden":
      return `the API server refused the gate (HTTP ${fetched.status}): ${fetched.message}`;
    case "error":
      return `cannot reach the API server: ${fetched.message}`;
  }
}

/** Polls every target until all are ready or the time limit passes; logs each change of a target's state. */
export async function waitForTargets(options: WaitOptions): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((milliseconds: number) => new Promise<void>((done) => setTimeout(done, milliseconds)));
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const started = now();
  const deadline = started + options.timeoutSeconds * 1000;
  const pending = new Map(options.targets.map((target) => [target.apiPath, target]));
  const lastState = new Map<string, string>();
  log(
    `waiting up to ${options.timeoutSeconds} s for: ${options.targets.map((target) => target.description).join(", ")}`,
  );
  for (;;) {
    for (const target of [...pending.values()]) {
      const fetched = await options.get(target.apiPath);
      const state = stateOf(fetched, target);
      const elapsed = Math.round((now() - started) / 1000);
      if (state === undefined) {
        pending.delete(target.apiPath);
        log(`ready after ${elapsed} s: ${target.description}`);
        continue;
      }
      if (lastState.get(target.apiPath) !== state) log(`not ready after ${elapsed} s: ${target.description}: ${state}`);
      lastState.set(target.apiPath, state);
      // RBAC created in the same Helm batch may not have reached the authorizer yet: refusals count as final only
      // once they outlast a short grace period.
      if (fetched.kind === "forbidden" && now() - started >= (options.forbiddenGraceSeconds ?? 30) * 1000) {
        return {
          ready: false,
          reason: "forbidden",
          report: `gate cannot read ${target.description}: ${state}. The gate's Role must allow 'get' on it; this is a bug in the stack, not in the cluster.`,
        };
      }
    }
    if (pending.size === 0) return { ready: true };
    if (now() >= deadline) {
      const lines = [...pending.values()].map(
        (target) =>
          `  - ${target.description}: ${lastState.get(target.apiPath) ?? "never checked"}\n    check: ${target.hint}`,
      );
      return {
        ready: false,
        reason: "timeout",
        report: `NOT READY after ${options.timeoutSeconds} s (the gate's time limit):\n${lines.join("\n")}`,
      };
    }
    await sleep(Math.min(options.intervalSeconds * 1000, Math.max(0, deadline - now())));
  }
}
