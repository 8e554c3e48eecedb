import type * as BundleModule from "../../bundle";
import type { AppBundle, AppName } from "../../bundle";

// The real bundler: the test setup shares one bundle per app across a run's test files, and this file checks builds.
const { bundleApp } = jest.requireActual<typeof BundleModule>("../../bundle");

// ConfigMaps are limited to 1 MiB including metadata; keep headroom.
const maximumBundleBytes = 900 * 1024;
const firstBuilds = new Map<AppName, AppBundle>();
const firstBuild = (app: AppName): AppBundle => {
  const cached = firstBuilds.get(app) ?? bundleApp(app);
  firstBuilds.set(app, cached);
  return cached;
};

jest.setTimeout(30_000);

describe.each(["producer", "dashboard"] as const)("bundleApp(%s)", (app) => {
  it("is one self-contained file under the ConfigMap budget", () => {
    const { code, sha256 } = firstBuild(app);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.byteLength(code)).toBeLessThan(maximumBundleBytes);
    expect(code).not.toContain("/work/");
    expect(code).not.toMatch(/sourceMappingURL/);
  });

  it("is deterministic", () => {
    expect(bundleApp(app).sha256).toBe(firstBuild(app).sha256);
  });
});

it("embeds the Avro schema in the producer bundle", () => {
  const { code } = firstBuild("producer");
  expect(code).toContain("io.streamstack.users");
  expect(code).toContain("users_created-value");
});
