// Writes apps/<app>/dist/<app>.js for local runs: `npx tsx apps/build.ts [<app> ...]` (default: every app).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appNames, bundleApp, type AppName } from "./bundle";

const allApps: readonly AppName[] = appNames;
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !allApps.includes(name as AppName));
if (unknown.length > 0) {
  process.stderr.write(`unknown app(s): ${unknown.join(", ")}; expected ${allApps.join(" or ")}\n`);
  process.exit(2);
}
for (const app of requested.length > 0 ? (requested as AppName[]) : allApps) {
  const { code, sha256 } = bundleApp(app);
  const directory = join(__dirname, app, "dist");
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `${app}.js`);
  writeFileSync(file, code);
  process.stdout.write(`${file}  ${(Buffer.byteLength(code) / 1024).toFixed(0)} KiB  sha256 ${sha256.slice(0, 16)}\n`);
}
