// Two tiers (support/test-tiers.cjs): `npm test` runs the unit tier, `npm run test:integration` the suites that start
// programs, CI both; `npx jest` runs both too. STREAMSTACK_TEST_TIER picks one (not --selectProjects: it takes every
// argument after it, so `npm test -- <path>` would lose the path).
const { integrationSuites } = require("./__tests__/support/test-tiers.cjs");

const shared = {
  testEnvironment: "node",
  // esbuild, file by file; types are checked by `npm run check` (support/esbuild-transform.cjs says why not ts-jest).
  transform: { "^.+\\.ts$": "<rootDir>/__tests__/support/esbuild-transform.cjs" },
  moduleFileExtensions: ["ts", "js", "json"],
  roots: ["<rootDir>/__tests__", "<rootDir>/apps"],
};

const projects = [
  {
    ...shared,
    displayName: "unit",
    testMatch: ["**/__tests__/**/*.test.ts", "**/apps/*/test/**/*.test.ts"],
    testPathIgnorePatterns: ["/node_modules/", "/support/", ...integrationSuites.map((path) => `<rootDir>/${path}$`)],
    setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts", "<rootDir>/__tests__/support/unit-tier.ts"],
  },
  {
    ...shared,
    displayName: "integration",
    testMatch: integrationSuites.map((path) => `<rootDir>/${path}`),
    setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts"],
  },
];

const tier = process.env.STREAMSTACK_TEST_TIER ?? "";
const tiers = projects.map((project) => project.displayName);
if (tier !== "" && !tiers.includes(tier))
  throw new Error(`STREAMSTACK_TEST_TIER expects one of ${tiers.join(", ")} (or unset for both), got "${tier}"`);

/** @type {import('jest').Config} */
module.exports = {
  projects: tier === "" ? projects : projects.filter((project) => project.displayName === tier),
  // Fills the pinned upstream schema cache once, before the workers start (no network when it is filled), and makes the
  // folder in which the test files of this run share synthesized stacks (support/synth-run-cache.ts).
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.ts",
  // A global option: jest ignores it inside a project.
  testTimeout: 60000,
  // Three workers on a 2-core machine: the integration suites spend much of their time waiting on kube-apiserver,
  // child processes and timers, and a third worker fills those waits (all suites in one run: 109-116 s with two,
  // 96-100 s with three). The unit tier measured the same with two and three (30.6-34.9 s, four runs).
  maxWorkers: 3,
};
