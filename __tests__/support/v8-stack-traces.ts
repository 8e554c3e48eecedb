/**
 * Runs `make` with stack traces formatted as V8 does by default, not through jest's source maps. cdktf records the
 * creation stack of every token (Lazy, intrinsics, complex attributes) with no frame limit, and jest's formatter maps
 * each frame: about 2 of the 10 seconds of invariants.test. The traces are only read when a token fails to resolve;
 * they then show the lines of the compiled JavaScript. (Unsetting the formatter is not enough: Node then falls back to
 * the one jest installed in the worker's main context.)
 */
export function withV8StackTraces<T>(make: () => T): T {
  const installed = Object.getOwnPropertyDescriptor(Error, "prepareStackTrace");
  Error.prepareStackTrace = v8Format;
  try {
    return make();
  } finally {
    if (installed) Object.defineProperty(Error, "prepareStackTrace", installed);
    else Reflect.deleteProperty(Error, "prepareStackTrace");
  }
}

function v8Format(error: Error, frames: NodeJS.CallSite[]): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a CallSite's toString is V8's own frame format
  return [String(error), ...frames.map((frame) => `    at ${frame.toString()}`)].join("\n");
}
