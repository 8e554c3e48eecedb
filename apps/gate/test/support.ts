import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleApp } from "../../bundle";
import { runCaptured, type Captured } from "../../testing/run-captured";

export type Outcome = Captured;

/** A scratch directory with the gate bundle exactly as the ConfigMap ships it. */
export function writeBundle(prefix: string): { directory: string; bundle: string } {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const bundle = join(directory, "gate.js");
  writeFileSync(bundle, bundleApp("gate").code);
  return { directory, bundle };
}

/** A self-signed server certificate for 127.0.0.1 (what the pod's ca.crt is to the real API server). */
export function selfSignedCertificate(directory: string): { key: string; cert: string; certFile: string } {
  const keyFile = join(directory, "server.key");
  const certFile = join(directory, "server.crt");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), certFile };
}

/** Runs the bundle with only the given environment, as the Job's container does. */
export function runGate(bundle: string, environment: Record<string, string>): Promise<Outcome> {
  return runCaptured(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? "", ...environment } });
}
