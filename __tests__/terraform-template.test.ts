/** The one Terraform-escape implementation: what the stack writes, every reader reads back unchanged. */
import {
  escapeTerraformTemplates,
  readTerraformTemplate,
  unescapeTerraformTemplates,
} from "../constructs/terraform-template";

describe("Terraform template escapes", () => {
  const samples = [
    "plain",
    "a ${b} c",
    "%{ if x }",
    "$${already}",
    "`${x}` and %{y} and ${z}",
    "$$$",
    "{}",
    "${TfToken[TOKEN.1]}",
  ];

  it("round-trips every literal text except cdktf tokens", () => {
    for (const sample of samples.filter((text) => !text.includes("TfToken"))) {
      const written = escapeTerraformTemplates(sample);
      expect(readTerraformTemplate(written)).toEqual({ text: sample, literal: sample, expressions: [] });
    }
  });

  it("keeps cdktf tokens as expressions Terraform evaluates", () => {
    expect(escapeTerraformTemplates("x ${TfToken[TOKEN.1]} $y")).toBe("x ${TfToken[TOKEN.1]} $y");
  });

  it("reports unescaped expressions, nested braces included, and leaves them out of the literal", () => {
    expect(readTerraformTemplate("a ${yamlencode({x = 1})} b %%{c} $${d}")).toEqual({
      text: "a ${yamlencode({x = 1})} b %{c} ${d}",
      literal: "a  b %{c} ${d}",
      expressions: ["${yamlencode({x = 1})}"],
    });
    expect(unescapeTerraformTemplates("$${a} ${b}")).toBe("${a} ${b}");
  });
});
