import { readRegistryReaderConfig, type ConfigOutcome } from "../src/config";

const upstream = "http://schema-registry.kafka.svc:8081";

function problems(outcome: ConfigOutcome): readonly string[] {
  return outcome.ok ? [] : outcome.problems;
}

describe("readRegistryReaderConfig", () => {
  it("applies the defaults", () => {
    const outcome = readRegistryReaderConfig({ REGISTRY_READER_UPSTREAM: upstream });
    expect(outcome).toEqual({ ok: true, config: { upstream: new URL(upstream), port: 8081, timeoutMs: 10_000 } });
  });

  it("reads every variable, trimmed, and takes an empty value as unset", () => {
    const outcome = readRegistryReaderConfig({
      REGISTRY_READER_UPSTREAM: " https://gateway:8443/registry/ ",
      REGISTRY_READER_PORT: "1",
      REGISTRY_READER_TIMEOUT_MS: "",
    });
    expect(outcome).toEqual({
      ok: true,
      config: { upstream: new URL("https://gateway:8443/registry/"), port: 1, timeoutMs: 10_000 },
    });
  });

  it.each([
    ["REGISTRY_READER_PORT", "65535", 65_535],
    ["REGISTRY_READER_TIMEOUT_MS", "100", 100],
    ["REGISTRY_READER_TIMEOUT_MS", "120000", 120_000],
  ])("accepts %s=%s at the edge of its range", (name, value, expected) => {
    const outcome = readRegistryReaderConfig({ REGISTRY_READER_UPSTREAM: upstream, [name]: value });
    const config = outcome.ok ? outcome.config : undefined;
    expect(name === "REGISTRY_READER_PORT" ? config?.port : config?.timeoutMs).toBe(expected);
  });

  it("requires the upstream", () => {
    expect(problems(readRegistryReaderConfig({}))).toEqual([
      "REGISTRY_READER_UPSTREAM is required: the schema registry's base URL, an http:// or https:// URL with no user, password, query or fragment",
    ]);
  });

  it.each(["schema-registry:8081", "ftp://registry/", "http://registry:8081/?x=1", "http://registry/#top"])(
    "refuses the upstream %s",
    (value) => {
      expect(problems(readRegistryReaderConfig({ REGISTRY_READER_UPSTREAM: value }))).toEqual([
        `REGISTRY_READER_UPSTREAM expects an http:// or https:// URL with no user, password, query or fragment, got "${value}"`,
      ]);
    },
  );

  it.each(["http://registry:8081/?", "http://user:secret@registry:8081", "not a url"])(
    "refuses the upstream %s too",
    (value) => {
      expect(problems(readRegistryReaderConfig({ REGISTRY_READER_UPSTREAM: value }))).toHaveLength(1);
    },
  );

  it.each(["abc", "0", "65536", "80.5", "-1", "0x50", "1e3"])("refuses REGISTRY_READER_PORT=%s", (value) => {
    expect(
      problems(readRegistryReaderConfig({ REGISTRY_READER_UPSTREAM: upstream, REGISTRY_READER_PORT: value })),
    ).toEqual([`REGISTRY_READER_PORT expects a whole number from 1 to 65535, got "${value}"`]);
  });

  it.each(["99", "120001", "1e4", "ten seconds"])("refuses REGISTRY_READER_TIMEOUT_MS=%s", (value) => {
    expect(
      problems(readRegistryReaderConfig({ REGISTRY_READER_UPSTREAM: upstream, REGISTRY_READER_TIMEOUT_MS: value })),
    ).toEqual([`REGISTRY_READER_TIMEOUT_MS expects a whole number from 100 to 120000, got "${value}"`]);
  });

  it("reports every problem at once", () => {
    expect(
      problems(readRegistryReaderConfig({ REGISTRY_READER_PORT: "abc", REGISTRY_READER_TIMEOUT_MS: "5" })),
    ).toHaveLength(3);
  });
});
