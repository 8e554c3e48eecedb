/**
 * Terraform reads every string in its JSON as a template: `${…}` and `%{…}` are expressions, `$${` and `%%{` the
 * escapes for the literal text. The one implementation of both directions; the stack writes with
 * escapeTerraformTemplates, every reader of a synthesized stack reads back with readTerraformTemplate.
 */

/** Doubles `${` and `%{` so Terraform passes them through literally; cdktf's own tokens are kept. */
export function escapeTerraformTemplates(text: string): string {
  return text.replace(/([$%])\{(?!TfToken\[)/g, "$1$1{");
}

export interface TerraformTemplate {
  /** The text with the escapes undone and the expressions kept as written. */
  readonly text: string;
  /** The text with the escapes undone and the expressions left out: what Terraform passes on verbatim. */
  readonly literal: string;
  /** Each `${…}`/`%{…}` expression Terraform would evaluate, as written. */
  readonly expressions: readonly string[];
}

/** What Terraform makes of a string: the inverse of escapeTerraformTemplates, with the expressions it would evaluate. */
export function readTerraformTemplate(source: string): TerraformTemplate {
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

/** What Terraform makes of an escaped string, expressions kept as written. */
export function unescapeTerraformTemplates(source: string): string {
  return readTerraformTemplate(source).text;
}
