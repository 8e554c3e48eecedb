import * as z from "zod";

/** `true`/`false` (also 1/0, yes/no) as a boolean; anything else is an error naming the variable. */
export function booleanVariable(defaultValue: boolean) {
  return z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "expected true or false" })
    .default(defaultValue ? "true" : "false")
    .transform((value) => value === "true" || value === "1" || value === "yes");
}

/**
 * A whole number within bounds, written in decimal digits: Number() would also take `0x10`, `1e3` or `0b11`, which
 * in a manifest are typos rather than intent.
 */
export function integerVariable(defaultValue: number, minimum: number, maximum: number = Number.MAX_SAFE_INTEGER) {
  const message =
    maximum === Number.MAX_SAFE_INTEGER
      ? `expected a whole number, ${minimum} or more`
      : `expected a whole number from ${minimum} to ${maximum}`;
  return z
    .string()
    .regex(/^-?\d+$/, { message })
    .transform(Number)
    .pipe(z.number().min(minimum, { message }).max(maximum, { message }))
    .default(defaultValue);
}

/** The longest delay a Node.js timer keeps; a longer one fires after 1 ms (TimeoutOverflowWarning). */
export const longestTimerMs = 2_147_483_647;

/** A duration in whole milliseconds that ends up in a timer, so at most longestTimerMs (about 24.8 days). */
export function millisecondsVariable(defaultValue: number, minimum: number, maximum: number = longestTimerMs) {
  return integerVariable(defaultValue, minimum, Math.min(maximum, longestTimerMs));
}

/**
 * Comma-separated network addresses, e.g. `kafka-0:9092,kafka-1:9092`: each a host matching `hostPattern`, then
 * `:port` with a port from 1 to 65535, which an entry may leave out when `port` is "optional".
 */
export function addressListVariable(hostPattern: RegExp, port: "required" | "optional") {
  const entryPattern = new RegExp(`^(?:${hostPattern.source})(?::(\\d{1,5}))${port === "optional" ? "?" : ""}$`);
  const isAddress = (entry: string): boolean => {
    const match = entryPattern.exec(entry);
    if (match === null) return false;
    const portNumber = match[1] === undefined ? undefined : Number(match[1]);
    return portNumber === undefined || (portNumber >= 1 && portNumber <= 65_535);
  };
  const shape = port === "optional" ? "host or host:port" : "host:port";
  return z
    .string()
    .transform((value) =>
      value
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    )
    .pipe(
      z
        .array(z.string().refine(isAddress, { message: `each entry must be ${shape}, the port from 1 to 65535` }))
        .min(1, { message: `expected at least one ${shape}` }),
    );
}

/** A CQL identifier we can safely interpolate into a statement (keyspace and table names cannot be bound). */
export const cqlIdentifierPattern = /^[a-zA-Z][a-zA-Z0-9_]{0,47}$/;
