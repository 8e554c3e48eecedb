import { Testing } from "cdktf";
import { loadConfig } from "../../config/load";
import { deriveNaming } from "../../config/naming";
import { ConnectionGraph } from "../../constructs/connections";
import { StreamstackStack } from "../../stacks/streamstack-stack";
import { withV8StackTraces } from "./v8-stack-traces";

export const profiles = ["kind", "cloud"] as const;

/** The stack's connection graph for a profile, with the naming and config it was built from. */
export function graphOf(profile: (typeof profiles)[number]) {
  const config = loadConfig({ profile });
  const stack = withV8StackTraces(() => new StreamstackStack(Testing.app(), config));
  return { flows: ConnectionGraph.of(stack).flows, naming: deriveNaming(config), config };
}
