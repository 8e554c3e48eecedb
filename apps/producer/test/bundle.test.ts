import type * as BundleModule from "../../bundle";

// The real bundler, which builds afresh on each call.
const { bundleApp } = jest.requireActual<typeof BundleModule>("../../bundle");
// The run's one build of each app (support/setup-jest.ts), which every synthesized stack embeds: built by the real
// bundler in whichever test file asked first, so comparing it with a fresh build compares two builds.
const { bundleApp: runBuild } = jest.requireMock<typeof BundleModule>("../../bundle");

// ConfigMaps are limited to 1 MiB including metadata; keep headroom.
const maximumBundleBytes = 900 * 1024;

jest.setTimeout(30_000);

describe.each(["producer", "dashboard"] as const)("bundleApp(%s)", (app) => {
  it("is one self-contained file under the ConfigMap budget", () => {
    const { code, sha256 } = runBuild(app);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.byteLength(code)).toBeLessThan(maximumBundleBytes);
    expect(code).not.toContain("/work/");
    expect(code).not.toMatch(/sourceMappingURL/);
  });

  it("is deterministic", () => {
    expect(bundleApp(app).sha256).toBe(runBuild(app).sha256);
  });
});

it("embeds the Avro schema in the producer bundle", () => {
  const { code } = runBuild("producer");
  expect(code).toContain("io.streamstack.users");
  expect(code).toContain("users_created-value");
});
