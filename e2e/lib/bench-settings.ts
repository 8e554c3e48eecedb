/**
 * The benchmarks' settings from environment variables: a bad value stops the benchmark before it starts anything,
 * with a message naming the variable and what it accepts (exit 2).
 */

function refuse(name: string, expected: string, raw: string): never {
  process.stderr.write(`${name} expects ${expected}, got ${JSON.stringify(raw)}\n`);
  process.exit(2);
}

function wholeNumberIn(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
    refuse(name, `a whole number from ${min} to ${max}`, raw);
  return value;
}

/** A whole number from `min` to `max`, `fallback` when unset. */
export function wholeNumberSetting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  return raw === undefined ? fallback : wholeNumberIn(name, raw, min, max);
}

/** A comma-separated list of whole numbers from `min` to `max`, `fallback` when unset. */
export function wholeNumberListSetting(name: string, fallback: readonly number[], min: number, max: number): number[] {
  const raw = process.env[name];
  if (raw === undefined) return [...fallback];
  const parts = raw.split(",");
  if (parts.some((part) => !/^\s*\d+\s*$/.test(part)))
    refuse(name, `a comma-separated list of whole numbers from ${min} to ${max}`, raw);
  return parts.map((part) => wholeNumberIn(name, part.trim(), min, max));
}

/** A Spark processing-time trigger such as "2 seconds" or "500 milliseconds", `fallback` when unset. */
export function triggerIntervalSetting(name: string, fallback: string): string {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (!/^\d+ (milliseconds?|seconds?|minutes?)$/.test(raw))
    refuse(name, 'a Spark trigger interval: "<n> milliseconds", "<n> seconds" or "<n> minutes"', raw);
  return raw;
}
