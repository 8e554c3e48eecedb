// The two jest tiers. The unit tier (`npm test`) starts no program (one exception: esbuild's sync API, which bundles
// the apps, runs its binary from a worker thread, outside jest's module registry). The integration tier
// (`npm run test:integration`) holds the suites that start programs: our CLIs and apps in their own processes, the
// cdktf CLI, helm, netpol-analyzer, kube-apiserver and etcd, Chromium, git, bash. Starting a program costs a second or
// more of CPU (a Node process loading tsx and our modules, an API server) where a unit test costs milliseconds, and
// these suites were two thirds of the jest run. CI runs both tiers; support/unit-tier.ts fails a unit-tier file that
// starts a program, pointing here.
const integrationSuites = [
  "__tests__/cassandra-roles-shell.test.ts",
  "__tests__/cdktf-no-calls-home.test.ts",
  "__tests__/check-code.test.ts",
  "__tests__/constructs/grant-peers.test.ts",
  "__tests__/diff-synth-history.test.ts",
  "__tests__/kubelet-layout.test.ts",
  "__tests__/main-entry.test.ts",
  "__tests__/network-policy-analysis.test.ts",
  "__tests__/pod-hardening.test.ts",
  "__tests__/script-flags.test.ts",
  "__tests__/status.test.ts",
  "__tests__/strimzi-crds-chart.test.ts",
  "__tests__/synth-fast-path.test.ts",
  "__tests__/yaml-text-helm.test.ts",
  "apps/dashboard/test/browser.test.ts",
  "apps/dashboard/test/chromium.test.ts",
  "apps/dashboard/test/process.test.ts",
  "apps/gate/test/apiserver.test.ts",
  "apps/gate/test/process.test.ts",
  "apps/producer/test/process.test.ts",
  "apps/registry-reader/test/process.test.ts",
];

module.exports = { integrationSuites };
