import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { deepMerge } from "./merge";
import { mebibytes } from "./quantities";
import { profiles } from "./profiles";
import { configSchema, type Profile, type StreamstackConfig } from "./schema";
import { isPlainObject } from "./plain-object";

/** A configuration problem a user can fix; the message names the field and what is allowed. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid streamstack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface ConfigSources {
  /** Value of STREAMSTACK_PROFILE (or the cdktf context `profile`); undefined means `kind`. */
  readonly profile?: string;
  /** Path of a YAML overrides file (STREAMSTACK_CONFIG). */
  readonly overridesFile?: string;
  /** Overrides given directly (tests); applied after the file. */
  readonly overrides?: unknown;
}

const profileNames = Object.keys(profiles) as Profile[];

function resolveProfile(name: string | undefined): Profile {
  const chosen = name === undefined || name === "" ? "kind" : name;
  if ((profileNames as string[]).includes(chosen)) return chosen as Profile;
  throw new ConfigError([
    `STREAMSTACK_PROFILE: unknown profile '${chosen}'; allowed: ${profileNames.join(", ")} (unset means kind)`,
  ]);
}

function readOverridesFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError([`STREAMSTACK_CONFIG: cannot read '${path}': ${(error as Error).message}`]);
  }
  try {
    const parsed: unknown = parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (!isPlainObject(parsed)) throw new Error("the top level must be a mapping of settings");
    return parsed;
  } catch (error) {
    throw new ConfigError([`STREAMSTACK_CONFIG: '${path}' is not valid YAML: ${(error as Error).message}`]);
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".") || "(top level)";
}

/** Lists the keys a strict object accepts at a path, for "unknown key" messages. */
function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const segment of path) {
    if (!(schema instanceof z.ZodObject)) return [];
    const next: z.ZodType | undefined = (schema.shape as Record<string, z.ZodType>)[String(segment)];
    if (next === undefined) return [];
    schema = next;
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(issue.path);
    return issue.keys.map(
      (key) =>
        `${fieldPath([...issue.path, key])}: unknown setting; allowed at ${fieldPath(issue.path)}: ${allowed.join(", ")}`,
    );
  }
  return [`${fieldPath(issue.path)}: ${issue.message}`];
}

/** Rules that span several fields; each names the field to change. */
function crossFieldProblems(config: StreamstackConfig): string[] {
  const problems: string[] = [];
  const { kafka, cassandra } = config;
  if (kafka.topic.replicas > kafka.brokers) {
    problems.push(
      `kafka.topic.replicas: ${kafka.topic.replicas} is more than kafka.brokers (${kafka.brokers}); lower the replicas or add brokers`,
    );
  }
  if (cassandra.replicationFactor > cassandra.size) {
    problems.push(
      `cassandra.replicationFactor: ${cassandra.replicationFactor} is more than cassandra.size (${cassandra.size}); lower it or add nodes`,
    );
  }
  if (kafka.mode === "zookeeper" && kafka.controllers % 2 === 0) {
    problems.push(`kafka.controllers: ZooKeeper needs an odd number of nodes for a quorum, got ${kafka.controllers}`);
  }
  for (const role of ["driverResources", "executorResources"] as const) {
    if (mebibytes(config.spark[role].memory) < 768) {
      problems.push(`spark.${role}.memory: at least 768Mi (Spark reserves 384Mi of it as off-heap overhead)`);
    }
  }
  if (config.spark.checkpointStorage.type === "persistent" && kafka.storage.type === "ephemeral") {
    // Spark's Kafka source fails the query when a partition's offset goes backwards (failOnDataLoss), which is what
    // a restarted ephemeral broker does to offsets kept on a volume: the job would fail on every restart.
    problems.push(
      "spark.checkpointStorage.type: 'persistent' with kafka.storage.type 'ephemeral' keeps offsets that a restarted " +
        "broker no longer has, and the job then fails on every start; make both persistent or both ephemeral",
    );
  }
  if (kafka.enabled && kafka.authentication !== "none" && !config.certManager.enabled) {
    // A CA ClusterIssuer reads its secret from cert-manager's cluster resource namespace, which only the stack's own
    // cert-manager release pins down; another installation may run anywhere.
    problems.push(
      `certManager.enabled: false, but kafka.authentication '${kafka.authentication}' needs the stack's certificate ` +
        "authority, which works only with the stack's own cert-manager; set certManager.enabled: true or kafka.authentication: none",
    );
  }
  const nodePorts = Object.entries(config.expose.nodePorts);
  const seen = new Map<number, string>();
  for (const [name, port] of nodePorts) {
    const other = seen.get(port);
    if (other) problems.push(`expose.nodePorts.${name}: ${port} is already used by expose.nodePorts.${other}`);
    seen.set(port, name);
  }
  return problems;
}

/** Builds the validated configuration: profile defaults, then the overrides file, then direct overrides. */
export function loadConfig(sources: ConfigSources): StreamstackConfig {
  const profile = resolveProfile(sources.profile);
  const fromFile = sources.overridesFile ? readOverridesFile(sources.overridesFile) : {};
  for (const overrides of [fromFile, sources.overrides]) {
    if (isPlainObject(overrides) && "profile" in overrides) {
      throw new ConfigError([
        "profile: set the profile with STREAMSTACK_PROFILE (kind or cloud), not in the overrides",
      ]);
    }
  }
  const merged = deepMerge(deepMerge(profiles[profile], fromFile), sources.overrides ?? {});
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(result.error.issues.flatMap(describeIssue));
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/** Reads the sources from the environment the way `cdktf synth` runs us. */
export function loadConfigFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  contextProfile?: string,
): StreamstackConfig {
  return loadConfig({ profile: env.STREAMSTACK_PROFILE ?? contextProfile, overridesFile: env.STREAMSTACK_CONFIG });
}
