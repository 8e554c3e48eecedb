import { loadConfig } from "../../config/load";
import { deriveNaming } from "../../config/naming";

/**
 * The names the stack deploys with on kind (topics, schema subject, keyspace, table): the harness uses the same ones,
 * so a rename in config/naming.ts reaches the real-engine run too.
 */
export const stackNaming = deriveNaming(loadConfig({ profile: "kind" }));
