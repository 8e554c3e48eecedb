import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { cacheDirectory } from "../../../scripts/lib/cache-directory";

/**
 * The Chromium the dashboard's browser test drives. `packaged` is the build inside the @sparticuz/chromium devDependency
 * that `npm ci` installs (the same browser and fonts on every machine, nothing to download); `system` is Debian's
 * /usr/bin/chromium. STREAMSTACK_BROWSER picks one; unset tries packaged, then system.
 */
export type BrowserSource = "packaged" | "system";

export const browserVariable = "STREAMSTACK_BROWSER";
const packagedName = "@sparticuz/chromium";
const defaultSystemPath = "/usr/bin/chromium";

export interface BrowserSettings {
  env: NodeJS.ProcessEnv;
  systemPath: string;
  /** Where the packaged build is unpacked (once per package version). */
  cache: string;
  /** The package's entry file; throws when it is not installed. */
  resolvePackage: () => string;
}

export interface LaunchedBrowser {
  context: BrowserContext;
  source: BrowserSource;
  executablePath: string;
}

interface Executable {
  executablePath: string;
  env: NodeJS.ProcessEnv;
}

export function defaultBrowserSettings(env: NodeJS.ProcessEnv = process.env): BrowserSettings {
  return {
    env,
    systemPath: defaultSystemPath,
    cache: join(cacheDirectory(env), "chromium"),
    resolvePackage: () => require.resolve(packagedName),
  };
}

export function browserSources(env: NodeJS.ProcessEnv): BrowserSource[] {
  const chosen = env[browserVariable];
  if (!chosen) return ["packaged", "system"];
  if (chosen === "packaged" || chosen === "system") return [chosen];
  throw new Error(
    `${browserVariable}=${chosen} is not a browser source: use packaged (${packagedName}, installed by npm ci) or system (${defaultSystemPath}), or leave it unset to try both in that order`,
  );
}

/** Launches the first source that starts, or fails naming every source tried, why it failed and how to fix it. */
export async function launchTestBrowser(
  userDataDirectory: string,
  options: Omit<NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>, "executablePath" | "env">,
  settings: BrowserSettings = defaultBrowserSettings(),
): Promise<LaunchedBrowser> {
  const failures: string[] = [];
  for (const source of browserSources(settings.env)) {
    try {
      const executable = source === "packaged" ? packagedExecutable(settings) : systemExecutable(settings);
      const context = await chromium.launchPersistentContext(userDataDirectory, { ...options, ...executable });
      return { context, source, executablePath: executable.executablePath };
    } catch (error) {
      failures.push(`  - ${source}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  }
  throw new Error(
    [
      "no browser could be launched for the dashboard test:",
      ...failures,
      `Fix: run \`npm ci\` (installs ${packagedName}, a Linux x64 Chromium), or install Chromium at ${settings.systemPath} (\`apt-get install -y chromium\`); ${browserVariable} selects packaged or system.`,
    ].join("\n"),
  );
}

function systemExecutable(settings: BrowserSettings): Executable {
  if (!existsSync(settings.systemPath)) throw new Error(`no Chromium at ${settings.systemPath}`);
  return { executablePath: settings.systemPath, env: settings.env };
}

function packagedExecutable(settings: BrowserSettings): Executable {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`${packagedName} ships a Linux x64 build only, this is ${process.platform} ${process.arch}`);
  }
  let entry: string;
  try {
    entry = settings.resolvePackage();
  } catch {
    throw new Error(`${packagedName} is not installed: run \`npm ci\``);
  }
  const packageDirectory = join(dirname(entry), "..");
  const { version } = JSON.parse(readFileSync(join(packageDirectory, "package.json"), "utf8")) as { version: string };
  const directory = join(settings.cache, `sparticuz-${version}`);
  if (!existsSync(directory)) unpack(entry, join(packageDirectory, "bin"), directory);
  const libraries = join(directory, "al2023", "lib");
  return {
    executablePath: join(directory, "chromium"),
    env: {
      ...settings.env,
      // The package's copies of NSS, NSPR and expat, so that no system library beyond glibc is needed.
      LD_LIBRARY_PATH: [libraries, settings.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      // Only the packaged fonts: the screenshots look the same on every machine, and a machine without fonts still renders text.
      FONTCONFIG_FILE: join(directory, "fonts.conf"),
    },
  };
}

/**
 * The package unpacks into os.tmpdir() (its Lambda home) and reuses whatever `chromium` it finds there, so it runs in a
 * child process whose TMPDIR is a fresh directory, which is then renamed into place: concurrent runs and interrupted
 * unpacks never leave a half-written browser, and another version's browser is never picked up. The package is an ES
 * module, which jest's CommonJS runtime cannot import, another reason for the child process.
 */
function unpack(entry: string, binDirectory: string, directory: string): void {
  mkdirSync(dirname(directory), { recursive: true });
  const staging = mkdtempSync(`${directory}.partial-`);
  try {
    const script = [
      "const [entry, bin] = process.argv.slice(1);",
      "const { default: chromium, inflate } = await import(entry);",
      "await chromium.executablePath(bin);",
      "await inflate(bin + '/al2023.tar.br');",
    ].join("\n");
    const result = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", script, pathToFileURL(entry).href, binDirectory],
      {
        env: { ...process.env, TMPDIR: staging },
        encoding: "utf8",
        timeout: 180_000,
      },
    );
    if (result.status !== 0 || !existsSync(join(staging, "chromium"))) {
      throw new Error(
        `unpacking ${packagedName} into ${staging} failed (exit ${result.status}): ${(result.stderr || String(result.error)).trim()}`,
      );
    }
    // The package's own fonts.conf names /tmp/fonts; this one names the unpacked fonts relative to itself.
    writeFileSync(
      join(staging, "fonts.conf"),
      '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir prefix="relative">fonts/fonts</dir>\n</fontconfig>\n',
    );
    try {
      renameSync(staging, directory);
    } catch (error) {
      if (!existsSync(directory)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
