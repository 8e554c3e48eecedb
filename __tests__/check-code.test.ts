import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { npmScriptCommand } from "./support/npm-script";

// `npm run check` (scripts/check-code.ts) runs tsc, oxlint and oxfmt side by side before jest in `npm test`. Run
// as package.json spells it, on a small project that uses this repository's lint rules, it must find what each of the
// three finds, and pass a clean project.

const repoRoot = join(__dirname, "..");

jest.setTimeout(120_000);

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "check-code-"));
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "commonjs",
      lib: ["ES2022"],
      types: [],
      strict: true,
      noUnusedLocals: true,
      skipLibCheck: true,
      incremental: true,
      tsBuildInfoFile: ".tsbuildinfo",
    },
    include: ["*.ts"],
  };
  writeFileSync(join(root, "tsconfig.json"), `${JSON.stringify(tsconfig, null, 2)}\n`);
  for (const config of [".oxlintrc.json", ".oxfmtrc.json"]) {
    writeFileSync(join(root, config), readFileSync(join(repoRoot, config)));
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

/** `npm run check -- --root <root>` without npm in between. */
function check(root: string): { status: number | null; output: string } {
  const { command, args } = npmScriptCommand("check", ["--root", root]);
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 110_000,
  });
  if (result.error) throw result.error;
  // oxlint and tsc colour their output when the environment forces colour (jest's workers may): compare the text.
  return { status: result.status, output: stripVTControlCharacters(`${result.stdout}${result.stderr}`) };
}

const clean =
  "export async function answer(): Promise<number> {\n  return Promise.resolve(42);\n}\n\nexport async function caller(): Promise<void> {\n  await answer();\n}\n";

it("finds a type error, a type-aware lint finding and a formatting problem in one run", () => {
  const root = project({
    "typed.ts": 'export const count: number = "many";\n',
    "promises.ts":
      "export async function answer(): Promise<number> {\n  return Promise.resolve(42);\n}\n\nexport function caller(): void {\n  answer();\n}\n",
    "spacing.ts": "export const  spaced = 1;\n",
  });
  try {
    const run = check(root);
    expect(run.status).toBe(1);
    expect(run.output).toMatch(/typed\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
    // Needs the type checker: without type information the rule cannot know answer() returns a promise. oxlint
    // names the place on the line after the message (`,-[promises.ts:6:3]`, or with box drawing when coloured).
    expect(run.output).toMatch(
      /typescript\(no-floating-promises\): Promises must be awaited[^\n]*\n[^\n]*\[promises\.ts:6:3\]/,
    );
    expect(run.output).toMatch(/^spacing\.ts \(\d+ms\)\s*^Format issues found in above 1 files/m);
    expect(run.output).toContain("check failed: types, lint, format");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

it("fails the lint, naming the file, when the project has no .oxlintrc.json, and still runs the other checks", () => {
  const root = project({ "clean.ts": clean, "spacing.ts": "export const  spaced = 1;\n" });
  rmSync(join(root, ".oxlintrc.json"));
  try {
    const run = check(root);
    expect(run.status).toBe(1);
    expect(run.output).toContain(`${join(root, ".oxlintrc.json")} is missing: the check reads its settings there`);
    expect(run.output).toContain("check failed: lint, format");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

it("passes a clean project, saying nothing", () => {
  const root = project({ "clean.ts": clean });
  try {
    expect(check(root)).toEqual({ status: 0, output: "" });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
