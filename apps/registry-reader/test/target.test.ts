import { describeUpstream, targetProblem, upstreamPath } from "../src/target";

describe("targetProblem", () => {
  it.each([
    "/schemas/ids/1",
    "/schemas/ids/1?fetchMaxId=false",
    "/subjects",
    "/subjects/users-value/versions/latest",
    // A subject may hold a slash or dots; only whole . and .. segments are dot segments.
    "/subjects/team%2Fusers-value/versions",
    "/subjects/a..b/versions",
    "/subjects/.hidden/versions",
    // The query is not a path: nothing resolves it.
    "/schemas/ids/1?subject=../../config",
  ])("forwards %s", (target) => {
    expect(targetProblem(target)).toBeUndefined();
  });

  it.each([
    ["http://evil/x", "only a path starting with / is forwarded"],
    ["evil:443", "only a path starting with / is forwarded"],
    ["//evil/x", "a path starting with // can name another host"],
    ["/%2fevil/x", "a path starting with // can name another host"],
    ["/\\evil/x", "a path starting with // can name another host"],
    ["/..", "can leave the registry's base path"],
    ["/x/%2E%2e", "can leave the registry's base path"],
    ["/x\\..\\y", "can leave the registry's base path"],
    ["/x/..%5cy", "can leave the registry's base path"],
    ["/x/./y", "can leave the registry's base path"],
  ])("refuses %s", (target, reason) => {
    expect(targetProblem(target)).toContain(reason);
  });
});

describe("upstreamPath", () => {
  it.each([
    ["http://registry:8081", "/schemas/ids/1?x=1", "/schemas/ids/1?x=1"],
    ["http://registry:8081/", "/schemas/ids/1", "/schemas/ids/1"],
    ["http://gateway/registry", "/schemas/ids/1", "/registry/schemas/ids/1"],
    ["http://gateway/registry/", "/subjects", "/registry/subjects"],
  ])("%s + %s = %s", (base, target, expected) => {
    expect(upstreamPath(new URL(base), target)).toBe(expected);
  });

  it("names the upstream by origin and base path", () => {
    expect(describeUpstream(new URL("https://gateway:8443/registry/"))).toBe("https://gateway:8443/registry");
    expect(describeUpstream(new URL("http://registry:8081"))).toBe("http://registry:8081");
  });
});
