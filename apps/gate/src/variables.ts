/**
 * Every variable the gate reads (settings.ts). The construct that runs it (constructs/resources/readiness-gate.ts) is
 * typed from this list, and __tests__/app-environments.test.ts checks that readSettings reads exactly these and that
 * the synthesized Jobs set nothing else. Not imported by the gate itself: any edit to its sources changes the minified
 * bundle (esbuild names symbols by character frequency), and so every gate Job's name.
 */
export const gateVariables = [
  "GATE_TARGETS",
  "GATE_TIMEOUT_SECONDS",
  "GATE_INTERVAL_SECONDS",
  "GATE_FORBIDDEN_GRACE_SECONDS",
  "GATE_API_SERVER",
  "GATE_TOKEN_FILE",
  "GATE_CA_FILE",
] as const;
export type GateVariable = (typeof gateVariables)[number];

/** Set by kubelet in every pod; the gate builds the API server's address from them when GATE_API_SERVER is unset. */
export const kubeletVariables = ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"] as const;
