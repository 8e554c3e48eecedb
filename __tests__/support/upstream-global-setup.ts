import { ensureSchemaDirectory } from "../../validation/schema-directory";

/** Runs once before any worker starts, so every test file finds the pinned upstream files in place. */
export default async function fillSchemaCache(): Promise<void> {
  await ensureSchemaDirectory(process.env, { log: (line) => console.log(line) });
}
