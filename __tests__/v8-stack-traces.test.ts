import { withV8StackTraces } from "./support/v8-stack-traces";

const formatter = (): unknown => Object.getOwnPropertyDescriptor(Error, "prepareStackTrace")?.value;

describe("withV8StackTraces", () => {
  const installed = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  afterEach(() => {
    if (installed) Object.defineProperty(Error, "prepareStackTrace", installed);
    else Reflect.deleteProperty(Error, "prepareStackTrace");
  });

  it("leaves no formatter of its own where there was none", () => {
    Reflect.deleteProperty(Error, "prepareStackTrace");
    withV8StackTraces(() => new Error("inside").stack);
    expect(Object.getOwnPropertyDescriptor(Error, "prepareStackTrace")).toBeUndefined();
  });

  it("formats the stacks made inside as V8 does, without the installed formatter", () => {
    const jestFormat = jest.fn(() => "mapped");
    Error.prepareStackTrace = jestFormat;
    const stack = withV8StackTraces(() => new Error("inside").stack ?? "");
    expect(jestFormat).not.toHaveBeenCalled();
    const [first, ...frames] = stack.split("\n");
    expect(first).toBe("Error: inside");
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatch(/^ {4}at \S/);
    expect(new Error("after").stack).toBe("mapped");
  });

  it("puts the installed formatter back when what it runs throws", () => {
    const jestFormat = jest.fn(() => "mapped");
    Error.prepareStackTrace = jestFormat;
    expect(() =>
      withV8StackTraces(() => {
        throw new TypeError("failed");
      }),
    ).toThrow("failed");
    expect(formatter()).toBe(jestFormat);
  });
});

describe("a deep stack made inside withV8StackTraces", () => {
  it("shows its first 20 frames and counts the others", () => {
    const previousLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
    try {
      const deep = (depth: number): string => (depth === 0 ? (new Error("deep").stack ?? "") : deep(depth - 1));
      const lines = withV8StackTraces(() => deep(40)).split("\n");
      expect(lines).toHaveLength(22);
      expect(lines[1]).toMatch(/^ {4}at deep /);
      expect(lines[21]).toMatch(/^ {4}\.\.\. \d+ more frames$/);
    } finally {
      Error.stackTraceLimit = previousLimit;
    }
  });
});
