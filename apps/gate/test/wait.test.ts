import type { Fetched } from "../src/api";
import type { Target } from "../src/condition";
import { waitForTargets, type WaitOptions } from "../src/wait";

const target: Target = {
  apiPath: "/apis/postgresql.cnpg.io/v1/namespaces/ns/clusters/db",
  description: "Cluster ns/db",
  checks: [{ path: "status.conditions[type=Ready].status", equals: "True" }],
  hint: "kubectl -n ns get cluster db",
};
const ready: Fetched = { kind: "object", object: { status: { conditions: [{ type: "Ready", status: "True" }] } } };
const notReady: Fetched = { kind: "object", object: { status: { conditions: [{ type: "Ready", status: "False" }] } } };
const refused: Fetched = { kind: "forbidden", status: 403, message: "cannot get resource" };

/** A clock that advances only when the gate sleeps, so tests take no real time. */
function fakeClock() {
  let now = 0;
  return { now: () => now, sleep: async (milliseconds: number) => void (now += milliseconds) };
}

/** Waits for `target` every 5 s for up to 60 s on a fake clock, silently, unless a test says otherwise. */
function waitFor(options: Partial<WaitOptions> & Pick<WaitOptions, "get">) {
  return waitForTargets({
    targets: [target],
    timeoutSeconds: 60,
    intervalSeconds: 5,
    log: () => undefined,
    ...fakeClock(),
    ...options,
  });
}

describe("waitForTargets", () => {
  it("returns ready once the object reports ready, logging each change", async () => {
    const answers: Fetched[] = [{ kind: "absent" }, notReady, notReady, ready];
    const lines: string[] = [];
    const outcome = await waitFor({ get: async () => answers.shift() ?? ready, log: (line) => lines.push(line) });
    expect(outcome).toEqual({ ready: true });
    expect(lines).toEqual([
      "waiting up to 60 s for: Cluster ns/db",
      "not ready after 0 s: Cluster ns/db: the object does not exist (yet)",
      "not ready after 5 s: Cluster ns/db: status.conditions[type=Ready].status is 'False', expected 'True'",
      "ready after 15 s: Cluster ns/db",
    ]);
  });

  it("gives up after the time limit, naming the object, what it found and what to check", async () => {
    const outcome = await waitFor({ timeoutSeconds: 30, get: async () => notReady });
    expect(outcome).toEqual({
      ready: false,
      reason: "timeout",
      report:
        "NOT READY after 30 s (the gate's time limit):\n" +
        "  - Cluster ns/db: status.conditions[type=Ready].status is 'False', expected 'True'\n" +
        "    check: kubectl -n ns get cluster db",
    });
  });

  it("stops once a refusal outlasts the grace period, long before its time limit", async () => {
    let calls = 0;
    const outcome = await waitFor({
      timeoutSeconds: 600,
      forbiddenGraceSeconds: 30,
      get: async () => (calls++, refused),
    });
    // Asked at 0, 5, ..., 30 s: seven refusals, then the verdict.
    expect(calls).toBe(7);
    expect(outcome).toMatchObject({ ready: false, reason: "forbidden" });
  });

  it("waits through a refusal that clears within the grace period (RBAC not yet visible)", async () => {
    let calls = 0;
    const outcome = await waitFor({
      timeoutSeconds: 600,
      forbiddenGraceSeconds: 30,
      get: async () => (++calls <= 2 ? refused : ready),
    });
    expect(outcome).toEqual({ ready: true });
  });

  it("stops checking objects that are ready and waits for the rest", async () => {
    const other: Target = { ...target, apiPath: "/apis/x/v1/namespaces/ns/things/b", description: "Thing ns/b" };
    const asked: string[] = [];
    let round = 0;
    const outcome = await waitFor({
      targets: [target, other],
      get: async (path) => {
        asked.push(path);
        if (path === other.apiPath) round++;
        return path === target.apiPath || round > 2 ? ready : notReady;
      },
    });
    expect(outcome).toEqual({ ready: true });
    expect(asked.filter((path) => path === target.apiPath)).toHaveLength(1);
    expect(asked.filter((path) => path === other.apiPath)).toHaveLength(3);
  });
});
