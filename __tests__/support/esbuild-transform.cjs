// Jest transform: TypeScript to CommonJS with esbuild, one file at a time (tsconfig sets isolatedModules, so nothing
// is lost). Type checking is done before jest (`npm test` runs `npm run check` first); ts-jest with diagnostics off built
// a TypeScript language service per worker for no checking at all, the largest fixed cost of a test run.
// No test file uses jest.mock (which needs hoisting above imports, a Babel/ts-jest feature); the setup files
// (setup-jest.ts, unit-tier.ts) may, as they run before the test file's imports.
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { transformSync, version } = require("esbuild");

const target = `node${process.versions.node.split(".")[0]}`;
const self = readFileSync(__filename);

module.exports = {
  getCacheKey(sourceText, sourcePath) {
    return createHash("sha256")
      .update(self)
      .update(version)
      .update(target)
      .update(sourcePath)
      .update(sourceText)
      .digest("hex");
  },
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      loader: sourcePath.endsWith(".ts") ? "ts" : "js",
      format: "cjs",
      target,
      sourcefile: sourcePath,
      sourcemap: "external",
      sourcesContent: false,
    });
    return { code, map };
  },
};
