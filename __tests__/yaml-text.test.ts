import { YAML11_SCHEMA, loadAll } from "js-yaml";
import { parse } from "yaml";
import { yamlText } from "../constructs/yaml-text";
import { bundleApp } from "../apps/bundle";
import { yamlDocument } from "../validation/yaml-documents";
import { seededRandom } from "./support/seeded-random";
import { synthesize } from "./support/synth";

// constructs/yaml-text.ts writes every values document and YAML file we ship. Its claim: what it writes reads back as
// exactly the value written, by a YAML 1.2 reader (our tests', yaml's) and by a YAML 1.1 one (Helm reads values with
// go-yaml v2's 1.1 rules; js-yaml's 1.1 schema stands in for it here), and what go-yaml cannot read back is refused.
const write = (value: unknown) => yamlText(value, "a test value");
const readers: Record<string, (text: string) => unknown> = {
  "js-yaml, YAML 1.2 core (validation/yaml-documents.ts)": (text) => yamlDocument(text, "written.yaml"),
  "js-yaml, YAML 1.1": (text) => loadAll(text, { schema: YAML11_SCHEMA })[0],
  "yaml, YAML 1.2 core": (text) => parse(text) as unknown,
};

describe("yamlText", () => {
  it("reads back exactly, by every reader, 120 generated values (aliases, 1.1 words, control characters, long lines)", () => {
    const next = seededRandom(20261205);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    // Pieces of the strings values carry: bundled code, shell, PEM-like blocks, what YAML 1.1 or 1.2 reads specially,
    // and runs long enough (40 characters and more) for yaml to consider its multi-line forms.
    const pieces = [
      "a",
      "Z9",
      " ",
      "  ",
      "\n",
      "\n \n",
      "\t",
      "\r",
      ": ",
      " #",
      "#",
      "-",
      "? ",
      "'",
      '"',
      "\\",
      "${x}",
      "%{",
      "{",
      "}",
      "[",
      "]",
      ",",
      "&",
      "*a1",
      "!",
      "|",
      ">",
      "@",
      "`",
      "%",
      "yes",
      "on",
      "y",
      "N",
      "off",
      "null",
      "true",
      "~",
      "0o7",
      "017",
      "0b11",
      "1:20",
      "1e3",
      ".inf",
      "<<",
      "2001-12-14",
      "é",
      "\u00a0",
      "\u0000",
      "\u0001",
      "\u001f",
      "\ufeff",
      "😀",
      "---",
      "...",
      "x".repeat(30),
      "var a=`\n  b\n`;",
    ];
    const text = () => Array.from({ length: Math.floor(next() * 12) }, () => pick(pieces)).join("");
    const shared = { reused: text(), list: [1, text()] };
    const value = (depth: number): unknown => {
      const roll = next();
      // No exponent numbers: js-yaml's 1.1 float wants a dot (`1e+21` stays a string), go-yaml's does not (resolve.go).
      if (depth <= 0 || roll < 0.3) return pick([text(), text(), 0, -1.5, 2 ** 53, true, false, null, text()]);
      if (roll < 0.4) return shared;
      if (roll < 0.7)
        return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [text(), value(depth - 1)]));
      return Array.from({ length: Math.floor(next() * 4) }, () => value(depth - 1));
    };
    const differing: string[] = [];
    let multiLine = 0;
    for (let index = 0; index < 120; index += 1) {
      const written = { first: value(3), second: value(3), again: shared, also: shared };
      const yaml = write(written);
      if (/^ {2,}\S/m.test(yaml)) multiLine += 1;
      for (const [name, read] of Object.entries(readers)) {
        const back = read(yaml) as typeof written;
        const exact = JSON.stringify(back) === JSON.stringify(written) && back.again === back.also;
        if (!exact) differing.push(`${name}: ${JSON.stringify(yaml)}`);
      }
    }
    expect(differing.slice(0, 3)).toEqual([]);
    // Not vacuous: many documents hold multi-line strings (block scalars), the form the 1.1 and escape rules meet.
    expect(multiLine).toBeGreaterThan(50);
  });

  it("keeps a line holding one space in a long double-quoted string (yaml 2.9.1's multi-line form reads it back as a backslash)", () => {
    const written = { code: `\u0001${"a".repeat(40)}\n \nb` };
    for (const read of Object.values(readers)) expect(read(write(written))).toEqual(written);
  });

  it("writes numbers, booleans and null as themselves, and quotes every string 1.1 reads otherwise, keys too", () => {
    const written = {
      count: 12,
      ratio: -1.5,
      enabled: true,
      none: null,
      n: "y",
      words: ["yes", "on", "2001-12-14", "<<"],
    };
    const yaml = write(written);
    expect(yaml).toContain("count: 12\n");
    expect(yaml).toContain("enabled: true\n");
    expect(yaml).toContain("none: null\n");
    expect(yaml).toContain('"n": "y"\n');
    expect(yaml).toMatch(/- "yes"\n {2}- "on"\n {2}- "2001-12-14"\n {2}- "<<"\n/);
    for (const read of Object.values(readers)) expect(read(yaml)).toEqual(written);
  });

  it("carries the apps' bundles into the stack's values byte for byte", () => {
    const stack = synthesize("kind");
    for (const app of ["producer", "dashboard"] as const) {
      const code = stack.release(app).values.code;
      expect({ app, same: code === bundleApp(app).code }).toEqual({ app, same: true });
    }
  });
});

describe("yamlText refuses what Helm's YAML reader cannot read back", () => {
  // go-yaml v2.4.0: readerc.go refuses DEL, C1 controls but NEL, U+FFFE and U+FFFF; yamlprivateh.go's is_break reads
  // NEL, U+2028 and U+2029 as line breaks; a lone surrogate cannot be written as UTF-8 at all.
  it.each([
    ["DEL", "\u007f", "U+007F"],
    ["a C1 control", "\u0090", "U+0090"],
    ["NEL", "\u0085", "U+0085"],
    ["LINE SEPARATOR", "\u2028", "U+2028"],
    ["PARAGRAPH SEPARATOR", "\u2029", "U+2029"],
    ["U+FFFE", "\ufffe", "U+FFFE"],
    ["U+FFFF", "\uffff", "U+FFFF"],
    ["a lone surrogate", "\ud800", "U+D800"],
  ])("%s, naming where it is", (_name, character, code) => {
    const value = { env: [{ name: "GREETING", value: `hello${character}world` }] };
    expect(() => yamlText(value, "the values of helm release producer")).toThrow(
      `the values of helm release producer: .env[0].value holds ${code}, which Helm's YAML reader refuses or reads as a line break`,
    );
    expect(() => yamlText({ [`key${character}`]: 1 }, "a file")).toThrow(`a file:  (a key) holds ${code}`);
  });

  it("takes the characters beside them, and a surrogate pair", () => {
    const value = { text: "\u007e\u00a0\u2027\u202a\ufffd\ud83d\ude00\t\u0001" };
    for (const read of Object.values(readers)) expect(read(write(value))).toEqual(value);
  });
});
