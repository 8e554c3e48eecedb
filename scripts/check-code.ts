/**
 * `npm run check [-- --root <dir>]`: the type check (what `tsc --noEmit -p .` does), the type-aware lint
 * (`eslint . --max-warnings 0`) and the format check (`prettier --check`), as `npm test` runs them before jest.
 *
 * Why one process: type-aware lint needs the TypeScript program that the type check builds and checks. As two commands
 * the program was built and checked twice (tsc 9.9 s, then eslint 22.5 s on a 2-core machine); here eslint lints against
 * the program just checked, whose checker already holds the types its rules ask for. Prettier runs beside them in its
 * own process. Every check runs even when another fails, so one run reports everything.
 * --root checks another project laid out the same way (tsconfig.json and eslint.config.mjs at its root; the tests use it).
 * Exit 0 when all three pass, 1 when any finds a problem, 2 on bad arguments.
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";
import { readInput } from "./lib/script-input";

const prettierPatterns = ["**/*.{ts,tsx,js,mjs,cjs}"];

function prettierCheck(root: string): Promise<boolean> {
  const child = spawn(
    process.execPath,
    [
      require.resolve("prettier/bin/prettier.cjs"),
      ...["--check", "--log-level", "warn"],
      ...["--cache", "--cache-strategy", "content"],
      ...["--cache-location", join(root, "node_modules", ".cache", "prettier", ".prettier-cache")],
      ...prettierPatterns,
    ],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  return new Promise((done, failed) => {
    child.on("error", failed);
    child.on("close", (code) => done(code === 0));
  });
}

/** What `tsc --noEmit -p .` does: build the program incrementally, report every diagnostic, write the build info. */
function typeCheck(root: string): { program: ts.Program; ok: boolean } {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), { noEmit: true }, host);
  if (!parsed) throw new Error(`${join(root, "tsconfig.json")} could not be read`);
  const builder = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  const diagnostics = [
    ...builder.getConfigFileParsingDiagnostics(),
    ...builder.getOptionsDiagnostics(),
    ...builder.getGlobalDiagnostics(),
    ...builder.getSyntacticDiagnostics(),
    ...builder.getSemanticDiagnostics(),
  ];
  // With noEmit this writes only the build info, so that the next run checks only what changed, as tsc's does.
  builder.emit();
  if (diagnostics.length > 0) {
    const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
    const host = {
      getCanonicalFileName: (name: string) => name,
      getCurrentDirectory: () => root,
      getNewLine: () => "\n",
    };
    process.stdout.write(`${format(diagnostics, host)}\nFound ${diagnostics.length} type error(s).\n`);
  }
  return { program: builder.getProgram(), ok: diagnostics.length === 0 };
}

async function lint(root: string, program: ts.Program): Promise<boolean> {
  const eslint = new ESLint({
    cwd: root,
    // eslint.config.mjs asks for the project service; given a program, typescript-eslint uses that program instead.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, programs: [program] } } },
  });
  const results = await eslint.lintFiles(["."]);
  if (results.length === 0) {
    process.stdout.write(`eslint found no files to lint under ${root}\n`);
    return false;
  }
  const problems = results.reduce((sum, result) => sum + result.errorCount + result.warningCount, 0);
  if (problems > 0) process.stdout.write(await (await eslint.loadFormatter("stylish")).format(results));
  return problems === 0;
}

async function main(): Promise<number> {
  const given = readInput({ values: ["root"], usage: "usage: npm run check [-- --root <dir>]" }, (input) =>
    input.text({ flag: "root" }, undefined, "a project directory"),
  );
  const root = resolve(given ?? join(__dirname, ".."));
  const formatted = prettierCheck(root);
  const types = typeCheck(root);
  const outcomes = { types: types.ok, lint: await lint(root, types.program), format: await formatted };
  const failed = Object.entries(outcomes).filter(([, ok]) => !ok);
  if (failed.length > 0) process.stdout.write(`check failed: ${failed.map(([name]) => name).join(", ")}\n`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
