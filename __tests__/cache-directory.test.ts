/** One cache resolver for every TypeScript caller; the shell scripts' `${STREAMSTACK_CACHE:-…}` means the same. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { cacheDirectory, cachedTool } from "../scripts/lib/cache-directory";

const fallback = join(homedir(), ".cache", "streamstack");

describe("cacheDirectory", () => {
  it("defaults to ~/.cache/streamstack when STREAMSTACK_CACHE is unset or empty", () => {
    expect(cacheDirectory({})).toBe(fallback);
    expect(cacheDirectory({ STREAMSTACK_CACHE: "" })).toBe(fallback);
  });

  it("takes STREAMSTACK_CACHE as an absolute path", () => {
    expect(cacheDirectory({ STREAMSTACK_CACHE: "/srv/cache" })).toBe("/srv/cache");
    expect(cacheDirectory({ STREAMSTACK_CACHE: "relative" })).toBe(resolve("relative"));
  });
});

describe("cachedTool", () => {
  it("prefers the user's own tool, and ignores an empty setting", () => {
    expect(cachedTool("STREAMSTACK_HELM", ["bin", "helm"], { STREAMSTACK_HELM: "/usr/bin/helm" })).toBe(
      "/usr/bin/helm",
    );
    expect(
      cachedTool("STREAMSTACK_HELM", ["bin", "helm"], { STREAMSTACK_HELM: "", STREAMSTACK_CACHE: "/srv/cache" }),
    ).toBe("/srv/cache/bin/helm");
    expect(cachedTool("STREAMSTACK_HELM", ["bin", "helm"], {})).toBe(join(fallback, "bin", "helm"));
  });
});
