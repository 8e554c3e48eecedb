/**
 * Runs `make` with stack traces formatted as V8 does by default, not through jest's source maps. cdktf records the
 * creation stack of every token (Lazy, intrinsics, complex attributes) with no frame limit, and jest's formatter maps
 * each frame: about 2 of the 10 seconds of invariants.test. The traces are only read when a token fails to resolve;
 * they then show the first 20 frames, at lines of the compiled JavaScript. (Unsetting the formatter is not enough:
 * Node then falls back to the one jest installed in the worker's main context.)
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

/** Frames written out per trace: the ones nearest where the token was made; cdktf asks V8 for every frame there is. */
const framesShown = 20;

function v8Format(error: Error, frames: NodeJS.CallSite[]): string {
  const shown = frames.slice(0, framesShown).map((frame) => {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a CallSite's toString is V8's own frame format
    return `    at ${frame.toString()}`;
  });
  const more = frames.length - shown.length;
  return [String(error), ...shown, ...(more > 0 ? [`    ... ${more} more frames`] : [])].join("\n");
}
