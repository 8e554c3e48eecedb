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

/**
 * What Terraform makes of a string: the inverse of escapeTerraformTemplates, with the expressions it would evaluate.
 * Only `$` and `%` can start an escape or an expression, so the text between them is copied in one piece: the stack's
 * values carry the apps' bundles (1.5 MB a stack), and a character-by-character walk cost a third of a second per read.
 */
export function readTerraformTemplate(source: string): TerraformTemplate {
  const expressions: string[] = [];
  const textParts: string[] = [];
  const literalParts: string[] = [];
  const marker = /[$%]/g;
  let copied = 0;
  for (let match = marker.exec(source); match !== null; match = marker.exec(source)) {
    const index = match.index;
    const mark = source[index];
    if (source[index + 1] === mark && source[index + 2] === "{") {
      const plain = source.slice(copied, index + 1) + "{";
      textParts.push(plain);
      literalParts.push(plain);
      copied = index + 3;
    } else if (source[index + 1] === "{") {
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
      textParts.push(source.slice(copied, index), expression);
      literalParts.push(source.slice(copied, index));
      copied = end + 1;
    } else continue;
    marker.lastIndex = copied;
  }
  const rest = source.slice(copied);
  return { text: textParts.join("") + rest, literal: literalParts.join("") + rest, expressions };
}

/** What Terraform makes of an escaped string, expressions kept as written. */
export function unescapeTerraformTemplates(source: string): string {
  return readTerraformTemplate(source).text;
}
