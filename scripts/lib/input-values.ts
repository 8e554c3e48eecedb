/**
 * The kinds of value the scripts' flags and settings take, each parsed from its raw text. A value that does not parse
 * says what would have been accepted, for the message that names the flag or variable (script-input.ts).
 */

/** The value, or what was accepted instead (and, when it helps, which part was wrong). */
export type Parsed<Value> = { readonly value: Value } | { readonly accepts: string; readonly note?: string };

/** Both ends included. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

export function wholeNumber(raw: string, range: Range): Parsed<number> {
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= range.min && value <= range.max
    ? { value }
    : { accepts: `a whole number from ${range.min} to ${range.max}` };
}

export function wholeNumberList(raw: string, range: Range): Parsed<number[]> {
  const parsed = raw.split(",").map((part) => wholeNumber(part.trim(), range));
  const values = parsed.flatMap((part) => ("value" in part ? [part.value] : []));
  return values.length === parsed.length
    ? { value: values }
    : { accepts: `a comma-separated list of whole numbers from ${range.min} to ${range.max}` };
}

export function choice<Name extends string>(raw: string, allowed: readonly Name[]): Parsed<Name> {
  const found = allowed.find((name) => name === raw);
  return found !== undefined ? { value: found } : { accepts: `one of ${allowed.join(", ")}` };
}

/** A comma-separated list of allowed names, at least one, each once, in the order given. */
export function choiceList<Name extends string>(raw: string, allowed: readonly Name[]): Parsed<Name[]> {
  const accepts = `one or more of ${allowed.join(", ")}, comma-separated`;
  const names = raw.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !allowed.some((candidate) => candidate === name));
  if (raw.trim() === "") return { accepts, note: "empty" };
  if (unknown.length > 0)
    return { accepts, note: `unknown: ${unknown.map((name) => JSON.stringify(name)).join(", ")}` };
  return { value: [...new Set(names.flatMap((name) => allowed.filter((candidate) => candidate === name)))] };
}

export function matching(raw: string, pattern: RegExp, accepts: string): Parsed<string> {
  return pattern.test(raw) ? { value: raw } : { accepts };
}

export function nonEmpty(raw: string, accepts: string): Parsed<string> {
  return raw.trim() !== "" ? { value: raw } : { accepts };
}
