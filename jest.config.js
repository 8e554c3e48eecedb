/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__", "<rootDir>/apps"],
  testMatch: ["**/__tests__/**/*.test.ts", "**/apps/*/test/**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: false }] },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
  // Synthesizing stacks is CPU-bound; two workers match the machines we run on.
  maxWorkers: 2,
};
