import { parseInput, type CommandLine, type ScriptInput } from "../scripts/lib/script-input";
import { readFaultOptions } from "../e2e/lib/faults/options";

// The one reader of the scripts' flags and settings: what it accepts, and the message for each kind of bad input.

const line: CommandLine = {
  values: ["count", "profiles", "phase", "output"],
  switches: ["write"],
  short: { o: "output" },
};

const read = (input: ScriptInput) => ({
  count: input.wholeNumber({ flag: "count", env: "COUNT" }, 500, { min: 1, max: 1000 }),
  rates: input.wholeNumberList({ env: "RATES" }, [50, 200], { min: 1, max: 100 }),
  profiles: input.choiceList({ flag: "profiles" }, ["kind", "cloud"], ["kind", "cloud"] as const),
  phase: input.choice({ flag: "phase" }, "all", ["all", "engines"] as const),
  output: input.text({ flag: "output" }, undefined, "a directory"),
  write: input.switch("write"),
});

function parse(argv: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return parseInput(line, read, argv, env);
}

describe("values it accepts", () => {
  it("gives the fallbacks when nothing is set", () => {
    expect(parse([])).toEqual({
      value: {
        count: 500,
        rates: [50, 200],
        profiles: ["kind", "cloud"],
        phase: "all",
        output: undefined,
        write: false,
      },
      problems: [],
    });
  });

  it("reads `--flag value`, `--flag=value`, a one-letter spelling and a switch", () => {
    expect(parse(["--count", "7", "--phase=engines", "-o", "out", "--write"]).value).toMatchObject({
      count: 7,
      phase: "engines",
      output: "out",
      write: true,
    });
  });

  it("takes the variable when the flag is not given, and the flag over the variable", () => {
    expect(parse([], { COUNT: "9", RATES: "1, 2,3" }).value).toMatchObject({ count: 9, rates: [1, 2, 3] });
    expect(parse(["--count", "3"], { COUNT: "9" }).value.count).toBe(3);
  });

  it("keeps a list's order and each name once", () => {
    expect(parse(["--profiles", "cloud,kind,cloud"]).value.profiles).toEqual(["cloud", "kind"]);
  });
});

describe("bad input: every problem, naming the flag or variable and what it accepts", () => {
  it.each([
    [["--count", "abc"], {}, '--count expects a whole number from 1 to 1000, got "abc"'],
    [["--count", "0"], {}, '--count expects a whole number from 1 to 1000, got "0"'],
    [["--count", "1001"], {}, '--count expects a whole number from 1 to 1000, got "1001"'],
    [["--count", "2.5"], {}, '--count expects a whole number from 1 to 1000, got "2.5"'],
    [["--count", "-5"], {}, '--count expects a whole number from 1 to 1000, got "-5"'],
    [[], { COUNT: "" }, 'COUNT expects a whole number from 1 to 1000, got ""'],
    [[], { RATES: "50,fast" }, 'RATES expects a comma-separated list of whole numbers from 1 to 100, got "50,fast"'],
    [["--profiles", ""], {}, 'one or more of kind, cloud, comma-separated, got "" (empty)'],
    [
      ["--profiles", "kind,moon"],
      {},
      '--profiles expects one or more of kind, cloud, comma-separated, got "kind,moon" (unknown: "moon")',
    ],
    [["--phase", "x"], {}, '--phase expects one of all, engines, got "x"'],
    [["--output="], {}, '--output expects a directory, got ""'],
    [["--colour", "red"], {}, "unknown flag --colour; allowed: --count, --profiles, --phase, --output, --write"],
    [["--count"], {}, "--count needs a value"],
    [["--count", "--write"], {}, "--count needs a value"],
    [["--count", "1", "--count", "2"], {}, "--count is given twice"],
    [["--write=yes"], {}, '--write takes no value, got "yes"'],
    [["stray"], {}, 'takes no arguments, got "stray"'],
  ])("refuses %j with %j", (argv, env, message) => {
    expect(parse(argv, env).problems).toContainEqual(expect.stringContaining(message));
  });

  it("lists every problem at once", () => {
    expect(parse(["--count", "x", "--phase", "y", "--nope"], { RATES: "0" }).problems).toHaveLength(4);
  });

  it("names a missing required value and refuses a bad positional argument", () => {
    const { problems } = parseInput(
      { values: ["work"], arguments: ["runs"] },
      (input) => ({
        work: input.requiredText({ flag: "work" }, "the work directory"),
        runs: input.wholeNumber({ argument: "runs" }, 3, { min: 1, max: 50 }),
      }),
      ["many"],
      {},
    );
    expect(problems).toEqual([
      "--work is required: the work directory",
      'runs (argument 1) expects a whole number from 1 to 50, got "many"',
    ]);
  });

  it("checks each of any number of positional arguments", () => {
    const profiles = (argv: readonly string[]) =>
      parseInput(
        { rest: "profile" },
        (input) => input.restChoices(["kind", "cloud"], ["kind", "cloud"] as const),
        argv,
        {},
      );
    expect(profiles([])).toEqual({ value: ["kind", "cloud"], problems: [] });
    expect(profiles(["cloud"])).toEqual({ value: ["cloud"], problems: [] });
    expect(profiles(["kind", "moon"]).problems).toEqual(['profile expects one of kind, cloud, got "moon"']);
  });
});

describe("the fault suite's flags", () => {
  it("runs the chosen scenarios in the suite's order, with the other flags' defaults", () => {
    expect(readFaultOptions(["--scenarios", "schema-evolution,spark-kill", "--rate=100"])).toEqual({
      rate: 100,
      duration: 30,
      scenarios: ["spark-kill", "schema-evolution"],
      drainSeconds: 600,
    });
  });
});
