/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__", "<rootDir>/apps"],
  testMatch: ["**/__tests__/**/*.test.ts", "**/apps/*/test/**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/support/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts"],
  // Fills the pinned upstream schema cache once, before the workers start (no network when it is filled).
  globalSetup: "<rootDir>/__tests__/support/upstream-global-setup.ts",
  testTimeout: 60000,
  // Synthesizing stacks is CPU-bound; two workers match the machines we run on.
  maxWorkers: 2,
};
