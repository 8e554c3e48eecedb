/**
 * What "ready" means for one Kubernetes object: every check's path must hold the expected value.
 * Paths are dot-separated field names; `name[key=value]` picks the list element whose `key` equals `value`
 * (how conditions are found: `status.conditions[type=Ready].status`).
 */
export interface Check {
  readonly path: string;
  /** The expected value, compared as a string. */
  readonly equals?: string;
  /** Or: the path of another field of the same object whose value must be equal (e.g. metadata.generation). */
  readonly equalsPath?: string;
}

/** One object the gate waits for. */
export interface Target {
  /** API path of the object, e.g. /apis/kafka.strimzi.io/v1beta2/namespaces/ns/kafkas/name. */
  readonly apiPath: string;
  /** How people name it, e.g. "Kafka streamstack-kafka/kafka". */
  readonly description: string;
  readonly checks: readonly Check[];
  /** What to look at when it does not become ready. */
  readonly hint: string;
}

interface Segment {
  readonly field: string;
  readonly select?: { readonly key: string; readonly value: string };
}

const segmentPattern = /^([A-Za-z0-9_-]+)(?:\[([A-Za-z0-9_-]+)=([^\]]*)\])?$/;

/** Parses a path; throws on a malformed one so a wrong gate fails at start, not after its time limit. */
export function parsePath(path: string): Segment[] {
  if (path === "") throw new Error("empty check path");
  return path.split(".").map((part) => {
    const match = segmentPattern.exec(part);
    if (!match) throw new Error(`malformed check path segment '${part}' in '${path}'`);
    const [, field, key, value] = match;
    return key === undefined ? { field: field } : { field: field, select: { key, value: value ?? "" } };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at a path, or undefined when any step is missing. */
export function valueAt(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const segment of parsePath(path)) {
    if (!isRecord(current)) return undefined;
    current = current[segment.field];
    if (segment.select) {
      if (!Array.isArray(current)) return undefined;
      const { key, value } = segment.select;
      current = current.find((element) => isRecord(element) && String(element[key]) === value);
    }
  }
  return current;
}

/** A status field as text for comparison: scalars as JavaScript writes them, anything else as its JSON. */
function asText(value: unknown): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : JSON.stringify(value);
}

function show(value: unknown): string {
  return value === undefined ? "(absent)" : typeof value === "string" ? `'${value}'` : JSON.stringify(value);
}

/** One line per check that does not hold, saying what was expected and what was found; empty when ready. */
export function unmetChecks(object: unknown, checks: readonly Check[]): string[] {
  const problems: string[] = [];
  for (const check of checks) {
    const actual = valueAt(object, check.path);
    if (check.equalsPath !== undefined) {
      const expected = valueAt(object, check.equalsPath);
      if (actual === undefined || asText(actual) !== asText(expected)) {
        problems.push(`${check.path} is ${show(actual)}, expected it to equal ${check.equalsPath} (${show(expected)})`);
      }
    } else if (check.equals !== undefined) {
      if (actual === undefined || asText(actual) !== check.equals) {
        problems.push(`${check.path} is ${show(actual)}, expected '${check.equals}'`);
      }
    } else {
      throw new Error(`check on ${check.path} has neither equals nor equalsPath`);
    }
  }
  return problems;
}

/** Validates the targets a gate is given: well-formed paths and API paths, at least one check each. */
export function parseTargets(json: string): Target[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`GATE_TARGETS is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    throw new Error("GATE_TARGETS must be a non-empty JSON list of targets");
  return parsed.map((raw, index) => {
    if (!isRecord(raw)) throw new Error(`GATE_TARGETS[${index}] is not an object`);
    const { apiPath, description, checks, hint } = raw;
    if (typeof apiPath !== "string" || !/^\/apis?\//.test(apiPath))
      throw new Error(`GATE_TARGETS[${index}].apiPath must start with /api/ or /apis/`);
    if (typeof description !== "string" || description === "")
      throw new Error(`GATE_TARGETS[${index}].description is required`);
    if (typeof hint !== "string") throw new Error(`GATE_TARGETS[${index}].hint must be a string`);
    if (!Array.isArray(checks) || checks.length === 0)
      throw new Error(`GATE_TARGETS[${index}].checks must be a non-empty list`);
    const parsedChecks = checks.map((check, checkIndex): Check => {
      const where = `GATE_TARGETS[${index}].checks[${checkIndex}]`;
      if (!isRecord(check) || typeof check.path !== "string") throw new Error(`${where}.path is required`);
      parsePath(check.path);
      if (typeof check.equals === "string") return { path: check.path, equals: check.equals };
      if (typeof check.equalsPath === "string") {
        parsePath(check.equalsPath);
        return { path: check.path, equalsPath: check.equalsPath };
      }
      throw new Error(`${where} needs equals or equalsPath (a string)`);
    });
    return { apiPath, description, checks: parsedChecks, hint };
  });
}
