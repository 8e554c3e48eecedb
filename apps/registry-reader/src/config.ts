/** Every variable registry-reader reads; the construct that runs it can be typed from this list. */
export const registryReaderVariables = [
  "REGISTRY_READER_UPSTREAM",
  "REGISTRY_READER_PORT",
  "REGISTRY_READER_TIMEOUT_MS",
] as const;
export type RegistryReaderVariable = (typeof registryReaderVariables)[number];

export interface RegistryReaderConfig {
  /** The schema registry's base URL; every forwarded path is resolved under its path. */
  readonly upstream: URL;
  readonly port: number;
  /** How long one forwarded request may take, response body included. */
  readonly timeoutMs: number;
}

export type ConfigOutcome =
  | { readonly ok: true; readonly config: RegistryReaderConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

type Parsed<Value> = { readonly value: Value } | { readonly problem: string };

const upstreamShape = "an http:// or https:// URL with no user, password, query or fragment";

function upstreamUrl(raw: string | undefined): Parsed<URL> {
  if (raw === undefined) {
    return { problem: `REGISTRY_READER_UPSTREAM is required: the schema registry's base URL, ${upstreamShape}` };
  }
  const refused = { problem: `REGISTRY_READER_UPSTREAM expects ${upstreamShape}, got ${JSON.stringify(raw)}` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refused;
  }
  // URL drops an empty "?" or "#", so the raw text is checked too.
  const hasQueryOrFragment = url.search !== "" || url.hash !== "" || /[?#]/.test(raw);
  const hasCredentials = url.username !== "" || url.password !== "";
  if ((url.protocol !== "http:" && url.protocol !== "https:") || hasQueryOrFragment || hasCredentials) return refused;
  return { value: url };
}

/** Decimal digits only: Number() would also take `0x50` or `1e4`, which in a manifest are typos rather than intent. */
function wholeNumber(
  name: RegistryReaderVariable,
  raw: string | undefined,
  fallback: number,
  minimum: number,
  maximum: number,
): Parsed<number> {
  if (raw === undefined) return { value: fallback };
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < minimum || value > maximum) {
    return { problem: `${name} expects a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(raw)}` };
  }
  return { value };
}

/** Reads the environment, reporting every problem at once; an empty value counts as unset. */
export function readRegistryReaderConfig(environment: NodeJS.ProcessEnv): ConfigOutcome {
  const read = (name: RegistryReaderVariable): string | undefined => {
    const value = environment[name]?.trim();
    return value === "" ? undefined : value;
  };
  const upstream = upstreamUrl(read("REGISTRY_READER_UPSTREAM"));
  const port = wholeNumber("REGISTRY_READER_PORT", read("REGISTRY_READER_PORT"), 8081, 1, 65_535);
  const timeoutMs = wholeNumber("REGISTRY_READER_TIMEOUT_MS", read("REGISTRY_READER_TIMEOUT_MS"), 10_000, 100, 120_000);
  if ("value" in upstream && "value" in port && "value" in timeoutMs) {
    return { ok: true, config: { upstream: upstream.value, port: port.value, timeoutMs: timeoutMs.value } };
  }
  const problems = [upstream, port, timeoutMs].flatMap((parsed) => ("problem" in parsed ? [parsed.problem] : []));
  return { ok: false, problems };
}
