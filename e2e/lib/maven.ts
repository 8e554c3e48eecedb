import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths";
import { runCommand } from "../../scripts/lib/processes";

/** One Maven artifact; exclusions use groupId:artifactId ("*:*" allowed). */
export interface MavenArtifact {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  readonly exclusions?: readonly string[];
}

function dependencyXml(artifact: MavenArtifact): string {
  const exclusions = (artifact.exclusions ?? [])
    .map((exclusion) => {
      const [groupId, artifactId] = exclusion.split(":");
      return `<exclusion><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId></exclusion>`;
    })
    .join("");
  return [
    "    <dependency>",
    `      <groupId>${artifact.groupId}</groupId>`,
    `      <artifactId>${artifact.artifactId}</artifactId>`,
    `      <version>${artifact.version}</version>`,
    exclusions ? `      <exclusions>${exclusions}</exclusions>` : "",
    "    </dependency>",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** A throwaway pom whose only purpose is to let `mvn dependency:copy-dependencies` resolve a runtime classpath. */
export function minimalPom(name: string, artifacts: readonly MavenArtifact[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.streamstack.e2e</groupId>
  <artifactId>${name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${artifacts.map(dependencyXml).join("\n")}
  </dependencies>
</project>
`;
}

/**
 * Resolves the runtime classpath of the given artifacts into <cache>/<name>/lib once, and returns that directory.
 * A marker holding the pom's hash makes later runs skip Maven entirely; a changed artifact list re-resolves.
 */
export async function mavenClasspath(name: string, artifacts: readonly MavenArtifact[]): Promise<string> {
  const home = join(cacheDir(), name);
  const lib = join(home, "lib");
  const marker = join(home, ".complete");
  const pom = minimalPom(name, artifacts);
  const hash = createHash("sha256").update(pom).digest("hex");
  if (existsSync(marker) && readFileSync(marker, "utf8") === hash) return lib;
  mkdirSync(home, { recursive: true });
  rmSync(lib, { recursive: true, force: true });
  writeFileSync(join(home, "pom.xml"), pom);
  process.stdout.write(`resolving ${name} jars with Maven (once; cached in ${home})…\n`);
  const started = Date.now();
  const result = await runCommand(
    "mvn",
    [
      "-q",
      "-B",
      "-f",
      join(home, "pom.xml"),
      "dependency:copy-dependencies",
      `-DoutputDirectory=${lib}`,
      "-DincludeScope=runtime",
    ],
    { cwd: home },
  );
  if (result.code !== 0) {
    throw new Error(
      `mvn dependency:copy-dependencies for ${name} failed (exit ${result.code}):\n${result.output.slice(-4000)}`,
    );
  }
  writeFileSync(marker, hash);
  process.stdout.write(`resolved ${name} in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  return lib;
}
