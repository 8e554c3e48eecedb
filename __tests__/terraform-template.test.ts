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

  it("reads every string of up to six of `$ % { } a` as a character-by-character walk does", () => {
    const alphabet = ["$", "%", "{", "}", "a"];
    const differing: string[] = [];
    let strings = [""];
    for (let length = 1; length <= 6; length += 1) {
      strings = strings.flatMap((prefix) => alphabet.map((character) => prefix + character));
      for (const source of strings) {
        if (JSON.stringify(readTerraformTemplate(source)) !== JSON.stringify(walkedTemplate(source)))
          differing.push(source);
      }
    }
    expect(differing).toEqual([]);
  });
});

/** The reading spelled out one character at a time, as the oracle for the one that jumps between `$` and `%`. */
function walkedTemplate(source: string): { text: string; literal: string; expressions: string[] } {
  const expressions: string[] = [];
  let text = "";
  let literal = "";
  for (let index = 0; index < source.length; index += 1) {
    const two = source.slice(index, index + 2);
    const three = source.slice(index, index + 3);
    if (three === "$${" || three === "%%{") {
      text += three.slice(1);
      literal += three.slice(1);
      index += 2;
      continue;
    }
    if (two === "${" || two === "%{") {
      let depth = 0;
      let end = index + 1;
      for (; end < source.length; end += 1) {
        if (source[end] === "{") depth += 1;
        else if (source[end] === "}") {
          depth -= 1;
          if (depth === 0) break;
        }
      }
      const expression = source.slice(index, end + 1);
      expressions.push(expression);
      text += expression;
      index = end;
      continue;
    }
    text += source[index];
    literal += source[index];
  }
  return { text, literal, expressions };
}
