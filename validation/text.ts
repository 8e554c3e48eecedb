/**
 * An untyped value read from YAML or JSON as text for a message or a key: scalars as themselves, anything else as
 * JSON (never "[object Object]"), absent as `fallback`.
 */
export function text(value: unknown, fallback = ""): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return value.toString();
  return JSON.stringify(value);
}
