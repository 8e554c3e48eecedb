import { createHash } from "node:crypto";
import { profileModeMatrix, synthesizeMatrixEntry } from "./support/synth";

/** Bundled app code is hundreds of kilobytes: the snapshot pins its digest and size instead of its text. */
function digestLargeStrings(value: unknown): unknown {
  if (typeof value === "string") {
    if (value.length < 20_000) return value;
    return `<${value.length} characters, sha256 ${createHash("sha256").update(value).digest("hex").slice(0, 16)}>`;
  }
  if (Array.isArray(value)) return value.map(digestLargeStrings);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, digestLargeStrings(child)]));
  }
  return value;
}

describe.each(profileModeMatrix)("the synthesized $profile stack in $mode mode", (entry) => {
  it("matches its snapshot", () => {
    const stack = synthesizeMatrixEntry(entry);
    // Values are compared parsed, so a review sees structured changes rather than one long YAML string.
    const releases = Object.fromEntries(
      // rawValues is the same content as values, still escaped for Terraform; the parsed form is enough.
      stack.releases.map(({ rawValues: _raw, ...release }) => [release.name, { ...release, values: digestLargeStrings(release.values) }]),
    );
    const otherResources = Object.fromEntries(
      Object.entries((stack.json.resource ?? {}) as Record<string, unknown>).filter(([type]) => type !== "helm_release"),
    );
    expect({ providers: stack.json.provider, terraform: stack.json.terraform, releases, otherResources }).toMatchSnapshot();
  });
});
