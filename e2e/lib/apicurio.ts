import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths";
import { runCommand } from "../../scripts/lib/processes";
import { apicurioWrapperPom } from "./versions";

/** The app's own properties select Quarkus' legacy-jar packaging: target/<artifactId>-<version>-runner.jar beside target/lib. */
const launcherPath = join("target", "apicurio-registry-e2e-1-runner.jar");

/** Pinned versions read back from the wrapper pom, for reports (the pom is the only place they are set). */
export function apicurioVersion(): string {
  const match = /<apicurio\.version>([^<]+)<\/apicurio\.version>/.exec(readFileSync(apicurioWrapperPom, "utf8"));
  if (match?.[1] === undefined) throw new Error(`${apicurioWrapperPom} has no <apicurio.version> property`);
  return match[1];
}

/**
 * Builds Apicurio Registry from tools/apicurio/pom.xml into <cache>/apicurio once and returns the launcher jar.
 * The marker holds the pom's hash, so a changed pin (or any other pom edit) rebuilds on the next run.
 */
export async function apicurioLauncher(): Promise<string> {
  const home = join(cacheDir(), "apicurio");
  const launcher = join(home, launcherPath);
  const marker = join(home, ".complete");
  const hash = createHash("sha256").update(readFileSync(apicurioWrapperPom)).digest("hex");
  if (existsSync(marker) && readFileSync(marker, "utf8") === hash && existsSync(launcher)) return launcher;
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  copyFileSync(apicurioWrapperPom, join(home, "pom.xml"));
  process.stdout.write(`building Apicurio Registry ${apicurioVersion()} with Maven (once; cached in ${home})…\n`);
  const started = Date.now();
  const result = await runCommand("mvn", ["-q", "-B", "-f", join(home, "pom.xml"), "package"], { cwd: home });
  if (result.code !== 0 || !existsSync(launcher)) {
    throw new Error(
      `mvn package of ${apicurioWrapperPom} failed (exit ${result.code}):\n${result.output.slice(-4000)}`,
    );
  }
  writeFileSync(marker, hash);
  process.stdout.write(`built Apicurio Registry in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  return launcher;
}
