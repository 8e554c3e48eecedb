import { stringify } from "yaml";

/**
 * Characters that Helm's YAML reader (go-yaml v2.4: readerc.go's allowed range, yamlprivateh.go's is_break) refuses (DEL,
 * the C1 controls, U+FFFE, U+FFFF, a lone surrogate) or reads as a line break (NEL, U+2028, U+2029), and that yaml
 * writes as they are, even between double quotes.
 */
const unreadableByHelm = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]|[\u{d800}-\u{dfff}]/u;

/** Where in `value` the first string or key holding such a character is, with the character. */
function unreadable(value: unknown, path: string, seen: Set<object>): { path: string; character: string } | undefined {
  if (typeof value === "string") {
    const character = unreadableByHelm.exec(value)?.[0];
    return character === undefined ? undefined : { path, character };
  }
  if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = unreadable(item, `${path}[${index}]`, seen);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = unreadable(key, `${path} (a key)`, seen) ?? unreadable(child, `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * YAML text of plain data, as Helm and Kubernetes read it back: they resolve scalars by YAML 1.1's rules (go-yaml v2),
 * where `yaml` writes 1.2. Every chart's values and every YAML file we ship is written here; `what` names it in errors.
 * - `compat: "yaml-1.1"` quotes strings and keys that 1.1 reads as something else (`yes`, `on`, `n`, `0b11`, `<<`).
 * - `lineWidth: 0` folds no line: bundled code keeps its long lines.
 * - `doubleQuotedMinMultiLineLength: Infinity` keeps a double-quoted string on one line, its line breaks written `\n`:
 *   yaml 2.9.1's multi-line double-quoted form writes a line holding one space as `\\ `, which reads back as `\`.
 * A string or key with a character Helm cannot read back (above) is an error naming where it is.
 */
export function yamlText(value: unknown, what: string): string {
  const found = unreadable(value, "", new Set());
  if (found) {
    const code = `U+${found.character.codePointAt(0)?.toString(16).toUpperCase().padStart(4, "0")}`;
    throw new Error(
      `${what}: ${found.path || "the value"} holds ${code}, which Helm's YAML reader refuses or reads as a line break; ` +
        "leave the character out, or write it escaped in the string's own syntax (\\u escapes in JSON or JavaScript)",
    );
  }
  return stringify(value, { lineWidth: 0, doubleQuotedMinMultiLineLength: Infinity, compat: "yaml-1.1" });
}
