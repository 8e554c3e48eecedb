/**
 * Ajv's code options for our validators, each compiled once and run a few times: no optimization pass. The pass only
 * simplifies the generated code (the same checks and the same errors); on the pinned CRDs it was about half of Ajv's
 * compile time, far more than it saves over a few runs.
 */
export const compiledForFewRuns = { optimize: false } as const;
