/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__", "<rootDir>/apps"],
  testMatch: ["**/__tests__/**/*.test.ts", "**/apps/*/test/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/support/"],
  // esbuild, file by file; types are checked by tsc (support/esbuild-transform.cjs says why not ts-jest).
  transform: { "^.+\\.ts$": "<rootDir>/__tests__/support/esbuild-transform.cjs" },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts"],
  // Fills the pinned upstream schema cache once, before the workers start (no network when it is filled), and makes the
  // folder in which the test files of this run share synthesized stacks (support/synth-run-cache.ts).
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  testTimeout: 60000,
  // Three workers on a 2-core machine: several suites spend most of their time waiting on kube-apiserver, child
  // processes and timers, and a third worker fills those waits (jest 109-116 s with two, 96-100 s with three).
  maxWorkers: 3,
};
