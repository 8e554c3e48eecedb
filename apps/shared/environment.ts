import { readFileSync } from "node:fs";
import type * as z from "zod";

/** Raised when the environment or command line cannot be turned into a valid configuration. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigurationError";
  }
}

/**
 * The variables a schema reads, each as the string a manifest sets: required where the schema has no default.
 * Constructs that set an app's environment are typed with it, so a misspelt or missing variable fails tsc.
 */
export type EnvironmentVariables<Schema extends z.ZodType> = { [Name in keyof z.input<Schema>]: string };

/**
 * Validates environment variables against a zod object schema.
 * Empty strings count as unset, so `FOO=` in a manifest falls back to the default
 * instead of failing a number or URL check with a confusing message.
 * Every problem is reported at once, each line naming the variable to fix.
 */
export function parseEnvironment<Schema extends z.ZodType>(
  schema: Schema,
  environment: NodeJS.ProcessEnv,
  appName: string,
): z.infer<Schema> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    // Secrets are taken verbatim; everything else tolerates stray whitespace from manifests.
    if (value !== undefined && value.trim() !== "") present[name] = isSecret(name) ? value : value.trim();
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const variable = issue.path.length > 0 ? String(issue.path[0]) : "(environment)";
    const value = present[variable];
    if (value === undefined && issue.code === "invalid_type") return `  - ${variable}: required but not set`;
    const entry =
      issue.path.length > 1
        ? ` (entry ${issue.path
            .slice(1)
            .map((part) => (typeof part === "number" ? part + 1 : String(part)))
            .join(".")})`
        : "";
    const shown = value !== undefined ? ` (got ${JSON.stringify(redact(variable, value))})` : "";
    return `  - ${variable}: ${issue.message}${entry}${shown}`;
  });
  throw new ConfigurationError(`invalid ${appName} configuration:\n${lines.join("\n")}`);
}

/**
 * Reads the file a variable names, verbatim and at start: a credential from a mounted Secret key (so it never sits in
 * the pod's environment) or a CA certificate. A missing or unreadable file is a configuration error naming the variable.
 */
export function readFileVariable(appName: string, variable: string, path: string): string;
export function readFileVariable(appName: string, variable: string, path: string | undefined): string | undefined;
export function readFileVariable(appName: string, variable: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigurationError(
      `invalid ${appName} configuration:\n  - ${variable}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Issues for a secret given both inline and as a file, or (when `required`) not at all. */
export function secretSourceIssues(
  environment: Readonly<Record<string, unknown>>,
  variable: string,
  required: string | undefined,
): { path: string[]; message: string }[] {
  const inline = environment[variable] !== undefined;
  const file = environment[`${variable}_FILE`] !== undefined;
  if (inline && file) return [{ path: [variable], message: `set ${variable} or ${variable}_FILE, not both` }];
  if (!inline && !file && required !== undefined)
    return [{ path: [`${variable}_FILE`], message: `${variable}_FILE (or ${variable}) is ${required}` }];
  return [];
}

function isSecret(variable: string): boolean {
  return /PASSWORD|SECRET|TOKEN/i.test(variable);
}

function redact(variable: string, value: string): string {
  return isSecret(variable) ? "***" : value;
}
