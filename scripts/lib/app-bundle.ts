import { build, type Plugin } from "esbuild";
import { readFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";

/**
 * main.ts and everything it imports from the repository as one CommonJS file, the packages left to Node.
 * Plain Node runs it in a fraction of what `node --import tsx main.ts` takes: tsx's hooks see every file Node loads,
 * the thousands in node_modules included, and transpile ours on each run.
 * The file lives in node_modules/.cache so that Node resolves the packages from the repository's node_modules; one per
 * process, so that two synths at once never run each other's half-written bundle. The caller removes it.
 */
export const appBundleFile = (repoRoot: string): string =>
  join(repoRoot, "node_modules", ".cache", "streamstack", `synth-app.${process.pid}.js`);

/**
 * Each source keeps its own __dirname/__filename (the constructs find charts/ and apps/ through them): a module-level
 * declaration, which esbuild renames per module like any other top-level name when it joins them into one file.
 */
function sourceLocation(repoRoot: string): Plugin {
  return {
    name: "source-location",
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
        if (relative(repoRoot, path).split(sep).includes("node_modules")) return undefined;
        const contents = await readFile(path, "utf8");
        const location = `const __dirname = ${JSON.stringify(dirname(path))}; const __filename = ${JSON.stringify(path)};\n`;
        return { contents: location + contents, loader: "ts" };
      });
    },
  };
}

/** Rebuilt on every run (about a tenth of a second), so it can never be stale. Returns the file to run. */
export async function bundleApp(repoRoot: string, entry = "main.ts"): Promise<string> {
  const outfile = appBundleFile(repoRoot);
  await build({
    absWorkingDir: repoRoot,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    packages: "external",
    sourcemap: "inline",
    logLevel: "error",
    plugins: [sourceLocation(repoRoot)],
  });
  return outfile;
}
