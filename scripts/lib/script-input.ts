/**
 * The one reader of the scripts' flags, positional arguments and environment settings (e2e, fault suite, soak,
 * benchmarks, tools). Every value is checked against what it accepts and every problem is reported together, each
 * naming its flag or variable, then the script exits 2: before it has started or written anything.
 */
import { relative, resolve } from "node:path";
import {
  choice,
  choiceList,
  matching,
  nonEmpty,
  wholeNumber,
  wholeNumberList,
  type Parsed,
  type Range,
} from "./input-values";

/** What a script takes on its command line. */
export interface CommandLine {
  /** Flags with a value: `--name value` or `--name=value`. */
  readonly values?: readonly string[];
  /** Flags without a value: `--name`. */
  readonly switches?: readonly string[];
  /** One-letter spellings: `{ o: "output" }` makes `-o` mean `--output`. */
  readonly short?: Readonly<Record<string, string>>;
  /** Positional arguments by name, in order. */
  readonly arguments?: readonly string[];
  /** Name of the positional arguments after those, when the script takes any number of them. */
  readonly rest?: string;
  /** Printed after the problems, and alone for --help. */
  readonly usage?: string;
}

/** Where a value is read: a flag (which wins over its variable), an environment variable, or a positional argument. */
export type Source =
  | { readonly flag: string; readonly env?: string }
  | { readonly env: string }
  | { readonly argument: string };

interface Given {
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
}

function splitCommandLine(line: CommandLine, argv: readonly string[], problems: string[]): Given {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  const known = [...(line.values ?? []), ...(line.switches ?? [])].map((name) => `--${name}`);
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? "";
    if (word === "--") {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    const shortName = /^-([A-Za-z])$/.exec(word)?.[1];
    const [spelled, inline] =
      shortName !== undefined ? [`--${line.short?.[shortName] ?? word}`] : word.split(/=(.*)/s, 2);
    if (!spelled?.startsWith("--")) {
      positionals.push(word);
      continue;
    }
    const name = spelled.slice(2);
    if (!known.includes(spelled)) {
      problems.push(
        known.length === 0 ? `takes no flags, got ${word}` : `unknown flag ${word}; allowed: ${known.join(", ")}`,
      );
      continue;
    }
    if (flags.has(name)) problems.push(`${spelled} is given twice`);
    if (line.switches?.includes(name)) {
      if (inline !== undefined) problems.push(`${spelled} takes no value, got ${JSON.stringify(inline)}`);
      flags.set(name, true);
      continue;
    }
    const next = argv[index + 1];
    const value = inline ?? (next !== undefined && !next.startsWith("--") ? next : undefined);
    if (inline === undefined && value !== undefined) index++;
    if (value === undefined) problems.push(`${spelled} needs a value`);
    else flags.set(name, value);
  }
  const room = line.rest !== undefined ? Infinity : (line.arguments ?? []).length;
  for (const extra of positionals.slice(room))
    problems.push(
      room === 0 ? `takes no arguments, got ${JSON.stringify(extra)}` : `unexpected argument ${JSON.stringify(extra)}`,
    );
  return { flags, positionals };
}

function nameOf(source: Source): string {
  if ("argument" in source) return `argument ${source.argument}`;
  if (!("flag" in source)) return source.env;
  return source.env === undefined ? `--${source.flag}` : `--${source.flag} (or ${source.env})`;
}

/** Reads values for a script, collecting a problem for each one that is bad (and returning its fallback then). */
export class ScriptInput {
  constructor(
    private readonly line: CommandLine,
    private readonly given: Given,
    private readonly env: NodeJS.ProcessEnv,
    readonly problems: string[],
  ) {}

  wholeNumber(source: Source, fallback: number, range: Range): number {
    return this.read(source, fallback, (raw) => wholeNumber(raw, range));
  }

  wholeNumberList(source: Source, fallback: readonly number[], range: Range): number[] {
    return this.read(source, [...fallback], (raw) => wholeNumberList(raw, range));
  }

  choice<Name extends string, Fallback extends Name | undefined = Name>(
    source: Source,
    fallback: Fallback,
    allowed: readonly Name[],
  ): Name | Fallback {
    return this.read<Name | Fallback>(source, fallback, (raw) => choice(raw, allowed));
  }

  choiceList<Name extends string>(source: Source, fallback: readonly Name[], allowed: readonly Name[]): Name[] {
    return this.read(source, [...fallback], (raw) => choiceList(raw, allowed));
  }

  /** Text matching `pattern`; `accepts` says in words what that is. */
  matching(source: Source, fallback: string, pattern: RegExp, accepts: string): string {
    return this.read(source, fallback, (raw) => matching(raw, pattern, accepts));
  }

  /** Any text but an empty one; `accepts` says what it names. */
  text(source: Source, fallback: string | undefined, accepts: string): string | undefined {
    return this.read<string | undefined>(source, fallback, (raw) => nonEmpty(raw, accepts));
  }

  /** Text that must be given; `accepts` says what it names. */
  requiredText(source: Source, accepts: string): string {
    if (this.lookup(source) === undefined) this.problems.push(`${nameOf(source)} is required: ${accepts}`);
    return this.text(source, undefined, accepts) ?? "";
  }

  switch(flag: string): boolean {
    if (!this.line.switches?.includes(flag)) throw new Error(`--${flag} is not among the script's switches`);
    return this.given.flags.get(flag) === true;
  }

  /** The positional arguments after the named ones, each one of `allowed`; `fallback` when there are none. */
  restChoices<Name extends string>(fallback: readonly Name[], allowed: readonly Name[]): Name[] {
    const name = this.line.rest;
    if (name === undefined) throw new Error("the script takes no rest arguments");
    const rest = this.given.positionals.slice((this.line.arguments ?? []).length);
    if (rest.length === 0) return [...fallback];
    return rest.flatMap((raw) => this.check(name, raw, choice(raw, allowed)) ?? []);
  }

  private read<Value>(source: Source, fallback: Value, parse: (raw: string) => Parsed<Value>): Value {
    const found = this.lookup(source);
    if (found === undefined) return fallback;
    return this.check(found.name, found.raw, parse(found.raw)) ?? fallback;
  }

  private check<Value>(name: string, raw: string, parsed: Parsed<Value>): Value | undefined {
    if ("value" in parsed) return parsed.value;
    const note = parsed.note === undefined ? "" : ` (${parsed.note})`;
    this.problems.push(`${name} expects ${parsed.accepts}, got ${JSON.stringify(raw)}${note}`);
    return undefined;
  }

  private lookup(source: Source): { name: string; raw: string } | undefined {
    if ("argument" in source) {
      const index = (this.line.arguments ?? []).indexOf(source.argument);
      if (index < 0) throw new Error(`${source.argument} is not among the script's arguments`);
      const raw = this.given.positionals[index];
      return raw === undefined ? undefined : { name: `${source.argument} (argument ${index + 1})`, raw };
    }
    if ("flag" in source) {
      if (!this.line.values?.includes(source.flag)) throw new Error(`--${source.flag} is not among the script's flags`);
      const raw = this.given.flags.get(source.flag);
      if (typeof raw === "string") return { name: `--${source.flag}`, raw };
    }
    const variable = source.env;
    const raw = variable === undefined ? undefined : this.env[variable];
    return variable === undefined || raw === undefined ? undefined : { name: variable, raw };
  }
}

/** Reads the script's input; the caller must look at `problems` before using `value`. */
export function parseInput<Value>(
  line: CommandLine,
  read: (input: ScriptInput) => Value,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { readonly value: Value; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const input = new ScriptInput(line, splitCommandLine(line, argv, problems), env, problems);
  return { value: read(input), problems };
}

const repoRoot = resolve(__dirname, "..", "..");

/** The running script as a user would name it (e2e/run.ts), for messages. */
function scriptName(): string {
  const entry = process.argv[1];
  return entry === undefined ? "script" : relative(repoRoot, entry);
}

/** Reads the script's flags, arguments and settings; on any problem prints them all and exits 2. */
export function readInput<Value>(
  line: CommandLine,
  read: (input: ScriptInput) => Value,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Value {
  if (line.usage !== undefined && (argv.includes("--help") || argv.includes("-h"))) {
    process.stdout.write(`${line.usage}\n`);
    process.exit(0);
  }
  const { value, problems } = parseInput(line, read, argv, env);
  if (problems.length === 0) return value;
  const script = scriptName();
  process.stderr.write(problems.map((problem) => `${script}: ${problem}\n`).join(""));
  if (line.usage !== undefined) process.stderr.write(`${line.usage}\n`);
  process.exit(2);
}

/** Environment settings alone (a library's, read whichever script loads it): bad ones exit 2 as readInput does. */
export function readSettings<Value>(read: (input: ScriptInput) => Value, env: NodeJS.ProcessEnv = process.env): Value {
  return readInput({}, read, [], env);
}
