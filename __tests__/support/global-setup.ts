import { createSynthRunCache } from "./synth-run-cache";
import fillSchemaCache from "./upstream-global-setup";

/** Runs once before any worker starts (the workers inherit the environment set here). */
export default async function globalSetup(): Promise<void> {
  await fillSchemaCache();
  createSynthRunCache();
}
